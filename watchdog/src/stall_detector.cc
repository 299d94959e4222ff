#include "lockorder/watchdog/stall_detector.h"

#include <algorithm>

namespace lockorder::watchdog {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::idle:
      return "idle";
    case Verdict::paused:
      return "paused";
    case Verdict::progressing:
      return "progressing";
    case Verdict::slow:
      return "slow";
    case Verdict::stalled:
      return "stalled";
  }
  return "unknown";
}

std::size_t StallDetector::watch(const Heartbeat& heartbeat, std::int64_t now_ns) {
  watched_.push_back({&heartbeat, heartbeat.beats(), now_ns});
  return watched_.size() - 1;
}

std::vector<Judgement> StallDetector::judge(std::int64_t now_ns) {
  const std::int64_t gap = previous_round_ns_ == 0 ? period_ns_ : now_ns - previous_round_ns_;
  last_round_late_ = gap > period_ns_ + tolerance_ns_;
  // While the watchdog itself did not run, silence proves nothing: that time is not counted.
  const std::int64_t unobserved = last_round_late_ ? gap - period_ns_ : 0;
  previous_round_ns_ = now_ns;
  std::vector<Judgement> judgements;
  judgements.reserve(watched_.size());
  for (std::size_t i = 0; i < watched_.size(); ++i) {
    Watched& w = watched_[i];
    if (w.heartbeat == nullptr) continue;
    const Heartbeat& h = *w.heartbeat;
    const std::uint64_t beats = h.beats();
    const bool beat = beats != w.beats;
    w.beats = beats;
    Judgement j;
    j.worker = i;
    j.item_age_ns = h.item_started_ns() == 0 ? 0 : now_ns - h.item_started_ns();
    const bool paused = now_ns < h.paused_until_ns();
    if (beat || h.idle() || paused) {
      w.last_progress_ns = now_ns;
      w.stalled = false;
    } else if (!w.stalled) {
      w.last_progress_ns = std::min(now_ns, w.last_progress_ns + unobserved);
    }
    j.silent_ns = now_ns - w.last_progress_ns;
    if (h.idle()) {
      j.verdict = Verdict::idle;
    } else if (paused) {
      j.verdict = Verdict::paused;
      j.pause_reason = h.pause_reason();
    } else if (w.stalled || (j.silent_ns > h.deadline_ns() && !last_round_late_)) {
      j.verdict = Verdict::stalled;
      w.stalled = true;
    } else if (beat && j.item_age_ns > h.deadline_ns()) {
      j.verdict = Verdict::slow;
    } else {
      j.verdict = Verdict::progressing;
    }
    judgements.push_back(j);
  }
  return judgements;
}

}  // namespace lockorder::watchdog
