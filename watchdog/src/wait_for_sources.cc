#include "wait_for_sources.h"

#include <dlfcn.h>

#include <cstdlib>

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
  std::vector<blocked_thread> out;
  try {
    out = nlohmann::json::parse(text).get<std::vector<blocked_thread>>();
  } catch (const nlohmann::json::exception&) {
    out.clear();  // a preload library of another version: explain with what is linked
  }
  std::free(text);
  return out;
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
