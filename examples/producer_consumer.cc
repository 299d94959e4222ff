// A bounded queue with a condition variable: producers wait while it is full, consumers while
// it is empty. A wait releases the queue's lock, so lockorder sees no order problem.
#include <lockorder/lockorder.h>

#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

class BoundedQueue {
 public:
  void push(int item) {
    std::unique_lock hold(lock_);
    changed_.wait(hold, [this] { return items_.size() < 16; });
    items_.push_back(item);
    changed_.notify_all();
  }
  int pop() {
    std::unique_lock hold(lock_);
    changed_.wait(hold, [this] { return !items_.empty(); });
    int item = items_.front();
    items_.pop_front();
    changed_.notify_all();
    return item;
  }

 private:
  lockorder::mutex lock_{"queue_lock"};
  lockorder::condition_variable changed_;
  std::deque<int> items_;
};

int main() {
  BoundedQueue queue;
  long sum = 0;
  std::thread consumer([&] {
    for (int i = 0; i < 20000; ++i) sum += queue.pop();
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p)
    producers.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) queue.push(1);
    });
  for (auto& p : producers) p.join();
  consumer.join();
  std::printf("consumed %ld items\n", sum);
  return sum == 20000 ? 0 : 1;
}
