// What the preload library keeps of a C object that has no room for it (a semaphore, a barrier),
// by the object's address, from its first use until its init or destroy function forgets it.
// An object destroyed while a thread waits on it is undefined behaviour already, so no published
// wait can still point to what was forgotten.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lockorder::preload {

// How reports name such an object: "semaphore 0x7f...".
inline std::string address_label(const char* kind, const void* object) {
  char text[64];
  std::snprintf(text, sizeof text, "%s %p", kind, object);
  return text;
}

// `Kept` is constructed from the object's address.
template <class Object, class Kept>
class KeptByAddress {
 public:
  // Throws std::bad_alloc.
  Kept& at(const Object* object) {
    std::lock_guard guard(mu_);
    std::unique_ptr<Kept>& found = by_address_[object];
    if (!found) found = std::make_unique<Kept>(object);
    return *found;
  }
  void forget(const Object* object) {
    std::lock_guard guard(mu_);
    by_address_.erase(object);
  }

 private:
  std::mutex mu_;  // taken inside the runtime: its own pthread calls pass unchecked
  std::unordered_map<const Object*, std::unique_ptr<Kept>> by_address_;
};

}  // namespace lockorder::preload
