// Five dining philosophers, each taking the fork on the left, then the fork on the right.
// With --ordered, each takes the lower-numbered fork first (lockorder::ordered_lock), which
// breaks the cycle. The philosophers dine one after another here, so even the bad version never
// hangs in this run: lockorder reports the five-fork cycle that could.
#include <lockorder/lockorder.h>

#include <array>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

constexpr int kPhilosophers = 5;
std::array<lockorder::mutex, kPhilosophers> forks = {
    lockorder::mutex("fork0"), lockorder::mutex("fork1"), lockorder::mutex("fork2"),
    lockorder::mutex("fork3"), lockorder::mutex("fork4")};

void dine_left_then_right(int seat) {
  std::lock_guard left(forks[seat]);
  std::lock_guard right(forks[(seat + 1) % kPhilosophers]);
}

void dine_ordered(int seat) {
  lockorder::ordered_lock both(forks[seat], forks[(seat + 1) % kPhilosophers]);
}

int main(int argc, char** argv) {
  const bool ordered = argc > 1 && std::strcmp(argv[1], "--ordered") == 0;
  for (int seat = 0; seat < kPhilosophers; ++seat) {
    std::thread philosopher([seat, ordered] {
      lockorder::set_thread_name(("philosopher" + std::to_string(seat)).c_str());
      for (int meal = 0; meal < 3; ++meal)
        ordered ? dine_ordered(seat) : dine_left_then_right(seat);
    });
    philosopher.join();
  }
  return 0;
}
