#include "lockorder/internal/preloaded_wait_for.h"

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace lockorder {
namespace {

using nlohmann::json;

}  // namespace

NLOHMANN_JSON_SERIALIZE_ENUM(wait_kind, {{wait_kind::lock, "lock"},
                                         {wait_kind::condition, "condition"},
                                         {wait_kind::join, "join"},
                                         {wait_kind::semaphore, "semaphore"},
                                         {wait_kind::arrival, "arrival"},
                                         {wait_kind::notification, "notification"},
                                         {wait_kind::future, "future"}})

namespace {

json to_json_object(const blocked_thread& b) {
  return {{"tid", b.thread_id},
          {"thread", b.thread},
          {"waits_for", b.waits_for},
          {"shared", b.shared},
          {"kind", b.kind},
          {"can_give_up", b.can_give_up},
          {"timed", b.timed},
          {"holds", b.holds},
          {"blocked_by", b.blocked_by},
          {"waited_ns", b.waited.count()}};
}

blocked_thread from_json_object(const json& j) {
  blocked_thread b;
  j.at("tid").get_to(b.thread_id);
  j.at("thread").get_to(b.thread);
  j.at("waits_for").get_to(b.waits_for);
  j.at("shared").get_to(b.shared);
  j.at("kind").get_to(b.kind);
  j.at("can_give_up").get_to(b.can_give_up);
  j.at("timed").get_to(b.timed);
  j.at("holds").get_to(b.holds);
  j.at("blocked_by").get_to(b.blocked_by);
  b.waited = std::chrono::nanoseconds(j.at("waited_ns").get<std::int64_t>());
  return b;
}

}  // namespace

std::string encode_blocked_threads(const std::vector<blocked_thread>& threads) {
  json all = json::array();
  for (const blocked_thread& b : threads) all.push_back(to_json_object(b));
  return json{{"format", kBlockedThreadsFormat}, {"threads", std::move(all)}}.dump();
}

std::optional<std::vector<blocked_thread>> decode_blocked_threads(std::string_view text,
                                                                  std::string& error) {
  try {
    const json j = json::parse(text);
    const int format = j.at("format").get<int>();
    if (format != kBlockedThreadsFormat) {
      error = "format " + std::to_string(format) + ", this side reads format " +
              std::to_string(kBlockedThreadsFormat);
      return std::nullopt;
    }
    std::vector<blocked_thread> out;
    for (const json& b : j.at("threads")) out.push_back(from_json_object(b));
    return out;
  } catch (const json::exception& e) {
    error = std::string("not a snapshot of this format: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace lockorder
