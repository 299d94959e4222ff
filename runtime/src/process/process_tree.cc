#include "process/process_tree.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "lockorder/report/sarif_writer.h"

namespace lockorder::internal {
namespace {

// A note: "program PATH", then "exec PROGRAM" while an exec is under way, then one
// "summary LINE" per report.
struct Note {
  std::string program;
  std::string exec;
  std::vector<std::string> summaries;
};

Note read_note(const std::string& path) {
  Note note;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("program ")) note.program = line.substr(8);
    if (line.starts_with("exec ")) note.exec = line.substr(5);
    if (line.starts_with("summary ")) note.summaries.push_back(line.substr(8));
  }
  return note;
}

// This process's note in the run directory.
std::string note_path(const std::string& dir) {
  return dir + "/" + std::to_string(getpid()) + ".note";
}

std::string own_program() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : std::string("?");
}

}  // namespace

ProcessNotes::ProcessNotes() {
  const char* dir = std::getenv("LOCKORDER_RUN_DIR");
  if (dir != nullptr && *dir != '\0') dir_ = dir;
  if (const char* top = std::getenv("LOCKORDER_RUN_PID"))
    is_top_ = std::strtol(top, nullptr, 10) == getpid();
}

void ProcessNotes::write(const std::string& exec) const {
  std::string text = "program " + own_program() + "\n";
  if (!exec.empty()) text += "exec " + exec + "\n";
  for (const std::string& s : summaries_) text += "summary " + s + "\n";
  (void)report::write_file_atomically(note_path(dir_), text);
}

void ProcessNotes::note_started() {
  if (dir_.empty()) return;
  // The same process id after an exec: the earlier program's findings stay.
  summaries_ = read_note(note_path(dir_)).summaries;
  write({});
}

void ProcessNotes::note_report(const std::string& summary_line) {
  if (dir_.empty()) return;
  summaries_.push_back(summary_line);
  write({});
}

void ProcessNotes::note_exec(const std::string& program) {
  if (dir_.empty()) return;
  write(program.empty() ? "?" : program);
}

std::string per_process_path(const std::string& configured, int pid) {
  const std::filesystem::path path(configured);
  const std::string id = std::to_string(pid);
  if (!path.has_extension() || !path.has_stem() || path.stem() == ".") return configured + "." + id;
  std::filesystem::path with_pid = path;
  with_pid.replace_filename(path.stem().string() + "." + id + path.extension().string());
  return with_pid.string();
}

TreeFindings collect_tree(const std::string& dir_path) {
  TreeFindings out;
  DIR* dir = opendir(dir_path.c_str());
  if (dir == nullptr) return out;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (!name.ends_with(".note")) continue;
    Note note = read_note(dir_path + "/" + std::string(name));
    const int pid = std::atoi(entry->d_name);
    if (!note.exec.empty()) out.unchecked.push_back({pid, note.exec, {}});
    if (!note.summaries.empty()) out.reported.push_back({pid, note.program, note.summaries});
  }
  closedir(dir);
  auto by_pid = [](const auto& a, const auto& b) { return a.pid < b.pid; };
  std::sort(out.reported.begin(), out.reported.end(), by_pid);
  std::sort(out.unchecked.begin(), out.unchecked.end(), by_pid);
  return out;
}

void remove_run_directory(const std::string& dir_path) {
  if (DIR* dir = opendir(dir_path.c_str())) {
    while (const dirent* entry = readdir(dir))
      if (entry->d_name[0] != '.') unlink((dir_path + "/" + entry->d_name).c_str());
    closedir(dir);
  }
  rmdir(dir_path.c_str());
}

std::string describe_tree(const TreeFindings& findings) {
  std::string text;
  for (const auto& p : findings.reported) {
    text += "lockorder: process " + std::to_string(p.pid) + " (" + p.program + ") reported:\n";
    for (const std::string& s : p.summaries) text += "  " + s + "\n";
  }
  for (const auto& p : findings.unchecked)
    text += "lockorder: process " + std::to_string(p.pid) + " started " + p.program +
            ", which never reported in: it ran unchecked (a setuid or statically linked program, "
            "which the preload cannot enter, or one started without lockorder's environment)\n";
  return text;
}

}  // namespace lockorder::internal
