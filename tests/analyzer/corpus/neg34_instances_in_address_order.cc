// Negative 34 (opt-in rule instance-order): two instances of one class taken in address order,
// or together with std::scoped_lock: a canonical order, nothing to report.
// options: --checks=lockorder-instance-order
#include <mutex>

struct Account {
  std::mutex mu;
  long balance = 0;
};

void transfer(Account& from, Account& to, long amount) {
  Account* first = &from < &to ? &from : &to;
  Account* second = &from < &to ? &to : &from;
  std::lock_guard<std::mutex> a(first->mu);
  std::lock_guard<std::mutex> b(second->mu);
  from.balance -= amount;
  to.balance += amount;
}

void swap_balances(Account& x, Account& y) {
  std::scoped_lock both(x.mu, y.mu);
  std::swap(x.balance, y.balance);
}
