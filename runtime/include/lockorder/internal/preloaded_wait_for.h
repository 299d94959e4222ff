// Internal: how a program that links lockorder (a watchdog) reads the wait-for graph of the
// preload library behind lockorder-run, which checks the pthread locks of the same process with
// a runtime of its own. The preload library exports two C functions under these names; the
// snapshot crosses as JSON, so that neither side depends on the other's layout.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>

#include "lockorder/wait_for.h"

namespace lockorder {

// Returns malloc'd JSON (an array of blocked_thread) for the caller to free().
inline constexpr const char* kPreloadBlockedThreadsSymbol = "lockorder_preload_blocked_threads";
using preload_blocked_threads_fn = char* (*)();
// Takes 0 or 1: publish_every_wait inside the preload library.
inline constexpr const char* kPreloadPublishEveryWaitSymbol =
    "lockorder_preload_publish_every_wait";
using preload_publish_every_wait_fn = void (*)(int);

inline void to_json(nlohmann::json& j, const blocked_thread& b) {
  j = {{"tid", b.thread_id},           {"thread", b.thread}, {"waits_for", b.waits_for},
       {"shared", b.shared},           {"holds", b.holds},   {"blocked_by", b.blocked_by},
       {"waited_ns", b.waited.count()}};
}

inline void from_json(const nlohmann::json& j, blocked_thread& b) {
  j.at("tid").get_to(b.thread_id);
  j.at("thread").get_to(b.thread);
  j.at("waits_for").get_to(b.waits_for);
  j.at("shared").get_to(b.shared);
  j.at("holds").get_to(b.holds);
  j.at("blocked_by").get_to(b.blocked_by);
  b.waited = std::chrono::nanoseconds(j.at("waited_ns").get<std::int64_t>());
}

}  // namespace lockorder
