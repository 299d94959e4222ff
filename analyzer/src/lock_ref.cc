#include "lock_ref.h"

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
    std::string name = fields.front();
    for (std::size_t i = 1; i < fields.size(); ++i) name += "." + short_name(fields[i]);
    return name;
  }
  if (root == Root::global || root == Root::local) return name;
  return {};
}

std::strong_ordering LockRef::operator<=>(const LockRef& other) const {
  return std::tie(root, name, parameter, fields, element) <=>
         std::tie(other.root, other.name, other.parameter, other.fields, other.element);
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
  outer.fields.insert(outer.fields.end(), inner.fields.begin(), inner.fields.end());
  if (outer.fields.size() > kMaxFields) {
    // Recursion over a linked structure (`node->next->mu`) would grow paths without end: keep
    // the innermost fields, which name the lock, and forget which object they started from.
    outer.fields.erase(outer.fields.begin(), outer.fields.end() - kMaxFields);
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
