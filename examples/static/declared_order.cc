// lockorder-check example: a declared lock order (Clang's thread-safety attributes, as in
// LevelDB's and Abseil's headers) and a function that breaks it.
#include <mutex>

class __attribute__((capability("mutex"))) Mutex {
 public:
  void Lock() __attribute__((acquire_capability())) { mu_.lock(); }
  void Unlock() __attribute__((release_capability())) { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class Journal {
 public:
  void append() {
    files_.Lock();
    index_.Lock();  // index_ is declared to be taken before files_
    index_.Unlock();
    files_.Unlock();
  }

 private:
  Mutex index_;
  Mutex files_ __attribute__((acquired_after(index_)));
};
