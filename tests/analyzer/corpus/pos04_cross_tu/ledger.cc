#include "accounts.h"
void Ledger::record(Account* account) {
  std::lock_guard g(mu_);
  account->touch();  // on-path
}
void Ledger::touch() {
  std::lock_guard g(mu_);  // on-path
}
