// Negative 2: std::lock(m1, m2) and std::lock(m2, m1).
#include <mutex>
std::mutex m1, m2;
void one() {
  std::lock(m1, m2);
  m1.unlock();
  m2.unlock();
}
void two() {
  std::lock(m2, m1);
  m2.unlock();
  m1.unlock();
}
