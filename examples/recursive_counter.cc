// A recursive function that re-enters its recursive_mutex at every level: re-entry adds no
// lock order, so lockorder stays silent.
#include <lockorder/lockorder.h>

#include <cstdio>
#include <mutex>
#include <thread>

lockorder::recursive_mutex tree_lock("tree_lock");
long visited = 0;

void visit(int depth) {
  std::lock_guard hold(tree_lock);
  ++visited;
  if (depth > 0) {
    visit(depth - 1);
    visit(depth - 1);
  }
}

int main() {
  std::thread a([] { visit(10); }), b([] { visit(10); });
  a.join();
  b.join();
  std::printf("visited = %ld\n", visited);
  return visited == 2 * 2047 ? 0 : 1;
}
