// A helper called with the mutex held drops it around slow work in a loop and takes it back
// (LevelDB's MakeRoomForWrite): not a double-lock in its caller.
#include <mutex>
std::mutex mu;
bool room();
void sleep_a_little();
void make_room() {
  while (!room()) {
    mu.unlock();
    sleep_a_little();
    mu.lock();
  }
}
void write() {
  std::lock_guard g(mu);
  make_room();
}
