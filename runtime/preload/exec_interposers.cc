// exec functions, interposed: before the program is replaced, its note in the run directory says
// which program comes next, so that lockorder-run can name one that never reports in (setuid or
// statically linked: the loader does not preload the runtime into it). See process_tree.h.
//
// Only the functions a program calls by name are seen: glibc's execv, execvp and posix_spawn call
// the system call from inside the C library, so children started through posix_spawn (and
// system(), which uses it) are not named here.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>

#include "checked_lock.h"
#include "reporting/reporter.h"

namespace {

using lockorder::internal::InsideRuntime;
using lockorder::internal::reporter;

template <class Function>
Function* next_definition(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_NEXT, name));
}

// Runs `exec` (which returns only on failure) between the two notes.
template <class Exec>
int noted_exec(const char* program, Exec exec) {
  {
    InsideRuntime inside;
    reporter().note_exec(program);
  }
  const int rc = exec();
  const int error = errno;
  {
    InsideRuntime inside;
    reporter().note_exec_failed();
  }
  errno = error;
  return rc;
}

}  // namespace

extern "C" {

LOCKORDER_EXPORT int execve(const char* path, char* const argv[], char* const envp[]) {
  static auto* next = next_definition<int(const char*, char* const[], char* const[])>("execve");
  return noted_exec(path, [&] { return next(path, argv, envp); });
}

LOCKORDER_EXPORT int execv(const char* path, char* const argv[]) {
  static auto* next = next_definition<int(const char*, char* const[])>("execv");
  return noted_exec(path, [&] { return next(path, argv); });
}

LOCKORDER_EXPORT int execvp(const char* file, char* const argv[]) {
  static auto* next = next_definition<int(const char*, char* const[])>("execvp");
  return noted_exec(file, [&] { return next(file, argv); });
}

LOCKORDER_EXPORT int execvpe(const char* file, char* const argv[], char* const envp[]) {
  static auto* next = next_definition<int(const char*, char* const[], char* const[])>("execvpe");
  return noted_exec(file, [&] { return next(file, argv, envp); });
}

}  // extern "C"
