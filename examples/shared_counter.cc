// A counter shared by four threads under one lock: correct, and lockorder stays silent.
#include <lockorder/lockorder.h>

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

int main() {
  lockorder::mutex counter_lock("counter_lock");
  long counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        std::lock_guard hold(counter_lock);
        ++counter;
      }
    });
  for (auto& t : threads) t.join();
  std::printf("counter = %ld\n", counter);
  return counter == 400000 ? 0 : 1;
}
