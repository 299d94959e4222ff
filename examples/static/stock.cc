// lockorder-check example (with orders.cc): the other half of the cycle.
#include "shop.h"

bool Stock::take(int quantity) {
  std::lock_guard guard(mu_);
  if (count_ < quantity) return false;
  count_ -= quantity;
  return true;
}

void Stock::restock(int quantity) {
  std::lock_guard guard(mu_);
  count_ += quantity;
  for (Order* order : waiting_) order->notify();
}
