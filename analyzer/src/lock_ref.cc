#include "lock_ref.h"

#include <functional>
#include <tuple>

namespace lockorder::analyzer {

namespace {
std::string short_name(const std::string& field) {
  const std::size_t colons = field.rfind("::");
  return colons == std::string::npos ? field : field.substr(colons + 2);
}
}  // namespace

std::string LockRef::lock_class() const {
  if (!fields.empty()) {
    const std::size_t start =
        class_start >= 0 && static_cast<std::size_t>(class_start) < fields.size() ? class_start : 0;
    std::string name = fields[start];
    for (std::size_t i = start + 1; i < fields.size(); ++i) name += "." + short_name(fields[i]);
    return name;
  }
  if (root == Root::global || root == Root::local) return name;
  return {};
}

void LockRef::append_field(std::string field, bool lock_typed) {
  if (lock_typed && class_start < 0) class_start = static_cast<int>(fields.size());
  fields.push_back(std::move(field));
}

void LockRef::append_fields(const LockRef& inner) {
  if (class_start < 0 && inner.class_start >= 0)
    class_start = static_cast<int>(fields.size()) + inner.class_start;
  fields.insert(fields.end(), inner.fields.begin(), inner.fields.end());
}

std::strong_ordering LockRef::operator<=>(const LockRef& other) const {
  return std::tie(root, name, parameter, fields, element) <=>
         std::tie(other.root, other.name, other.parameter, other.fields, other.element);
}

std::size_t hash_value(const LockRef& lock) {
  auto mix = [](std::size_t seed, std::size_t value) {
    return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
  };
  std::size_t h = mix(static_cast<std::size_t>(lock.root), std::hash<std::string>{}(lock.name));
  h = mix(h, lock.parameter);
  for (const std::string& field : lock.fields) h = mix(h, std::hash<std::string>{}(field));
  return mix(h, lock.element);
}

LockRef substitute(const LockRef& inner, const std::vector<const LockRef*>& arguments,
                   const LockRef* object) {
  const LockRef* base = nullptr;
  if (inner.root == LockRef::Root::parameter) {
    if (inner.parameter < arguments.size()) base = arguments[inner.parameter];
  } else if (inner.root == LockRef::Root::object) {
    base = object;
  } else {
    return inner;  // globals and the callee's own locals mean the same to every caller
  }
  LockRef outer;
  if (base == nullptr) {
    outer.root = LockRef::Root::unknown;
  } else {
    outer = *base;
  }
  outer.append_fields(inner);
  if (outer.fields.size() > kMaxFields) {
    // Recursion over a linked structure (`node->next->mu`) would grow paths without end: keep
    // the innermost fields, which name the lock, and forget which object they started from.
    const int dropped = static_cast<int>(outer.fields.size() - kMaxFields);
    outer.fields.erase(outer.fields.begin(), outer.fields.end() - kMaxFields);
    outer.class_start = outer.class_start >= dropped ? outer.class_start - dropped : -1;
    outer.root = LockRef::Root::unknown;
    outer.name.clear();
    outer.parameter = 0;
  }
  outer.element = outer.element || inner.element;
  outer.view = outer.view || inner.view;
  if (base == nullptr || base->spelling.empty()) {
    outer.spelling = inner.spelling;  // "mu_" beats nothing
  } else {
    outer.spelling = base->spelling == "*this" ? std::string() : base->spelling;
    for (const std::string& field : inner.fields)
      outer.spelling += (outer.spelling.empty() ? "" : ".") + short_name(field);
  }
  return outer;
}

}  // namespace lockorder::analyzer
