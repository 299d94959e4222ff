// lockorder-check example: patterns that take two locks safely, and on which lockorder-check
// stays quiet: both locks at once (std::scoped_lock), a gate lock around both orders, a
// try_lock whose failure is handled, and a lock released before the next is taken.
#include <mutex>

std::mutex gate, left, right;

void both_at_once() { std::scoped_lock both(left, right); }
void both_at_once_reversed() { std::scoped_lock both(right, left); }

void gated_left_right() {
  std::lock_guard g(gate);
  std::lock_guard l(left);
  std::lock_guard r(right);
}
void gated_right_left() {
  std::lock_guard g(gate);
  std::lock_guard r(right);
  std::lock_guard l(left);
}

bool opportunistic() {
  std::lock_guard r(right);
  if (!left.try_lock()) return false;
  left.unlock();
  return true;
}

void one_then_the_other() {
  {
    std::lock_guard l(left);
  }
  std::lock_guard r(right);
}
