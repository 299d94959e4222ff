// A bank with three kinds of cycle, for lockorder-report given both lockorder-check's graph and
// the runtime's: each mode runs one path, in a process of its own.
//   post, bill: accounts then ledger, ledger then accounts: in the source and taken at run time
//     (confirmed);
//   audit, reconcile: cash then vault, vault then cash: in the source, never run (static-only);
//   alice-to-bob, bob-to-alice: two accounts' own locks, one instance under the other: the static
//     checker does not order two instances of one member, the runtime sees two named locks
//     (runtime-only, and each edge a static gap).
#include <cstring>
#include <mutex>

#include "lockorder/lockorder.h"

lockorder::mutex accounts("accounts"), ledger("ledger");
lockorder::mutex cash("cash"), vault("vault");

struct Account {
  explicit Account(const char* name) : mu(name) {}
  lockorder::mutex mu;
  long balance = 100;
};

[[gnu::noinline]] void post() {
  std::lock_guard first(accounts);
  std::lock_guard second(ledger);
}

[[gnu::noinline]] void bill() {
  std::lock_guard first(ledger);
  std::lock_guard second(accounts);
}

[[gnu::noinline]] void audit() {
  std::lock_guard first(cash);
  std::lock_guard second(vault);
}

[[gnu::noinline]] void reconcile() {
  std::lock_guard first(vault);
  std::lock_guard second(cash);
}

[[gnu::noinline]] void transfer(Account& from, Account& to) {
  std::lock_guard first(from.mu);
  std::lock_guard second(to.mu);
  from.balance -= 1;
  to.balance += 1;
}

int main(int argc, char** argv) {
  Account alice("alice"), bob("bob");
  const char* mode = argc == 2 ? argv[1] : "";
  if (std::strcmp(mode, "post") == 0)
    post();
  else if (std::strcmp(mode, "bill") == 0)
    bill();
  else if (std::strcmp(mode, "alice-to-bob") == 0)
    transfer(alice, bob);
  else if (std::strcmp(mode, "bob-to-alice") == 0)
    transfer(bob, alice);
  else if (std::strcmp(mode, "never") == 0)
    audit(), reconcile();
  else
    return 2;
  return 0;
}
