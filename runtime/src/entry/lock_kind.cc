#include "lockorder/internal/lock_kind.h"

namespace lockorder::internal {

const char* kind_name(LockKind kind) {
  switch (kind) {
    case LockKind::mutex:
      return "mutex";
    case LockKind::timed_mutex:
      return "timed_mutex";
    case LockKind::recursive_mutex:
      return "recursive_mutex";
    case LockKind::recursive_timed_mutex:
      return "recursive_timed_mutex";
    case LockKind::shared_mutex:
      return "shared_mutex";
    case LockKind::shared_timed_mutex:
      return "shared_timed_mutex";
    case LockKind::thread:
      return "thread";
  }
  return "lock";
}

}  // namespace lockorder::internal
