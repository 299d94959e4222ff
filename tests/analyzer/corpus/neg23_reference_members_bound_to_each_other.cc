// Negative 23: reference members bound to each other's counterparts (a swap view): following
// what they are bound to must stop (it recursed without end and crashed the analysis).
#include <mutex>
struct Pair {
  Pair(std::mutex& a, std::mutex& b) : first(a), second(b) {}
  Pair(Pair& other) : first(other.second), second(other.first) {}
  void both() {
    std::lock_guard x(first);
    std::lock_guard y(second);
  }
  std::mutex& first;
  std::mutex& second;
};
