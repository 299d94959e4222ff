#include "wait_for_sources.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>

#include "lockorder/internal/preloaded_wait_for.h"

namespace lockorder::watchdog {
namespace {

// Looked up once: the preload library is loaded before the program starts, or not at all.
template <class Fn>
Fn preload_function(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
}

std::vector<blocked_thread> preloaded_blocked_threads() {
  static const auto fn = preload_function<preload_blocked_threads_fn>(kPreloadBlockedThreadsSymbol);
  if (fn == nullptr) return {};
  char* text = fn();
  if (text == nullptr) return {};
  std::string error;
  std::optional<std::vector<blocked_thread>> out = decode_blocked_threads(text, error);
  std::free(text);
  if (!out) {
    // A preload library of another version: explain with what is linked, and say so once.
    static std::once_flag said;
    std::call_once(said, [&error] {
      std::fprintf(stderr,
                   "lockorder-watchdog: cannot read the preload library's wait-for graph (%s); "
                   "stalls are explained with the linked runtime's locks only\n",
                   error.c_str());
    });
    return {};
  }
  return std::move(*out);
}

}  // namespace

std::vector<blocked_thread> blocked_threads_everywhere() {
  std::vector<blocked_thread> all = blocked_threads();
  for (blocked_thread& b : preloaded_blocked_threads()) all.push_back(std::move(b));
  return all;
}

void publish_every_wait_everywhere(bool on) {
  publish_every_wait(on);
  static const auto fn =
      preload_function<preload_publish_every_wait_fn>(kPreloadPublishEveryWaitSymbol);
  if (fn != nullptr) fn(on ? 1 : 0);
}

}  // namespace lockorder::watchdog
