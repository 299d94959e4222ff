#include "waits/futex_wait.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace lockorder::internal {

std::uintptr_t futex_waited_on(int tid) noexcept {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[256];
  const ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  // "NR ARG1 ARG2 ... SP PC" while blocked in a system call; "running" or "-1 SP PC" otherwise.
  // futex(address, op, value, timeout, ...): a wait with a timeout can end by itself.
  char* rest = nullptr;
  const long number = std::strtol(text, &rest, 10);
  if (rest == text || number != SYS_futex) return 0;
  std::uintptr_t arguments[4];
  for (std::uintptr_t& argument : arguments) {
    char* next = nullptr;
    argument = static_cast<std::uintptr_t>(std::strtoull(rest, &next, 16));
    if (next == rest) return 0;
    rest = next;
  }
  return arguments[3] == 0 ? arguments[0] : 0;
}

std::vector<int> process_threads() {
  std::vector<int> tids;
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return tids;
  while (const dirent* entry = readdir(tasks)) {
    char* end = nullptr;
    const long tid = std::strtol(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0') tids.push_back(static_cast<int>(tid));
  }
  closedir(tasks);
  return tids;
}

bool is_word_of(const LockMeta& lock, std::uintptr_t address) noexcept {
  const auto start = reinterpret_cast<std::uintptr_t>(lock.native);
  std::size_t size = 0;
  if (lock.native_layout == NativeLayout::pthread_mutex) size = sizeof(pthread_mutex_t);
  if (lock.native_layout == NativeLayout::pthread_rwlock) size = sizeof(pthread_rwlock_t);
  return start != 0 && address >= start && address < start + size;
}

}  // namespace lockorder::internal
