// The wait-for graphs a watchdog can read: the runtime linked into the program (its
// lockorder::mutex and friends), and, under lockorder-run, the preload library's (every pthread
// lock, std::mutex included). Thread ids are the kernel's, so the two views merge.
#pragma once

#include <vector>

#include "lockorder/wait_for.h"

namespace lockorder::watchdog {

std::vector<blocked_thread> blocked_threads_everywhere();
void publish_every_wait_everywhere(bool on);

}  // namespace lockorder::watchdog
