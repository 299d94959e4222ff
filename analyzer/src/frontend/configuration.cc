#include "frontend/configuration.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace lockorder::analyzer::frontend {
namespace {

std::vector<std::string> names(const nlohmann::json& entry, const char* key,
                               std::vector<std::string> fallback) {
  if (!entry.contains(key)) return fallback;
  return entry.at(key).get<std::vector<std::string>>();
}

void only_keys(const nlohmann::json& object, std::initializer_list<const char*> allowed,
               const std::string& where) {
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) throw std::runtime_error(where + ": unknown key \"" + key + "\"");
  }
}

ConfiguredFunction function_entry(const nlohmann::json& entry) {
  only_keys(entry,
            {"name", "lock", "lock_shared", "try_lock", "unlock", "wait", "recursive", "success"},
            "a function entry");
  ConfiguredFunction f;
  f.name = entry.at("name").get<std::string>();
  using Action = ConfiguredFunction::Action;
  int actions = 0;
  for (auto [key, action] : {std::pair{"lock", Action::lock},
                             {"lock_shared", Action::lock_shared},
                             {"try_lock", Action::try_lock},
                             {"unlock", Action::unlock},
                             {"wait", Action::wait}}) {
    if (!entry.contains(key)) continue;
    ++actions;
    f.action = action;
    f.argument = entry.at(key).get<unsigned>();
  }
  if (actions != 1)
    throw std::runtime_error("function entry \"" + f.name +
                             "\": give exactly one of lock, lock_shared, try_lock, unlock, wait "
                             "(with the lock's argument index)");
  f.recursive = entry.value("recursive", false);
  const std::string success = entry.value("success", std::string("nonzero"));
  if (success != "nonzero" && success != "zero")
    throw std::runtime_error("function entry \"" + f.name +
                             "\": success must be \"zero\" or \"nonzero\"");
  f.succeeds_on_zero = success == "zero";
  return f;
}

}  // namespace

std::vector<std::string> Configuration::entry_names() const {
  std::vector<std::string> names;
  for (const ConfiguredMutex& m : mutexes) names.push_back(m.type);
  for (const ConfiguredGuard& g : guards) names.push_back(g.type);
  for (const ConfiguredFunction& f : functions) names.push_back(f.name);
  return names;
}

Configuration load_configuration(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  Configuration config;
  try {
    const nlohmann::json root = nlohmann::json::parse(in);
    if (!root.is_object()) throw std::runtime_error("the top level must be an object");
    only_keys(root, {"mutexes", "guards", "functions", "order"}, "top level");
    for (const nlohmann::json& entry : root.value("mutexes", nlohmann::json::array())) {
      only_keys(entry,
                {"type", "lock", "unlock", "try_lock", "lock_shared", "unlock_shared", "recursive"},
                "a mutex entry");
      ConfiguredMutex m;
      m.type = entry.at("type").get<std::string>();
      m.lock = names(entry, "lock", m.lock);
      m.unlock = names(entry, "unlock", m.unlock);
      m.try_lock = names(entry, "try_lock", m.try_lock);
      m.lock_shared = names(entry, "lock_shared", m.lock_shared);
      m.unlock_shared = names(entry, "unlock_shared", m.unlock_shared);
      m.recursive = entry.value("recursive", false);
      config.mutexes.push_back(std::move(m));
    }
    for (const nlohmann::json& entry : root.value("guards", nlohmann::json::array())) {
      only_keys(entry, {"type", "shared"}, "a guard entry");
      config.guards.push_back({entry.at("type").get<std::string>(), entry.value("shared", false)});
    }
    for (const nlohmann::json& entry : root.value("functions", nlohmann::json::array()))
      config.functions.push_back(function_entry(entry));
    for (const nlohmann::json& entry : root.value("order", nlohmann::json::array())) {
      std::string lock_class = entry.get<std::string>();
      if (lock_class.empty()) throw std::runtime_error("an empty lock class in \"order\"");
      config.order.push_back(std::move(lock_class));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not a valid configuration: " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": not a valid configuration: " + e.what());
  }
  return config;
}

}  // namespace lockorder::analyzer::frontend
