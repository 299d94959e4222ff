// Internal: how a program that links lockorder (a watchdog) reads the wait-for graph of the
// preload library behind lockorder-run, which checks the pthread locks of the same process with
// a runtime of its own. The preload library exports two C functions under these names; the
// snapshot crosses as versioned text, so that neither side depends on the other's layout, and a
// library of another version is recognized instead of misread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockorder/wait_for.h"

namespace lockorder {

// Returns malloc'd text (encode_blocked_threads) for the caller to free().
inline constexpr const char* kPreloadBlockedThreadsSymbol = "lockorder_preload_blocked_threads";
using preload_blocked_threads_fn = char* (*)();
// Takes 0 or 1: publish_every_wait inside the preload library.
inline constexpr const char* kPreloadPublishEveryWaitSymbol =
    "lockorder_preload_publish_every_wait";
using preload_publish_every_wait_fn = void (*)(int);

// The format's version: a decoder refuses any other.
inline constexpr int kBlockedThreadsFormat = 2;

// Every field of every blocked_thread, under the format's version.
std::string encode_blocked_threads(const std::vector<blocked_thread>& threads);
// The snapshot, or nullopt (with `error` saying why) for text of another version or not of
// this format.
std::optional<std::vector<blocked_thread>> decode_blocked_threads(std::string_view text,
                                                                  std::string& error);

}  // namespace lockorder
