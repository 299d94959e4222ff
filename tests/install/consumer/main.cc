// Takes two locks in both orders; lockorder must report the inversion and end with status 66.
#include <lockorder/lockorder.h>

#include <mutex>

int main() {
  lockorder::mutex a("consumer_a"), b("consumer_b");
  {
    std::lock_guard ga(a);
    std::lock_guard gb(b);
  }
  {
    std::scoped_lock both(a, b);  // deadlock-free among its own arguments
  }
  std::lock_guard gb(b);
  std::lock_guard ga(a);
  return 0;
}
