// A condition-variable wrapper that adopts its caller's mutex into a unique_lock, waits, and
// gives the unique_lock's ownership up (LevelDB's port::CondVar::Wait): the caller still holds
// its one hold of the mutex afterwards, so waiting twice is no double-lock.
#include <condition_variable>
#include <mutex>

struct Mutex {
  std::mutex mu_;
  void Lock() { mu_.lock(); }
  void Unlock() { mu_.unlock(); }
};

struct CondVar {
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  std::condition_variable cv_;
  Mutex* const mu_;
};

struct Shared {
  Mutex mu;
  CondVar cv{&mu};
};

void wait_twice(Shared& shared) {
  shared.mu.Lock();
  shared.cv.Wait();
  shared.cv.Wait();
  shared.mu.Unlock();
}
