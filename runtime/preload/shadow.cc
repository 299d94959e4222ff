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

// A lock's meta, named after the address it shadows; the meta's node key (its id) is set from the
// start, because it travels in the lock's tag.
struct alignas(128) ShadowLock {
  ShadowLock(std::uintptr_t address, LockKind kind, bool prefers_writers)
      : meta(lock_attributes{.name = label}, kind, std::source_location{},
             reinterpret_cast<const void*>(address), layout_of(kind)) {
    start(prefers_writers);
    std::snprintf(label, sizeof label, "%s 0x%lx",
                  kind == LockKind::shared_mutex ? "rwlock" : "mutex",
                  static_cast<unsigned long>(address));
  }
  void start(bool prefers_writers) {
    meta.prefers_writers = prefers_writers;
    meta.node_key.store(meta.id.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
  static internal::NativeLayout layout_of(LockKind kind) {
    return kind == LockKind::shared_mutex ? internal::NativeLayout::pthread_rwlock
                                          : internal::NativeLayout::pthread_mutex;
  }

  LockMeta meta;
  char label[32] = {};
};
static_assert(sizeof(ShadowLock) == 128);

// Shadows live in one reserved region, so that a tag can name one by its index. Only touched
// pages use memory.
class Arena {
 public:
  static constexpr unsigned kIndexBits = 29;
  static constexpr std::size_t kBytes = sizeof(ShadowLock) << kIndexBits;  // 64 GiB

  // The region's start, 0 before the first shadow.
  std::uintptr_t base() const { return base_.load(std::memory_order_acquire); }
  std::uint64_t index_of(const ShadowLock* shadow) const {
    return (reinterpret_cast<std::uintptr_t>(shadow) - base()) / sizeof(ShadowLock);
  }
  // Whether a shadow had to be made outside the region.
  bool exhausted() const { return exhausted_.load(std::memory_order_relaxed); }
  bool contains(const ShadowLock* shadow) const {
    const std::uintptr_t b = base();
    return b != 0 && reinterpret_cast<std::uintptr_t>(shadow) - b < kBytes;
  }
  // nullptr once the region is full or could not be reserved (then locks are shadowed by
  // address, untagged; said once on stderr).
  void* allocate() {
    std::lock_guard guard(mu_);
    if (base_.load(std::memory_order_relaxed) == 0 && !failed_) reserve();
    if (failed_ || used_ + sizeof(ShadowLock) > kBytes) {
      if (!exhausted_.load(std::memory_order_relaxed))
        std::fprintf(stderr,
                     "lockorder: the shadow-lock region is full or unavailable; further locks "
                     "are identified by address only\n");
      exhausted_.store(true, std::memory_order_relaxed);
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
  // Read by every lock operation: on a line of its own, away from what allocation writes.
  alignas(64) std::atomic<std::uintptr_t> base_{0};
  alignas(64) std::mutex mu_;
  std::size_t used_ = 0;
  bool failed_ = false;
  std::atomic<bool> exhausted_{false};
};

constinit Arena g_arena;

// Reading a tag (tag_words, tag_check, tagged_shadow) is forced inline: every lock operation
// does it, and a release then reads the tag inside its interposer (see checked_lock.h).
//
// The two tag words inside a lock object, or none for a lock whose words glibc uses. The tag:
// `index` holds the shadow's index in the arena and, above it, a check of the index, the key and
// the lock's own address; `key` holds the lock's node key (never 0).
struct TagWords {
  std::uint64_t* index = nullptr;
  std::uint64_t* key = nullptr;
  explicit operator bool() const { return index != nullptr; }
};

[[gnu::always_inline]] inline TagWords tag_words(pthread_mutex_t* m) {
  if (__atomic_load_n(&m->__data.__kind, __ATOMIC_RELAXED) & kKindUsesList) return {};
  return {reinterpret_cast<std::uint64_t*>(&m->__data.__list.__prev),
          reinterpret_cast<std::uint64_t*>(&m->__data.__list.__next)};
}

[[gnu::always_inline]] inline TagWords tag_words(pthread_rwlock_t* l) {
  static_assert(offsetof(pthread_rwlock_t, __data.__pad4) ==
                offsetof(pthread_rwlock_t, __data.__pad3) + 4);
  static_assert(offsetof(pthread_rwlock_t, __data.__pad3) % 8 == 0);
  if (__atomic_load_n(&l->__data.__shared, __ATOMIC_RELAXED) != 0) return {};
  return {reinterpret_cast<std::uint64_t*>(&l->__data.__pad2),
          reinterpret_cast<std::uint64_t*>(&l->__data.__pad3)};
}

constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << Arena::kIndexBits) - 1;

// 35 bits that tie a tag to the lock object it is in: a lock copied elsewhere (or zeroed, or
// never tagged) fails the check, but for a chance of about 2^-35. The top bits of a sum of three
// independent products by odd constants: any change of one input moves them (a difference d
// times an odd constant is small modulo 2^64 only for rare d), and the three multiplications
// run side by side. Its latency matters: the C library's locked instruction, right after the
// check, waits for it.
[[gnu::always_inline]] inline std::uint64_t tag_check(std::uint64_t index, std::uintptr_t object,
                                                      std::uint64_t key) {
  return (object * 0x9E3779B97F4A7C15ull + key * 0xC2B2AE3D27D4EB4Full +
          index * 0xBF58476D1CE4E5B9ull + kTagMagic) >>
         Arena::kIndexBits;
}

// The shadow a lock's tag names, if the lock has tag words and the tag is its own. Checked
// against the lock's address, not against the shadow: finding it reads the lock's cache line,
// never the shadow's (a miss per lock operation in a program with thousands of locks).
[[gnu::always_inline]] inline ShadowRef tagged_shadow(TagWords words, std::uintptr_t object) {
  if (!words) return {};
  const std::uint64_t key = __atomic_load_n(words.key, __ATOMIC_ACQUIRE);
  const std::uint64_t index_word = __atomic_load_n(words.index, __ATOMIC_RELAXED);
  const std::uint64_t index = index_word & kIndexMask;
  const std::uintptr_t base = g_arena.base();
  if (key == 0 || base == 0 || index_word >> Arena::kIndexBits != tag_check(index, object, key))
    return {};
  auto* shadow = reinterpret_cast<ShadowLock*>(base + index * sizeof(ShadowLock));
  return {&shadow->meta, key};
}

// The key word last, with release: a reader that sees it sees the index and the shadow.
void write_tag(TagWords words, std::uintptr_t object, ShadowLock* shadow) {
  if (!g_arena.contains(shadow)) return;  // outside the arena: found by address each time
  const std::uint64_t index = g_arena.index_of(shadow);
  const std::uint64_t key = shadow->meta.node_key.load(std::memory_order_relaxed);
  __atomic_store_n(words.index, index | tag_check(index, object, key) << Arena::kIndexBits,
                   __ATOMIC_RELAXED);
  __atomic_store_n(words.key, key, __ATOMIC_RELEASE);
}

void clear_tag(TagWords words) {
  __atomic_store_n(words.key, 0, __ATOMIC_RELEASE);
  __atomic_store_n(words.index, 0, __ATOMIC_RELAXED);
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
// starts a new lock (a new id and key: tags of the old one no longer match).
void renew(ShadowLock& shadow, LockKind kind, bool prefers_writers) {
  // Only the node: whether the old lock was still held is the interposer's to report, while the
  // lock object is still what it was.
  if (shadow.meta.graph_node.load(std::memory_order_acquire) != 0)
    internal::on_destroy(shadow.meta);
  const void* object = shadow.meta.native;
  std::destroy_at(&shadow.meta);
  std::construct_at(&shadow.meta, lock_attributes{.name = shadow.label}, kind,
                    std::source_location{}, object, ShadowLock::layout_of(kind));
  shadow.start(prefers_writers);
}

ShadowRef ref(ShadowLock& shadow) {
  return {&shadow.meta, shadow.meta.node_key.load(std::memory_order_relaxed)};
}

ShadowRef shadow_slow(std::uintptr_t address, TagWords words, LockKind kind, bool prefers_writers) {
  Shard& shard = shard_of(address);
  std::lock_guard guard(shard.mu);
  if (ShadowRef raced = tagged_shadow(words, address)) return raced;
  ShadowLock*& shadow = shard.by_address[address];
  if (shadow == nullptr) {
    shadow = create(address, kind, prefers_writers);
  } else if ((words && g_arena.contains(shadow)) || shadow->meta.kind != kind) {
    renew(*shadow, kind, prefers_writers);  // a tagged lock that lost its tag: a new lock
  }
  if (words) write_tag(words, address, shadow);
  return ref(*shadow);
}

LockMeta* existing_slow(std::uintptr_t address, TagWords words) {
  // A taggable lock without a valid tag was never shadowed as it is (unless the arena ran out,
  // and its shadow, made elsewhere, could not be tagged).
  if (words && !g_arena.exhausted()) return nullptr;
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

std::uintptr_t address_of(const void* lock) { return reinterpret_cast<std::uintptr_t>(lock); }

template <class Object>
[[gnu::always_inline]] inline LockMeta* existing_shadow_of(Object* lock) {
  const TagWords words = tag_words(lock);
  if (ShadowRef shadow = tagged_shadow(words, address_of(lock))) [[likely]]
    return shadow.meta;
  return existing_slow(address_of(lock), words);
}

}  // namespace

bool is_recursive_kind(int kind) { return (kind & kKindTypeMask) == kKindRecursive; }
bool is_error_checking_kind(int kind) { return (kind & kKindTypeMask) == kKindErrorCheck; }

ShadowRef shadow_of(pthread_mutex_t* mutex) {
  const TagWords words = tag_words(mutex);
  if (ShadowRef shadow = tagged_shadow(words, address_of(mutex))) [[likely]]
    return shadow;
  return shadow_slow(address_of(mutex), words, mutex_kind(mutex), false);
}

ShadowRef shadow_of(pthread_rwlock_t* rwlock) {
  const TagWords words = tag_words(rwlock);
  if (ShadowRef shadow = tagged_shadow(words, address_of(rwlock))) [[likely]]
    return shadow;
  return shadow_slow(address_of(rwlock), words, LockKind::shared_mutex, prefers_writers(rwlock));
}

LockMeta* existing_shadow(pthread_mutex_t* mutex) { return existing_shadow_of(mutex); }
LockMeta* existing_shadow(pthread_rwlock_t* rwlock) { return existing_shadow_of(rwlock); }

bool prefers_writers(pthread_rwlock_t* rwlock) {
  return __atomic_load_n(&rwlock->__data.__flags, __ATOMIC_RELAXED) == kPreferWriterNonrecursive;
}

void forget(pthread_mutex_t* mutex) { forget_at(address_of(mutex), tag_words(mutex)); }
void forget(pthread_rwlock_t* rwlock) { forget_at(address_of(rwlock), tag_words(rwlock)); }

void lock_shadows_for_fork() {
  for (Shard& shard : shards()) shard.mu.lock();
}

void unlock_shadows_after_fork() {
  for (Shard& shard : shards()) shard.mu.unlock();
}

}  // namespace lockorder::preload
