// Positive 24: locks reached through accessors (a method returning a reference to a member lock,
// a function returning a global one) are the locks they return.
#include <mutex>
class Account {
 public:
  std::mutex& mutex() { return mu_; }

 private:
  std::mutex mu_;
};
std::mutex ledger_mu;
std::mutex& ledger() { return ledger_mu; }
void post(Account* account) {
  std::lock_guard a(account->mutex());
  std::lock_guard l(ledger());  // expect: lock-order-inversion
}
void audit(Account& account) {
  std::lock_guard l(ledger_mu);
  std::lock_guard a(account.mutex());
}
