// Positive 4: class Account (this file) holds its mutex and calls Ledger through a pointer;
// Ledger (ledger.cc) does the reverse.
#include "accounts.h"
void Account::post(Ledger* ledger) {
  std::lock_guard g(mu_);
  ledger->touch();  // expect: lock-order-inversion
}
void Account::touch() {
  std::lock_guard g(mu_);  // on-path
}
