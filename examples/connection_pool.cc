// A pool of 3 connections shared by 8 clients, limited by a counting semaphore. Each client
// takes a free connection from the pool under pool_lock, then uses it under the connection's own
// lock, after releasing pool_lock: one consistent order, so lockorder stays silent.
#include <lockorder/lockorder.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

struct Connection {
  lockorder::mutex lock{
      lockorder::lock_attributes{.name = "connection", .lock_class = "Connection"}};
  bool in_use = false;
  int queries = 0;
};

class Pool {
 public:
  Connection& acquire() {
    slots_.acquire();
    std::lock_guard hold(pool_lock_);
    for (auto& c : connections_)
      if (!c.in_use) return c.in_use = true, c;
    std::abort();  // the semaphore guarantees a free connection
  }
  void release(Connection& c) {
    {
      std::lock_guard hold(pool_lock_);
      c.in_use = false;
    }
    slots_.release();
  }

 private:
  lockorder::mutex pool_lock_{"pool_lock"};
  std::counting_semaphore<3> slots_{3};
  std::array<Connection, 3> connections_;
};

int main() {
  Pool pool;
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&] {
      for (int q = 0; q < 1000; ++q) {
        Connection& c = pool.acquire();
        {
          std::lock_guard use(c.lock);
          ++c.queries;
        }
        pool.release(c);
      }
    });
  for (auto& c : clients) c.join();
  std::printf("8000 queries served by 3 connections\n");
  return 0;
}
