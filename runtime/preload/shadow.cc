#include "shadow.h"

#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <source_location>
#include <unordered_map>

namespace lockorder::preload {
namespace {

using internal::LockKind;
using internal::LockMeta;

#if !defined(__x86_64__)
#error "lockorder's preload library knows glibc's pthread object layout on x86_64 only"
#endif

// glibc's __kind bits (pthread_mutex_init.c): the type, and the protocols that use __list.
constexpr int kKindTypeMask = 3;
constexpr int kKindRecursive = 1;
constexpr int kKindErrorCheck = 2;
constexpr int kKindUsesList = 16 | 32 | 64 | 128;  // robust, PI, PP, process-shared
// glibc's rwlock preference that makes readers queue behind a waiting writer.
constexpr unsigned kPreferWriterNonrecursive = 2;

constexpr std::uint64_t kTagMagic = 0x6c6f636b6f726465;  // "lockorde"

// Laid out so that an acquisition reads one cache line of it: the tag's check (object,
// generation) and what the fast path reads of the meta (node_key, rank) come first.
struct alignas(128) ShadowLock {
  ShadowLock(std::uintptr_t address, LockKind kind, bool prefers_writers)
      : object(address), meta(lock_attributes{.name = label}, kind, std::source_location{}) {
    meta.prefers_writers = prefers_writers;
    std::snprintf(label, sizeof label, "%s 0x%lx",
                  kind == LockKind::shared_mutex ? "rwlock" : "mutex",
                  static_cast<unsigned long>(address));
  }
  std::atomic<std::uintptr_t> object;
  std::atomic<std::uint64_t> generation{1};
  LockMeta meta;
  char label[32] = {};
};
static_assert(sizeof(ShadowLock) == 128);
static_assert(offsetof(ShadowLock, meta) + offsetof(LockMeta, rank) + sizeof(int) <= 64,
              "the tag check and the fast path's reads share the first cache line");

// Shadows live in one reserved region, so that a tag read from a lock can be checked to point at
// a shadow before it is followed. Only touched pages use memory.
class Arena {
 public:
  static constexpr std::size_t kBytes = std::size_t{64} << 30;

  bool contains(std::uintptr_t p) const {
    const std::uintptr_t base = base_.load(std::memory_order_acquire);
    return p - base < kBytes && (p & (alignof(ShadowLock) - 1)) == 0 && base != 0;
  }
  // nullptr once the region is full or could not be reserved (then locks are shadowed by
  // address, untagged; said once on stderr).
  void* allocate() {
    std::lock_guard guard(mu_);
    if (base_.load(std::memory_order_relaxed) == 0 && !failed_) reserve();
    if (failed_ || used_ + sizeof(ShadowLock) > kBytes) {
      if (!warned_)
        std::fprintf(stderr,
                     "lockorder: the shadow-lock region is full or unavailable; further locks "
                     "are identified by address only\n");
      warned_ = true;
      return nullptr;
    }
    void* slot = reinterpret_cast<void*>(base_.load(std::memory_order_relaxed) + used_);
    used_ += sizeof(ShadowLock);
    return slot;
  }

 private:
  void reserve() {
    void* p = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      failed_ = true;
      return;
    }
    base_.store(reinterpret_cast<std::uintptr_t>(p), std::memory_order_release);
  }
  std::mutex mu_;
  std::atomic<std::uintptr_t> base_{0};
  std::size_t used_ = 0;
  bool failed_ = false;
  bool warned_ = false;
};

constinit Arena g_arena;

// The two tag words inside a lock object, or none for a lock whose words glibc uses.
struct TagWords {
  std::uint64_t* pointer = nullptr;
  std::uint64_t* check = nullptr;
  explicit operator bool() const { return pointer != nullptr; }
};

TagWords tag_words(pthread_mutex_t* m) {
  if (__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED) & kKindUsesList) return {};
  return {reinterpret_cast<std::uint64_t*>(&m->__data.__list.__prev),
          reinterpret_cast<std::uint64_t*>(&m->__data.__list.__next)};
}

TagWords tag_words(pthread_rwlock_t* l) {
  static_assert(offsetof(pthread_rwlock_t, __data.__pad4) ==
                offsetof(pthread_rwlock_t, __data.__pad3) + 4);
  static_assert(offsetof(pthread_rwlock_t, __data.__pad3) % 8 == 0);
  if (__atomic_load_n(&l->__data.__shared, __ATOMIC_RELAXED) != 0) return {};
  return {reinterpret_cast<std::uint64_t*>(&l->__data.__pad2),
          reinterpret_cast<std::uint64_t*>(&l->__data.__pad3)};
}

ShadowLock* tagged_shadow(TagWords words, std::uintptr_t object) {
  const std::uint64_t check = __atomic_load_n(words.check, __ATOMIC_ACQUIRE);
  const std::uint64_t pointer = __atomic_load_n(words.pointer, __ATOMIC_RELAXED);
  if (!g_arena.contains(pointer)) return nullptr;
  auto* shadow = reinterpret_cast<ShadowLock*>(pointer);
  if (shadow->object.load(std::memory_order_relaxed) != object ||
      (shadow->generation.load(std::memory_order_relaxed) ^ kTagMagic) != check)
    return nullptr;
  return shadow;
}

void write_tag(TagWords words, ShadowLock* shadow) {
  __atomic_store_n(words.pointer, reinterpret_cast<std::uint64_t>(shadow), __ATOMIC_RELAXED);
  __atomic_store_n(words.check, shadow->generation.load(std::memory_order_relaxed) ^ kTagMagic,
                   __ATOMIC_RELEASE);
}

void clear_tag(TagWords words) {
  __atomic_store_n(words.check, 0, __ATOMIC_RELEASE);
  __atomic_store_n(words.pointer, 0, __ATOMIC_RELAXED);
}

// The address-keyed side table: where each shadow is found the first time, and the shadows of
// untaggable locks.
struct Shard {
  std::mutex mu;
  std::unordered_map<std::uintptr_t, ShadowLock*> by_address;
};
constexpr std::size_t kShards = 64;
std::array<Shard, kShards>& shards() {
  static auto* all = new std::array<Shard, kShards>;  // never destroyed: locks outlive exit
  return *all;
}
Shard& shard_of(std::uintptr_t address) {
  return shards()[(address >> 4) * 0x9E3779B97F4A7C15ull >> 58];
}

ShadowLock* create(std::uintptr_t address, LockKind kind, bool prefers_writers) {
  void* slot = g_arena.allocate();
  if (slot == nullptr) slot = ::operator new(sizeof(ShadowLock), std::align_val_t{128});
  return new (slot) ShadowLock(address, kind, prefers_writers);
}

// The lock that lived at the shadow's address is gone: its node leaves the graph, and the shadow
// starts a new lock (a new id; tags of the old generation no longer match).
void renew(ShadowLock& shadow, LockKind kind, bool prefers_writers) {
  internal::destroy(shadow.meta);
  std::destroy_at(&shadow.meta);
  std::construct_at(&shadow.meta, lock_attributes{.name = shadow.label}, kind,
                    std::source_location{});
  shadow.meta.prefers_writers = prefers_writers;
  shadow.generation.fetch_add(1, std::memory_order_relaxed);
}

LockMeta& shadow_slow(std::uintptr_t address, TagWords words, LockKind kind, bool prefers_writers) {
  Shard& shard = shard_of(address);
  std::lock_guard guard(shard.mu);
  if (words)
    if (ShadowLock* raced = tagged_shadow(words, address)) return raced->meta;
  ShadowLock*& shadow = shard.by_address[address];
  if (shadow == nullptr) {
    shadow = create(address, kind, prefers_writers);
  } else if (words || shadow->meta.kind != kind) {
    renew(*shadow, kind, prefers_writers);  // a tagged lock that lost its tag: a new lock
  }
  if (words) write_tag(words, shadow);
  return shadow->meta;
}

LockMeta* existing_slow(std::uintptr_t address, TagWords words) {
  if (words) return nullptr;  // a tagged lock without a valid tag was never shadowed as it is
  Shard& shard = shard_of(address);
  std::lock_guard guard(shard.mu);
  auto it = shard.by_address.find(address);
  return it == shard.by_address.end() ? nullptr : &it->second->meta;
}

void forget_at(std::uintptr_t address, TagWords words) {
  Shard& shard = shard_of(address);
  std::lock_guard guard(shard.mu);
  auto it = shard.by_address.find(address);
  if (it != shard.by_address.end())
    renew(*it->second, it->second->meta.kind, it->second->meta.prefers_writers);
  if (words) clear_tag(words);
}

LockKind mutex_kind(pthread_mutex_t* m) {
  return is_recursive_kind(__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED))
             ? LockKind::recursive_mutex
             : LockKind::mutex;
}

bool prefers_writers(pthread_rwlock_t* l) {
  return __atomic_load_n(&l->__data.__flags, __ATOMIC_RELAXED) == kPreferWriterNonrecursive;
}

}  // namespace

bool is_recursive_kind(int kind) { return (kind & kKindTypeMask) == kKindRecursive; }
bool is_error_checking_kind(int kind) { return (kind & kKindTypeMask) == kKindErrorCheck; }

LockMeta& shadow_of(pthread_mutex_t* mutex) {
  const auto address = reinterpret_cast<std::uintptr_t>(mutex);
  TagWords words = tag_words(mutex);
  if (words)
    if (ShadowLock* shadow = tagged_shadow(words, address)) [[likely]]
      return shadow->meta;
  return shadow_slow(address, words, mutex_kind(mutex), false);
}

LockMeta& shadow_of(pthread_rwlock_t* rwlock) {
  const auto address = reinterpret_cast<std::uintptr_t>(rwlock);
  TagWords words = tag_words(rwlock);
  if (words)
    if (ShadowLock* shadow = tagged_shadow(words, address)) [[likely]]
      return shadow->meta;
  return shadow_slow(address, words, LockKind::shared_mutex, prefers_writers(rwlock));
}

LockMeta* existing_shadow(pthread_mutex_t* mutex) {
  const auto address = reinterpret_cast<std::uintptr_t>(mutex);
  TagWords words = tag_words(mutex);
  if (words)
    if (ShadowLock* shadow = tagged_shadow(words, address)) [[likely]]
      return &shadow->meta;
  return existing_slow(address, words);
}

LockMeta* existing_shadow(pthread_rwlock_t* rwlock) {
  const auto address = reinterpret_cast<std::uintptr_t>(rwlock);
  TagWords words = tag_words(rwlock);
  if (words)
    if (ShadowLock* shadow = tagged_shadow(words, address)) [[likely]]
      return &shadow->meta;
  return existing_slow(address, words);
}

void forget(pthread_mutex_t* mutex) {
  forget_at(reinterpret_cast<std::uintptr_t>(mutex), tag_words(mutex));
}

void forget(pthread_rwlock_t* rwlock) {
  forget_at(reinterpret_cast<std::uintptr_t>(rwlock), tag_words(rwlock));
}

void lock_shadows_for_fork() {
  for (Shard& shard : shards()) shard.mu.lock();
}

void unlock_shadows_after_fork() {
  for (Shard& shard : shards()) shard.mu.unlock();
}

}  // namespace lockorder::preload
