// Two instances of one class locked together: not a double-lock, and not ordered here (the
// runtime tells instances apart).
#include <mutex>
struct Account {
  std::mutex mu;
  int balance = 0;
};
void transfer(Account& from, Account& to, int amount) {
  std::lock_guard f(from.mu);
  std::lock_guard t(to.mu);
  from.balance -= amount;
  to.balance += amount;
}
