// lockorder::thread_pool: a fixed number of worker threads that run submitted tasks in the order
// they came, whose futures the runtime sees. A task that waits on the future of a task still
// queued behind it, while every worker is busy with a task that is blocked for good, can never
// get it: the runtime reports that pool starvation (kind `deadlock`, with the task each worker
// runs) the moment the last worker blocks, instead of hanging. So does a wait on a pool task,
// while holding locks, that the task (or the workers it waits for) needs.
//
// Contract: submit(f, args...) queues f(args...) and returns a lockorder::future for its result
// (an exception it throws comes out of get()); tasks start in submission order, each on the
// first free worker. A wait on a pool task is published even when the waiter holds no lock (a
// task that waits on its own pool needs none to starve it). The destructor runs every queued
// task, then joins the workers; submit during it throws std::logic_error.
// Thread-safety: submit may be called from any thread, tasks included.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "lockorder/future.h"
#include "lockorder/internal/waitable_meta.h"
#include "lockorder/runtime.h"
#include "lockorder/thread.h"

namespace lockorder {

class thread_pool {
 public:
  explicit thread_pool(std::size_t workers, const char* name = nullptr) : record_(name) {
    if (workers == 0) throw std::invalid_argument("lockorder::thread_pool: no workers");
    record_.workers.resize(workers);
    record_.running.resize(workers);
    threads_.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this, i] { work(i); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() {
    {
      std::lock_guard guard(record_.mu);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (thread& t : threads_) t.join();
  }

  template <class F, class... Args>
  auto submit(F&& f, Args&&... args)
      -> future<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
    using Result = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;
    auto task = std::make_shared<std::packaged_task<Result()>>(
        [fn = std::forward<F>(f), ... as = std::forward<Args>(args)]() mutable -> Result {
          return std::invoke(std::move(fn), std::move(as)...);
        });
    std::future<Result> native = task->get_future();
    std::shared_ptr<internal::TaskRecord> record;
    {
      std::lock_guard guard(record_.mu);
      if (stopping_) throw std::logic_error("lockorder::thread_pool: submit while destroyed");
      record = std::make_shared<internal::TaskRecord>(&record_, ++submitted_);
      queue_.push_back({record, [task] { (*task)(); }});
      record_.queued.push_back(record->number);
    }
    work_ready_.notify_one();
    return future<Result>(std::move(native), std::move(record));
  }

 private:
  struct Job {
    std::shared_ptr<internal::TaskRecord> task;
    std::function<void()> run;
  };

  void work(std::size_t index) {
    // Reports name the worker by its pool: "T3 'io/1'".
    const std::string name = std::string(record_.name != nullptr ? record_.name : "pool") + "/" +
                             std::to_string(index + 1);
    set_thread_name(name.c_str());
    std::unique_lock lock(record_.mu);
    record_.workers[index] = pthread_self();
    for (;;) {
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every queued task has run
      Job job = std::move(queue_.front());
      queue_.pop_front();
      record_.queued.pop_front();
      record_.running[index] = job.task->number;
      job.task->start();
      lock.unlock();
      job.run();  // packaged_task: the task's exception goes to its future
      job.task->finish();
      job = {};
      lock.lock();
      record_.running[index] = 0;
    }
  }

  internal::PoolRecord record_;  // its mutex guards the queue too
  std::condition_variable work_ready_;
  std::deque<Job> queue_;
  std::uint64_t submitted_ = 0;
  bool stopping_ = false;
  std::vector<thread> threads_;
};

}  // namespace lockorder
