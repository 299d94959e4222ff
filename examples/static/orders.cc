// lockorder-check example (with stock.cc): a cycle across translation units. An order holds its
// own lock while it reserves stock; a restock holds the stock lock while it wakes the orders
// waiting for it. Each file alone is fine; together they can deadlock.
#include "shop.h"

void Order::reserve(Stock& stock, int quantity) {
  std::lock_guard guard(mu_);
  if (stock.take(quantity)) reserved_ += quantity;
}

void Order::notify() {
  std::lock_guard guard(mu_);
  ++notifications_;
}
