// Positive 34 (opt-in rule instance-order): a method locks its own account's mutex, then the
// other account's, with nothing that puts the two in order: two transfers the opposite way
// deadlock. The static graph cannot tell instances apart, so this is its own rule.
// options: --checks=lockorder-instance-order
#include <mutex>

struct Account {
  std::mutex mu;
  long balance = 0;

  void transfer_to(Account& other, long amount) {
    std::lock_guard<std::mutex> mine(mu);  // on-path
    std::lock_guard<std::mutex> theirs(other.mu);  // expect: instance-order
    balance -= amount;
    other.balance += amount;
  }
};
