#include "real_pthread.h"

#include <dlfcn.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

extern "C" {
int __pthread_mutex_lock(pthread_mutex_t*);
int __pthread_mutex_trylock(pthread_mutex_t*);
int __pthread_mutex_unlock(pthread_mutex_t*);
int __pthread_mutex_init(pthread_mutex_t*, const pthread_mutexattr_t*);
int __pthread_mutex_destroy(pthread_mutex_t*);
int __pthread_rwlock_rdlock(pthread_rwlock_t*);
int __pthread_rwlock_wrlock(pthread_rwlock_t*);
int __pthread_rwlock_tryrdlock(pthread_rwlock_t*);
int __pthread_rwlock_trywrlock(pthread_rwlock_t*);
int __pthread_rwlock_unlock(pthread_rwlock_t*);
int __pthread_rwlock_init(pthread_rwlock_t*, const pthread_rwlockattr_t*);
int __pthread_rwlock_destroy(pthread_rwlock_t*);
}

// glibc keeps these aliases for binary compatibility only (no default version to link to):
// bind to the version every x86_64 glibc has.
__asm__(".symver __pthread_mutex_lock,__pthread_mutex_lock@GLIBC_2.2.5");
__asm__(".symver __pthread_mutex_trylock,__pthread_mutex_trylock@GLIBC_2.2.5");
__asm__(".symver __pthread_mutex_unlock,__pthread_mutex_unlock@GLIBC_2.2.5");
__asm__(".symver __pthread_mutex_init,__pthread_mutex_init@GLIBC_2.2.5");
__asm__(".symver __pthread_mutex_destroy,__pthread_mutex_destroy@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_rdlock,__pthread_rwlock_rdlock@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_wrlock,__pthread_rwlock_wrlock@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_tryrdlock,__pthread_rwlock_tryrdlock@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_trywrlock,__pthread_rwlock_trywrlock@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_unlock,__pthread_rwlock_unlock@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_init,__pthread_rwlock_init@GLIBC_2.2.5");
__asm__(".symver __pthread_rwlock_destroy,__pthread_rwlock_destroy@GLIBC_2.2.5");

namespace lockorder::preload::real {
namespace {

// The next definition of `name` after this library (the C library's), found once.
template <class Fn>
Fn next(std::atomic<Fn>& cache, const char* name) {
  Fn fn = cache.load(std::memory_order_acquire);
  if (fn != nullptr) [[likely]]
    return fn;
  fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
  if (fn == nullptr) {
    std::fprintf(stderr, "lockorder: cannot find the C library's %s: %s\n", name, dlerror());
    std::abort();
  }
  cache.store(fn, std::memory_order_release);
  return fn;
}

}  // namespace

int (*const g_mutex_lock)(pthread_mutex_t*) = __pthread_mutex_lock;
int (*const g_mutex_trylock)(pthread_mutex_t*) = __pthread_mutex_trylock;
int (*const g_mutex_unlock)(pthread_mutex_t*) = __pthread_mutex_unlock;
int mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  return __pthread_mutex_init(m, a);
}
int mutex_destroy(pthread_mutex_t* m) { return __pthread_mutex_destroy(m); }

int mutex_timedlock(pthread_mutex_t* m, const timespec* t) {
  static std::atomic<int (*)(pthread_mutex_t*, const timespec*)> fn{nullptr};
  return next(fn, "pthread_mutex_timedlock")(m, t);
}
int mutex_clocklock(pthread_mutex_t* m, clockid_t c, const timespec* t) {
  static std::atomic<int (*)(pthread_mutex_t*, clockid_t, const timespec*)> fn{nullptr};
  return next(fn, "pthread_mutex_clocklock")(m, c, t);
}

int (*const g_rwlock_rdlock)(pthread_rwlock_t*) = __pthread_rwlock_rdlock;
int (*const g_rwlock_wrlock)(pthread_rwlock_t*) = __pthread_rwlock_wrlock;
int (*const g_rwlock_tryrdlock)(pthread_rwlock_t*) = __pthread_rwlock_tryrdlock;
int (*const g_rwlock_trywrlock)(pthread_rwlock_t*) = __pthread_rwlock_trywrlock;
int (*const g_rwlock_unlock)(pthread_rwlock_t*) = __pthread_rwlock_unlock;
int rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* a) {
  return __pthread_rwlock_init(l, a);
}
int rwlock_destroy(pthread_rwlock_t* l) { return __pthread_rwlock_destroy(l); }

int rwlock_timedrdlock(pthread_rwlock_t* l, const timespec* t) {
  static std::atomic<int (*)(pthread_rwlock_t*, const timespec*)> fn{nullptr};
  return next(fn, "pthread_rwlock_timedrdlock")(l, t);
}
int rwlock_timedwrlock(pthread_rwlock_t* l, const timespec* t) {
  static std::atomic<int (*)(pthread_rwlock_t*, const timespec*)> fn{nullptr};
  return next(fn, "pthread_rwlock_timedwrlock")(l, t);
}
int rwlock_clockrdlock(pthread_rwlock_t* l, clockid_t c, const timespec* t) {
  static std::atomic<int (*)(pthread_rwlock_t*, clockid_t, const timespec*)> fn{nullptr};
  return next(fn, "pthread_rwlock_clockrdlock")(l, c, t);
}
int rwlock_clockwrlock(pthread_rwlock_t* l, clockid_t c, const timespec* t) {
  static std::atomic<int (*)(pthread_rwlock_t*, clockid_t, const timespec*)> fn{nullptr};
  return next(fn, "pthread_rwlock_clockwrlock")(l, c, t);
}

int cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  static std::atomic<int (*)(pthread_cond_t*, pthread_mutex_t*)> fn{nullptr};
  return next(fn, "pthread_cond_wait")(c, m);
}
int cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* t) {
  static std::atomic<int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*)> fn{nullptr};
  return next(fn, "pthread_cond_timedwait")(c, m, t);
}
int cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t k, const timespec* t) {
  static std::atomic<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*)> fn{
      nullptr};
  return next(fn, "pthread_cond_clockwait")(c, m, k, t);
}

}  // namespace lockorder::preload::real
