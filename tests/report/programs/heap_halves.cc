// Half of a lock-order cycle per run, on two heap pthread mutexes that one helper initializes
// (no names, no variables: lockorder-run knows them by where they were created): "ab" takes
// accounts then ledger, "ba" ledger then accounts.
#include <pthread.h>

#include <cstring>

namespace {

[[gnu::noinline]] pthread_mutex_t* make_lock() {
  auto* lock = new pthread_mutex_t;
  pthread_mutex_init(lock, nullptr);
  return lock;
}

}  // namespace

int main(int argc, char** argv) {
  pthread_mutex_t* accounts = make_lock();
  pthread_mutex_t* ledger = make_lock();
  const bool ab = argc == 2 && std::strcmp(argv[1], "ab") == 0;
  pthread_mutex_t* first = ab ? accounts : ledger;
  pthread_mutex_t* second = ab ? ledger : accounts;
  pthread_mutex_lock(first);
  pthread_mutex_lock(second);
  pthread_mutex_unlock(second);
  pthread_mutex_unlock(first);
  return 0;
}
