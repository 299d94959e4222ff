// Negative 24: a guard that keeps a reference to whatever mutex it is given (SRT's UniqueLock,
// whose mutex() a condition wait unlocks and relocks) names every such mutex, not a lock class
// of its own: it orders nothing. (As one class, it joined `a` and `c` in a false cycle.)
#include <mutex>
class Guard {
 public:
  explicit Guard(std::mutex& m) : m_(m) { m_.lock(); }
  ~Guard() { m_.unlock(); }
  std::mutex* mutex() { return &m_; }

 private:
  std::mutex& m_;
};
std::mutex a, b, c;
void wait_on(Guard& g) {
  g.mutex()->unlock();
  g.mutex()->lock();
}
void first() {
  Guard ga(a);
  Guard gb(b);
  wait_on(gb);
}
void second() {
  Guard gc(c);
  wait_on(gc);
  std::lock_guard la(a);
}
