// Half of a lock-order cycle per run: "ab" takes accounts then ledger, "ba" ledger then
// accounts; "a" takes accounts alone. Built twice: as a plain program (std::mutex, for
// lockorder-run) and linked with lockorder (lockorder::mutex, for graph_dir= in
// LOCKORDER_OPTIONS).
#include <cstring>
#include <mutex>

#ifdef HALVES_LINKED
#include "lockorder/lockorder.h"
lockorder::mutex accounts("accounts"), ledger("ledger");
#else
std::mutex accounts, ledger;
#endif

int main(int argc, char** argv) {
  const char* order = argc == 2 ? argv[1] : "";
  if (std::strcmp(order, "ab") == 0) {
    std::lock_guard first(accounts);
    std::lock_guard second(ledger);
  } else if (std::strcmp(order, "ba") == 0) {
    std::lock_guard first(ledger);
    std::lock_guard second(accounts);
  } else if (std::strcmp(order, "a") == 0) {
    std::lock_guard only(accounts);
  } else {
    return 2;
  }
  return 0;
}
