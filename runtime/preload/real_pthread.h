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

// The lock, try and unlock functions every lock operation calls are constant pointers to glibc's
// aliases, bound by a relocation at load time (before any code runs): a call is one indirect
// call, as a call through the procedure linkage table is. A wrapper function in real_pthread.cc
// would add a call of its own to every operation: that file is compiled without link-time
// optimization (see CMakeLists.txt), so nothing can inline it.
extern int (*const g_mutex_lock)(pthread_mutex_t*);
extern int (*const g_mutex_trylock)(pthread_mutex_t*);
extern int (*const g_mutex_unlock)(pthread_mutex_t*);
extern int (*const g_rwlock_rdlock)(pthread_rwlock_t*);
extern int (*const g_rwlock_wrlock)(pthread_rwlock_t*);
extern int (*const g_rwlock_tryrdlock)(pthread_rwlock_t*);
extern int (*const g_rwlock_trywrlock)(pthread_rwlock_t*);
extern int (*const g_rwlock_unlock)(pthread_rwlock_t*);

inline int mutex_lock(pthread_mutex_t* m) { return g_mutex_lock(m); }
inline int mutex_trylock(pthread_mutex_t* m) { return g_mutex_trylock(m); }
inline int mutex_unlock(pthread_mutex_t* m) { return g_mutex_unlock(m); }
int mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr);
int mutex_destroy(pthread_mutex_t* m);
int mutex_timedlock(pthread_mutex_t* m, const timespec* abstime);
int mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* abstime);

inline int rwlock_rdlock(pthread_rwlock_t* l) { return g_rwlock_rdlock(l); }
inline int rwlock_wrlock(pthread_rwlock_t* l) { return g_rwlock_wrlock(l); }
inline int rwlock_tryrdlock(pthread_rwlock_t* l) { return g_rwlock_tryrdlock(l); }
inline int rwlock_trywrlock(pthread_rwlock_t* l) { return g_rwlock_trywrlock(l); }
inline int rwlock_unlock(pthread_rwlock_t* l) { return g_rwlock_unlock(l); }
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
