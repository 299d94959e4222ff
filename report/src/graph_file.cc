#include "lockorder/report/graph_file.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace lockorder::report {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr const char* kFormat = "lockorder-graph";

// The module by its base name: the same library or program on another machine.
std::string module_name(const std::string& module) {
  const std::size_t slash = module.rfind('/');
  return slash == std::string::npos ? module : module.substr(slash + 1);
}

ordered_json frame_json(const Frame& frame) {
  ordered_json out = ordered_json::object();
  if (!frame.function.empty()) out["function"] = frame.function;
  if (!frame.file.empty()) out["file"] = frame.file;
  if (frame.line != 0) out["line"] = frame.line;
  if (frame.column != 0) out["column"] = frame.column;
  if (!frame.module.empty()) out["module"] = module_name(frame.module);
  return out;
}

// The file's frame table: each distinct frame once (a program's stacks share most of theirs).
class FrameTable {
 public:
  ordered_json stack(const Stack& stack) {
    ordered_json out = ordered_json::array();
    for (const Frame& frame : stack) {
      std::string key = frame.function + '\0' + frame.file + '\0' + std::to_string(frame.line) +
                        '\0' + std::to_string(frame.column) + '\0' + module_name(frame.module);
      auto [it, inserted] = index_.emplace(std::move(key), frames_.size());
      if (inserted) frames_.push_back(frame_json(frame));
      out.push_back(it->second);
    }
    return out;
  }
  ordered_json take() { return std::move(frames_); }

 private:
  ordered_json frames_ = ordered_json::array();
  std::unordered_map<std::string, std::size_t> index_;
};

// A field that may be absent (then `fallback`), but of the right type when present.
template <class T>
T optional_field(const json& object, const char* key, T fallback) {
  auto it = object.find(key);
  return it == object.end() ? fallback : it->template get<T>();
}

Frame parse_frame(const json& in) {
  Frame frame;
  frame.function = optional_field<std::string>(in, "function", "");
  frame.file = optional_field<std::string>(in, "file", "");
  frame.line = optional_field<int>(in, "line", 0);
  frame.column = optional_field<int>(in, "column", 0);
  frame.module = optional_field<std::string>(in, "module", "");
  return frame;
}

Stack parse_stack(const json& in, const std::vector<Frame>& frames) {
  Stack stack;
  for (const json& index : in.get_ref<const json::array_t&>()) {
    const auto i = index.get<std::size_t>();
    if (i >= frames.size())
      throw GraphFileError("frame " + std::to_string(i) + " is not in the frame table (" +
                           std::to_string(frames.size()) + " frames)");
    stack.push_back(frames[i]);
  }
  return stack;
}

std::size_t lock_index(const json& in, std::size_t locks, const char* what) {
  const auto index = in.get<std::size_t>();
  if (index >= locks)
    throw GraphFileError(std::string(what) + " " + std::to_string(index) + " is not a lock (" +
                         std::to_string(locks) + " locks)");
  return index;
}

// A label the runtime made up: empty, "M12" (a serial number), or one with an address in it.
// (No std::regex: the runtime asks while statics are being destroyed, a static regex with them.)
bool is_made_up(const std::string& label) {
  if (label.empty()) return true;
  if (label[0] == 'M' && label.size() > 1 &&
      label.find_first_not_of("0123456789", 1) == std::string::npos)
    return true;
  for (std::size_t at = label.find("0x"); at != std::string::npos; at = label.find("0x", at + 1))
    if (at + 2 < label.size() && std::isxdigit(static_cast<unsigned char>(label[at + 2])))
      return true;
  return false;
}

}  // namespace

std::string lock_identity(const Lock& lock) {
  if (!lock.lock_class.empty()) return "class:" + lock.lock_class;
  if (!is_made_up(lock.label)) return "name:" + lock.label;
  if (!lock.variable.empty()) return "variable:" + lock.variable;
  if (!lock.created.file.empty())
    return "site:" + lock.created.file + ":" + std::to_string(lock.created.line) + ":" +
           lock.created.function;
  return "unnamed:" + lock.label;
}

std::string render_graph_file(const GraphFile& graph) {
  ordered_json out;
  out["format"] = kFormat;
  out["version"] = kGraphFileVersion;
  out["process"] = {{"program", graph.process.program},
                    {"pid", graph.process.pid},
                    {"label", graph.process.label},
                    {"origin", graph.process.origin}};
  ordered_json locks = ordered_json::array();
  for (const GraphFile::Lock& l : graph.locks) {
    ordered_json lock = {{"id", l.id}, {"label", l.lock.label}, {"kind", l.lock.kind}};
    if (!l.lock.lock_class.empty()) lock["class"] = l.lock.lock_class;
    if (l.lock.rank != 0) lock["rank"] = l.lock.rank;
    if (!l.lock.variable.empty()) lock["variable"] = l.lock.variable;
    if (!l.lock.created.file.empty() || !l.lock.created.function.empty())
      lock["created"] = frame_json(l.lock.created);
    locks.push_back(std::move(lock));
  }
  out["locks"] = std::move(locks);
  FrameTable frames;
  ordered_json edges = ordered_json::array();
  for (const GraphFile::Edge& e : graph.edges) {
    ordered_json edge = {{"from", e.from},
                         {"to", e.to},
                         {"modes", e.modes},
                         {"gates", e.gates},
                         {"thread", e.thread}};
    if (!e.process.empty()) edge["process"] = e.process;
    edge["from_site"] = frames.stack(e.from_site);
    edge["to_site"] = frames.stack(e.to_site);
    edges.push_back(std::move(edge));
  }
  out["frames"] = frames.take();
  out["edges"] = std::move(edges);
  return out.dump(1) + "\n";
}

GraphFile parse_graph_file(const std::string& text) {
  json in;
  try {
    in = json::parse(text);
  } catch (const json::parse_error& e) {
    throw GraphFileError(std::string("not JSON (") + e.what() + ")");
  }
  try {
    if (!in.is_object() || optional_field<std::string>(in, "format", "") != kFormat)
      throw GraphFileError(std::string("not a lockorder graph file (no \"format\": \"") + kFormat +
                           "\")");
    const int version = in.at("version").get<int>();
    if (version != kGraphFileVersion)
      throw GraphFileError("graph file version " + std::to_string(version) +
                           ", this lockorder-report reads version " +
                           std::to_string(kGraphFileVersion));
    GraphFile graph;
    const json& process = in.at("process");
    graph.process.program = process.at("program").get<std::string>();
    graph.process.pid = process.at("pid").get<long>();
    graph.process.label = optional_field<std::string>(process, "label", "");
    graph.process.origin = optional_field<std::string>(process, "origin", kOriginRuntime);
    if (graph.process.origin != kOriginRuntime && graph.process.origin != kOriginStatic)
      throw GraphFileError("unknown origin '" + graph.process.origin + "'");
    for (const json& l : in.at("locks").get_ref<const json::array_t&>()) {
      GraphFile::Lock lock;
      lock.id = l.at("id").get<std::string>();
      if (lock.id.empty()) throw GraphFileError("a lock with an empty id");
      lock.lock.label = l.at("label").get<std::string>();
      lock.lock.kind = optional_field<std::string>(l, "kind", "");
      lock.lock.lock_class = optional_field<std::string>(l, "class", "");
      lock.lock.rank = optional_field<int>(l, "rank", 0);
      lock.lock.variable = optional_field<std::string>(l, "variable", "");
      if (auto created = l.find("created"); created != l.end())
        lock.lock.created = parse_frame(*created);
      graph.locks.push_back(std::move(lock));
    }
    const std::size_t locks = graph.locks.size();
    std::vector<Frame> frames;
    for (const json& frame : in.at("frames").get_ref<const json::array_t&>())
      frames.push_back(parse_frame(frame));
    for (const json& e : in.at("edges").get_ref<const json::array_t&>()) {
      GraphFile::Edge edge;
      edge.from = lock_index(e.at("from"), locks, "edge source");
      edge.to = lock_index(e.at("to"), locks, "edge target");
      edge.modes = e.at("modes").get<std::vector<std::string>>();
      for (const json& gate : e.at("gates").get_ref<const json::array_t&>())
        edge.gates.push_back(lock_index(gate, locks, "gate"));
      edge.thread = optional_field<std::string>(e, "thread", "");
      edge.process = optional_field<std::string>(e, "process", "");
      edge.from_site = parse_stack(e.at("from_site"), frames);
      edge.to_site = parse_stack(e.at("to_site"), frames);
      graph.edges.push_back(std::move(edge));
    }
    return graph;
  } catch (const json::exception& e) {
    throw GraphFileError(std::string("malformed graph file (") + e.what() + ")");
  }
}

}  // namespace lockorder::report
