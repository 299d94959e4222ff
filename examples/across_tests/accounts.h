// A bank's two locks, shared by two test binaries: orders_test takes accounts then ledger,
// billing_test ledger then accounts. Each passes alone; lockorder-report, merging the graphs
// both wrote, reports the cycle that a program running both paths would deadlock on.
#pragma once

#include <lockorder/mutex.h>

#include <mutex>

inline lockorder::mutex accounts("accounts");
inline lockorder::mutex ledger("ledger");

// Posts an order: the account first, then the ledger entry.
inline void post_order() {
  std::lock_guard account(accounts);
  std::lock_guard entry(ledger);
}

// Bills from the ledger: the entry first, then the account it charges.
inline void bill() {
  std::lock_guard entry(ledger);
  std::lock_guard account(accounts);
}
