// LockRef: a lock as one function sees it, by access path.
//
// A path starts at a root (a global or static variable, a parameter of the function, `this`,
// or a local variable) and follows data members: `from->mu_` inside Account::transfer is
// {parameter 0, [Account::mu_]}. Paths let a helper that locks "its argument" be analysed once
// and specialised at each call site (substitute), and they tell two locks of one class apart
// within a function (`from->mu_` and `to->mu_` are not a double-lock).
//
// Across functions, locks are compared by lock class (DESIGN.md): a global by its name, a member
// as `Class::field` whatever object it was reached from. This is the granularity at which the
// analyzer builds its lock-order graph; the runtime distinguishes instances.
#pragma once

#include <compare>
#include <cstddef>
#include <string>
#include <vector>

namespace lockorder::analyzer {

struct LockRef {
  enum class Root : unsigned char {
    global,     // `name` is the variable's unique key (qualified; a file-local one with its file)
    parameter,  // `parameter` is its index
    object,     // `this`
    local,      // `name` is "function::variable"
    unknown,    // an expression the analysis cannot name (a call's result, an array element)
  };
  Root root = Root::unknown;
  std::string name;
  unsigned parameter = 0;
  std::vector<std::string> fields;  // each "Class::field", outermost first
  std::string spelling;             // as written in the source ("from->mu_"), for messages
  // The path goes through an array or container element (`locks[i]`): two such paths may be
  // different locks, so holding one never makes taking the other a double-lock.
  bool element = false;
  // The path goes through a reference member that its class binds to whatever lock its
  // constructor is given (a guard's `Mutex& m_`): it names every lock such objects are made
  // with, not one lock class, so the static graph orders nothing by it (one class for all
  // guards' locks would join every lock they guard in false cycles).
  bool view = false;
  // The first field whose type is a lock (frontend::is_lock_type), or -1 when none is known:
  // the fields before it only say which object holds the lock, and the lock class starts there.
  int class_start = -1;

  // The lock class: the fields from the first lock-typed one ("CUDT::m_ConnectionLock" for
  // `sock->m_UDT.m_ConnectionLock`, "DBImpl::mutex_" for `mutex_.mu_`), or from the first when
  // none is known ("Wrapper::impl_.mu_"), or the root's name when there are none; empty when
  // unnamed.
  std::string lock_class() const;
  // Appends a field (`lock_typed`: its type is a lock), or another path's fields.
  void append_field(std::string field, bool lock_typed);
  void append_fields(const LockRef& inner);
  // Whether the path names a lock at all (an unknown root with no field does not). A parameter
  // or `this` itself is named here and gets its class once substituted at a call.
  bool named() const { return root != Root::unknown || !fields.empty(); }

  // Identity ignores the spelling.
  bool operator==(const LockRef& other) const {
    return root == other.root && name == other.name && parameter == other.parameter &&
           fields == other.fields && element == other.element;
  }
  std::strong_ordering operator<=>(const LockRef& other) const;
};

// A hash consistent with ==.
std::size_t hash_value(const LockRef& lock);

// The longest path substitution builds (see substitute).
inline constexpr std::size_t kMaxFields = 4;

// `inner` (a path in a callee) as seen by the caller, given what the callee's parameters and
// `this` are bound to at the call (nullptr where the caller cannot name the argument).
LockRef substitute(const LockRef& inner, const std::vector<const LockRef*>& arguments,
                   const LockRef* object);

}  // namespace lockorder::analyzer
