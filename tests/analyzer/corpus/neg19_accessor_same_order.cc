// Negative 19: the same locks through accessors and directly, always in one order.
#include <mutex>
class Account {
 public:
  std::mutex& mutex() { return mu_; }
  std::mutex mu_;
};
std::mutex ledger_mu;
std::mutex& ledger() { return ledger_mu; }
void post(Account* account) {
  std::lock_guard a(account->mutex());
  std::lock_guard l(ledger());
}
void audit(Account& account) {
  std::lock_guard a(account.mu_);
  std::lock_guard l(ledger_mu);
}
