// Everything a program needs to use lockorder's instrumented locks.
#pragma once

#include "lockorder/barrier.h"
#include "lockorder/condition_variable.h"
#include "lockorder/future.h"
#include "lockorder/latch.h"
#include "lockorder/mutex.h"
#include "lockorder/options.h"
#include "lockorder/ordered_lock.h"
#include "lockorder/runtime.h"
#include "lockorder/semaphore.h"
#include "lockorder/thread.h"
#include "lockorder/thread_pool.h"
#include "lockorder/wait_for.h"
