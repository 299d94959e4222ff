#include "symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

namespace lockorder::internal {
namespace {

std::string demangle(const char* name) {
  if (name == nullptr) return {};
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

}  // namespace

Symbolizer::Symbolizer() {
  static const Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
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

std::uintptr_t Symbolizer::function_entry(std::uintptr_t pc) {
  if (dwfl_ == nullptr || pc == 0) return 0;
  Dwarf_Addr addr = pc - 1;
  Dwfl_Module* module = dwfl_addrmodule(dwfl_, addr);
  if (module == nullptr) return 0;
  GElf_Sym sym;
  GElf_Off offset = 0;
  if (dwfl_module_addrinfo(module, addr, &offset, &sym, nullptr, nullptr, nullptr) == nullptr)
    return 0;
  return static_cast<std::uintptr_t>(addr - offset);
}

report::Stack Symbolizer::symbolize(const std::vector<std::uintptr_t>& pcs) {
  report::Stack stack;
  for (std::uintptr_t pc : pcs) append_frames(pc, stack);
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
  if (const char* name = dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr,
                                          nullptr, nullptr))
    base.module = name;
  base.function = demangle(dwfl_module_addrname(module, addr));
  std::string file;
  int line = 0, column = 0;
  if (Dwfl_Line* src = dwfl_module_getsrc(module, addr)) {
    if (const char* f = dwfl_lineinfo(src, nullptr, &line, &column, nullptr, nullptr)) file = f;
  }
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(module, addr, &bias);
  Dwarf_Die* scopes = nullptr;
  int count = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;
  bool emitted = false;
  // Innermost scope first: each inlined call is a frame of its own, located at the place the
  // next inner frame was called from.
  for (int i = 0; i < count; ++i) {
    int tag = dwarf_tag(&scopes[i]);
    if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
    report::Frame frame = base;
    frame.function = die_function_name(&scopes[i]);
    if (frame.function.empty()) frame.function = base.function;
    frame.file = file;
    frame.line = line;
    frame.column = column;
    out.push_back(frame);
    emitted = true;
    if (tag == DW_TAG_subprogram) break;
    call_site(cu, &scopes[i], file, line);
    column = 0;
  }
  std::free(scopes);
  if (!emitted) {
    base.file = file;
    base.line = line;
    base.column = column;
    out.push_back(base);
  }
}

std::vector<std::uintptr_t> derive_outer_stack(Symbolizer& symbolizer, std::uintptr_t pc,
                                               std::uintptr_t cfa, const RawStack& later,
                                               std::string& note) {
  std::vector<std::uintptr_t> stack{pc};
  for (std::size_t i = 0; i < later.pcs.size(); ++i) {
    // The frame that took the outer lock called the runtime with the stack pointer at `cfa`;
    // if it is still live, it is the frame whose callee has that CFA now.
    if (later.callee_cfas[i] != cfa) continue;
    std::uintptr_t entry = symbolizer.function_entry(pc);
    if (entry != 0 && entry == symbolizer.function_entry(later.pcs[i])) {
      stack.insert(stack.end(), later.pcs.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                   later.pcs.end());
      return stack;
    }
    break;
  }
  note = "only the innermost frame is known: the function that took this lock had returned "
         "before the edge was recorded";
  return stack;
}

}  // namespace lockorder::internal
