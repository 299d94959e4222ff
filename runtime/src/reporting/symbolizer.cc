#include "reporting/symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace lockorder::internal {
namespace {

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  // Only "_Z..." names are mangled: a C symbol such as "a" would demangle as a type.
  if (name[0] != '_' || name[1] != 'Z') return name;
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out(
      abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

std::string die_function_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int name : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (dwarf_attr_integrate(die, name, &attr) != nullptr)
      if (const char* s = dwarf_formstring(&attr)) return demangle(s);
  }
  const char* plain = dwarf_diename(die);
  return plain ? plain : "";
}

// Where an inlined call was made: the DW_AT_call_file / DW_AT_call_line of the inlined scope.
void call_site(Dwarf_Die* cu, Dwarf_Die* inlined, std::string& file, int& line) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  file.clear();
  line = 0;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attr), &value) == 0)
    line = static_cast<int>(value);
  Dwarf_Files* files = nullptr;
  size_t count = 0;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &value) == 0 &&
      dwarf_getsrcfiles(cu, &files, &count) == 0 && value < count) {
    if (const char* f = dwarf_filesrc(files, value, nullptr, nullptr)) file = f;
  }
}

// Spells lockorder's lock types by their public names in demangled signatures.
std::string readable_name(std::string name) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"lockorder::basic_lock<std::mutex, (lockorder::internal::LockKind)0>", "lockorder::mutex"},
      {"lockorder::basic_lock<std::timed_mutex, (lockorder::internal::LockKind)1>",
       "lockorder::timed_mutex"},
      {"lockorder::basic_lock<std::recursive_mutex, (lockorder::internal::LockKind)2>",
       "lockorder::recursive_mutex"},
      {"lockorder::basic_lock<std::recursive_timed_mutex, (lockorder::internal::LockKind)3>",
       "lockorder::recursive_timed_mutex"},
      {"lockorder::basic_lock<std::shared_mutex, (lockorder::internal::LockKind)4>",
       "lockorder::shared_mutex"},
      {"lockorder::basic_lock<std::shared_timed_mutex, (lockorder::internal::LockKind)5>",
       "lockorder::shared_timed_mutex"},
  };
  for (auto [spelled, alias] : kAliases) {
    const std::string_view from = spelled;
    for (std::size_t at = name.find(from); at != std::string::npos; at = name.find(from, at))
      name.replace(at, from.size(), alias);
  }
  return name;
}

bool is_function_scope(Dwarf_Die* die) {
  int tag = dwarf_tag(die);
  return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram;
}

// The innermost function (inlined or not) whose code contains `pc`.
bool innermost_function(Dwarf_Die* cu, Dwarf_Addr pc, Dwarf_Die& out) {
  Dwarf_Die* scopes = nullptr;
  int count = dwarf_getscopes(cu, pc, &scopes);
  bool found = false;
  for (int i = 0; i < count && !found; ++i)
    if (is_function_scope(&scopes[i])) out = scopes[i], found = true;
  std::free(scopes);
  return found;
}

// The function an inlined instance was inlined into. (dwarf_getscopes stops at an inlined
// instance, so the concrete tree is walked from the instance itself.)
bool enclosing_function(Dwarf_Die& die) {
  Dwarf_Die* scopes = nullptr;
  int count = dwarf_getscopes_die(&die, &scopes);
  bool found = false;
  for (int i = 1; i < count && !found; ++i)
    if (is_function_scope(&scopes[i])) die = scopes[i], found = true;
  std::free(scopes);
  return found;
}

// The C and C++ runtime libraries sit at the bottom and top of every stack (thread start, the
// standard library's lock wrappers), but their lines would not help anyone fix a lock order, and
// their separate debug files are big and compressed: with the C library's installed, reading it
// was most of the time of a process's first report, which the reporting thread spends holding
// its locks. Their frames are named from their own symbol tables instead.
bool is_language_runtime(const char* path) {
  if (path == nullptr) return false;
  const std::string_view name =
      std::string_view(path).substr(std::string_view(path).rfind('/') + 1);
  for (std::string_view runtime : {"libc.so", "libstdc++.so", "libgcc_s.so", "libm.so", "ld-linux"})
    if (name.starts_with(runtime)) return true;
  return false;
}

// The runtime libraries' frames, and frames in the standard library's and the C library's
// sources (inlined into the program): not where the program took its lock.
bool is_runtime_frame(const report::Frame& frame) {
  const std::string& f = frame.file;
  if (f.starts_with("/usr/include/") || f.starts_with("/usr/lib/") ||
      f.starts_with("../sysdeps/") || f.starts_with("../csu/"))
    return true;
  if (frame.module.empty()) return frame.file.empty() && frame.function.empty();
  const std::string_view name =
      std::string_view(frame.module).substr(std::string_view(frame.module).rfind('/') + 1);
  if (is_language_runtime(frame.module.c_str())) return true;
  for (std::string_view runtime : {"libpthread.so", "libgtest", "libgmock", "liblockorder"})
    if (name.starts_with(runtime)) return true;
  return false;
}

// A function of lockorder::internal (the lock types' inline fast path), its demangled name
// perhaps led by a return type.
bool is_internal(const std::string& function) {
  const std::size_t at = function.find("lockorder::internal::");
  return at != std::string::npos && (at == 0 || function[at - 1] == ' ') && at < function.find('(');
}

bool is_test_framework_frame(const report::Frame& frame) {
  const std::string& f = frame.function;
  return f.starts_with("testing::") || f.find(" testing::internal::") != std::string::npos ||
         f.starts_with("RUN_ALL_TESTS") || frame.file.starts_with("/usr/src/googletest/");
}

int find_debuginfo(Dwfl_Module* module, void** user_data, const char* module_name, Dwarf_Addr base,
                   const char* file_name, const char* debuglink_file, GElf_Word debuglink_crc,
                   char** debuginfo_file_name) {
  if (is_language_runtime(file_name != nullptr ? file_name : module_name)) return -1;
  return dwfl_standard_find_debuginfo(module, user_data, module_name, base, file_name,
                                      debuglink_file, debuglink_crc, debuginfo_file_name);
}

}  // namespace

Symbolizer::Symbolizer() {
  static const Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = find_debuginfo,
      .section_address = nullptr,
      .debuginfo_path = nullptr,
  };
  dwfl_ = dwfl_begin(&callbacks);
  if (dwfl_ != nullptr) {
    dwfl_report_begin(dwfl_);
    dwfl_linux_proc_report(dwfl_, getpid());
    dwfl_report_end(dwfl_, nullptr, nullptr);
  }
}

Symbolizer::~Symbolizer() {
  if (dwfl_ != nullptr) dwfl_end(dwfl_);
}

bool Symbolizer::covers(std::uintptr_t pc) {
  return dwfl_ != nullptr && (pc == 0 || dwfl_addrmodule(dwfl_, pc - 1) != nullptr);
}

std::string Symbolizer::function_symbol(std::uintptr_t pc) {
  if (dwfl_ == nullptr || pc == 0) return {};
  Dwarf_Addr addr = pc - 1;
  Dwfl_Module* module = dwfl_addrmodule(dwfl_, addr);
  const char* name = module ? dwfl_module_addrname(module, addr) : nullptr;
  if (name == nullptr) return {};
  // GCC moves cold paths into "f.cold" (and clones into "f.part.0", ...): still function f.
  std::string symbol = name;
  return symbol.substr(0, symbol.find('.'));
}

std::string Symbolizer::data_symbol(std::uintptr_t address) {
  if (dwfl_ == nullptr || address == 0) return {};
  Dwfl_Module* module = dwfl_addrmodule(dwfl_, address);
  if (module == nullptr) return {};
  GElf_Off offset = 0;
  GElf_Sym sym;
  const char* name =
      dwfl_module_addrinfo(module, address, &offset, &sym, nullptr, nullptr, nullptr);
  if (name == nullptr || GELF_ST_TYPE(sym.st_info) != STT_OBJECT || offset >= sym.st_size)
    return {};
  std::string symbol = demangle(name);
  return offset == 0 ? symbol : symbol + "+" + std::to_string(offset);
}

report::Stack Symbolizer::symbolize(const std::vector<std::uintptr_t>& pcs) {
  report::Stack stack;
  for (std::uintptr_t pc : pcs) {
    auto [cached, inserted] = frames_of_pc_.try_emplace(pc);
    if (inserted) append_frames(pc, cached->second);
    stack.insert(stack.end(), cached->second.begin(), cached->second.end());
    // What runs below main() is the C library's start-up: nothing to fix there.
    if (!stack.empty() && stack.back().function == "main") break;
  }
  // The lock types' own inlined member functions are not where the user took the lock.
  auto own = std::find_if_not(stack.begin(), stack.end(), [](const report::Frame& f) {
    return f.function.starts_with("lockorder::basic_lock<") ||
           f.function.starts_with("lockorder::ordered_lock<") ||
           f.function.starts_with("lockorder::condition_variable::") || is_internal(f.function);
  });
  if (own != stack.end()) stack.erase(stack.begin(), own);
  // Nor is GoogleTest's machinery between a test's body and main, nor the thread start-up and
  // test-runner frames beyond the last frame of the program's own code. A frame of the
  // program's own modules stays, with a file or without (a binary built without -g).
  std::erase_if(stack, [](const report::Frame& f) { return is_test_framework_frame(f); });
  while (stack.size() > 1 && is_runtime_frame(stack.back())) stack.pop_back();
  for (report::Frame& frame : stack) frame.function = readable_name(std::move(frame.function));
  return stack;
}

void Symbolizer::append_frames(std::uintptr_t pc, report::Stack& out) {
  // A return address points after the call; the call itself is one byte earlier.
  Dwarf_Addr addr = pc - 1;
  Dwfl_Module* module = dwfl_ ? dwfl_addrmodule(dwfl_, addr) : nullptr;
  report::Frame base;
  base.pc = pc;
  if (module == nullptr) {
    out.push_back(base);
    return;
  }
  if (const char* name =
          dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr))
    base.module = name;
  base.function = demangle(dwfl_module_addrname(module, addr));
  std::string file;
  int line = 0, column = 0;
  if (Dwfl_Line* src = dwfl_module_getsrc(module, addr)) {
    if (const char* f = dwfl_lineinfo(src, nullptr, &line, &column, nullptr, nullptr)) file = f;
  }
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(module, addr, &bias);
  Dwarf_Die function;
  bool found = cu != nullptr && innermost_function(cu, addr - bias, function);
  bool emitted = false;
  // Innermost first: each inlined call is a frame of its own, located where the next inner
  // frame was called from.
  while (found) {
    const int tag = dwarf_tag(&function);
    report::Frame frame = base;
    // The physical function is best named by its symbol (fully qualified); inlined ones by DWARF.
    if (tag == DW_TAG_inlined_subroutine || base.function.empty())
      frame.function = die_function_name(&function);
    if (frame.function.empty()) frame.function = base.function;
    frame.file = file;
    frame.line = line;
    frame.column = column;
    out.push_back(frame);
    emitted = true;
    if (tag != DW_TAG_inlined_subroutine) break;
    call_site(cu, &function, file, line);
    column = 0;
    found = enclosing_function(function);
  }
  if (!emitted) {
    base.file = file;
    base.line = line;
    base.column = column;
    out.push_back(base);
  }
}

std::vector<std::uintptr_t> derive_outer_stack(Symbolizer& symbolizer, const RawSite& site,
                                               std::string& note) {
  const std::uintptr_t pc = site.outer_pc;
  const RawStack& recorded = site.site_stack;
  const bool recorded_here = !recorded.pcs.empty() && recorded.pcs.front() == pc;
  std::uintptr_t caller = site.outer_caller;
  std::uintptr_t caller_cfa = site.outer_caller_cfa;
  if (caller == 0 && recorded_here && recorded.pcs.size() >= 2) {
    caller = recorded.pcs[1];
    caller_cfa = recorded.callee_cfas[1];
  }
  if (caller == 0) {
    if (recorded_here) return recorded.pcs;
    note = "only the innermost frame of this acquisition is known";
    return {pc};
  }
  // If the caller is still running when the later stack was captured, everything above it is
  // exactly the later stack's.
  const RawStack& later = site.stack;
  for (std::size_t j = 0; j < later.pcs.size(); ++j) {
    if (later.callee_cfas[j] != caller_cfa) continue;
    // The same activation: the same return address at the same place (the usual proof, and
    // the only one where the caller has no symbol, as the C library's caller of main), or a
    // return address into the same function.
    if (later.pcs[j] != caller) {
      std::string name = symbolizer.function_symbol(caller);
      if (name.empty() || name != symbolizer.function_symbol(later.pcs[j])) break;
    }
    std::vector<std::uintptr_t> stack{pc, caller};
    stack.insert(stack.end(), later.pcs.begin() + static_cast<std::ptrdiff_t>(j) + 1,
                 later.pcs.end());
    return stack;
  }
  if (recorded_here && recorded.pcs.size() >= 2 && recorded.pcs[1] == caller) {
    note =
        "the function that took this lock had returned; the frames beyond its caller are "
        "those seen the first time this thread took a lock there";
    return recorded.pcs;
  }
  note =
      "the function that took this lock and its caller had returned; the frames beyond them "
      "are not known";
  return {pc, caller};
}

}  // namespace lockorder::internal
