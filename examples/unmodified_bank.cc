// A plain C++ program that knows nothing of lockorder: std::mutex only. Each account has a mutex,
// and transfer() locks the source account, then the destination. Two transfers in opposite
// directions take the same two mutexes in opposite orders.
//
//   lockorder-run -- unmodified_bank           the inversion is reported, although this run,
//                                              with its transfers one after the other, is lucky
//   lockorder-run -- unmodified_bank --race    the transfers really run at once and deadlock:
//                                              reported, and the run ends instead of hanging
#include <barrier>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

struct Account {
  const char* owner;
  long balance;
  std::mutex mu;
};

Account alice{"alice", 100, {}};
Account bob{"bob", 100, {}};

// With `meet`, both transfers hold their first lock before either takes its second.
void transfer(Account& from, Account& to, long amount, std::barrier<>* meet) {
  std::lock_guard source(from.mu);
  if (meet != nullptr) meet->arrive_and_wait();
  std::lock_guard destination(to.mu);
  from.balance -= amount;
  to.balance += amount;
}

int main(int argc, char** argv) {
  const bool race = argc > 1 && std::strcmp(argv[1], "--race") == 0;
  std::barrier<> meet(2);
  std::barrier<>* rendezvous = race ? &meet : nullptr;
  std::thread t1(transfer, std::ref(alice), std::ref(bob), 10, rendezvous);
  if (!race) t1.join();
  std::thread t2(transfer, std::ref(bob), std::ref(alice), 5, rendezvous);
  if (race) t1.join();
  t2.join();
  std::printf("alice %ld, bob %ld\n", alice.balance, bob.balance);
  return 0;
}
