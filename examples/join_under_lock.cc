// A service stops its worker the way many do: under the lock that guards its state, it sets
// `stopping` and joins the worker. The worker finishes its current item and takes that same lock
// to record it, so it can never end, and the join waits for it for good: a deadlock with one lock
// and one join. lockorder reports it the moment both are blocked, and the program ends instead
// of hanging. `--fixed` releases the lock before the join, and the program finishes.
#include <lockorder/lockorder.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

class Service {
 public:
  void start() {
    worker_ = lockorder::thread([this] { run(); });
  }
  void stop(bool fixed) {
    std::unique_lock hold(state_lock_);
    stopping_ = true;
    if (fixed) hold.unlock();  // the fix: nothing held across the join
    worker_.join();
  }
  int done() {
    std::lock_guard hold(state_lock_);
    return done_;
  }

 private:
  void run() {
    lockorder::set_thread_name("worker");
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // one item of work
      std::lock_guard hold(state_lock_);
      ++done_;
      if (stopping_) return;
    }
  }

  lockorder::mutex state_lock_{"state_lock"};
  bool stopping_ = false;
  int done_ = 0;
  lockorder::thread worker_;
};

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "--fixed") == 0;
  lockorder::set_thread_name("main");
  Service service;
  service.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  service.stop(fixed);
  std::printf("stopped after %d items\n", service.done());
  return 0;
}
