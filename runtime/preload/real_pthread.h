// The C library's own lock functions, for the interposers to call after their checks.
//
// Mutex and rwlock lock/unlock/init/destroy go straight to glibc's exported __pthread_* aliases:
// bound at load time, usable from the very first call (before any constructor ran), and never
// resolving back to our own interposers. The timed, clock and condition-variable functions have
// no such aliases; they are looked up with dlsym(RTLD_NEXT) on first use, which gives their
// default (current) versions.
#pragma once

#include <pthread.h>
#include <time.h>

namespace lockorder::preload::real {

int mutex_lock(pthread_mutex_t* m);
int mutex_trylock(pthread_mutex_t* m);
int mutex_unlock(pthread_mutex_t* m);
int mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr);
int mutex_destroy(pthread_mutex_t* m);
int mutex_timedlock(pthread_mutex_t* m, const timespec* abstime);
int mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime);

int rwlock_rdlock(pthread_rwlock_t* l);
int rwlock_wrlock(pthread_rwlock_t* l);
int rwlock_tryrdlock(pthread_rwlock_t* l);
int rwlock_trywrlock(pthread_rwlock_t* l);
int rwlock_unlock(pthread_rwlock_t* l);
int rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* attr);
int rwlock_destroy(pthread_rwlock_t* l);
int rwlock_timedrdlock(pthread_rwlock_t* l, const timespec* abstime);
int rwlock_timedwrlock(pthread_rwlock_t* l, const timespec* abstime);
int rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t clock, const timespec* abstime);
int rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t clock, const timespec* abstime);

int cond_wait(pthread_cond_t* c, pthread_mutex_t* m);
int cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* abstime);
int cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* abstime);

}  // namespace lockorder::preload::real
