// The analyzer's program model: each function lowered to a small control-flow graph of lock
// operations, independent of Clang and of the translation unit it came from.
//
// The front end (frontend/) turns a function's Clang CFG into a FunctionIR: lock and unlock
// calls, guard objects (lock_guard, unique_lock, scoped_lock, annotated guards), calls to other
// functions with what their lock parameters and `this` are bound to, and branches that depend on
// whether a try_lock succeeded. Everything is plain data keyed by strings (Clang USRs for
// functions, access paths for locks), so functions from every translation unit can be merged
// and analysed together after their ASTs are gone (summaries.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lock_ref.h"
#include "lockorder/report/report.h"

namespace lockorder::analyzer {

enum class Mode : std::uint8_t { exclusive, shared };

// What the analysis needs to know about one lock operand.
struct LockOperand {
  LockRef lock;
  bool recursive = false;  // re-entry is allowed (std::recursive_mutex, ...)
};

// A source position; `function` is the function that contains it, for call chains.
using Site = report::Frame;

struct CallTarget {
  enum class Kind : std::uint8_t { plain, constructor, destructor };
  std::string usr;          // the callee (Clang USR)
  std::string name;         // its qualified name, for messages
  Kind kind = Kind::plain;  // a constructor or destructor of `object`
  bool is_virtual = false;  // also dispatches to overriders found anywhere in the program
  // Through a function pointer, a member-function pointer or std::function: `usr` is empty;
  // the call reaches the functions and lambdas stored into the place it reads its target from
  // (`place`: frontend::place_key) that have its signature (frontend::callable_signature);
  // `name` says what is called.
  bool indirect = false;
  std::string signature;
  std::string place;
  std::vector<std::optional<LockRef>> arguments;  // per callee parameter: what it is bound to
  std::optional<LockRef> object;                  // what `this` is bound to (methods)
  // Per callee parameter: the integer constant the call passes, if it passes one. A callee
  // whose branches test that parameter is analysed for the value (Successor::only_if).
  std::vector<std::optional<std::int64_t>> constants;
  // A destructor of a local object: the reference members ("Class::field") that its
  // constructor bound to a parameter, and the lock the caller passed there. The destructor's
  // `this->m_mtx` is that lock (an unannotated unlock guard takes back what it released).
  std::vector<std::pair<std::string, LockRef>> bound_members;
  // An implicit destructor: it runs its members' destructors, which end whatever the object's
  // constructor left held (a class that holds its lock through a guard member).
  bool ends_holds = false;
};

enum class OpKind : std::uint8_t {
  acquire,        // lock every operand; several operands: acquired together, deadlock-free
                  // among themselves (std::lock, std::scoped_lock)
  try_acquire,    // held only past a branch that tests it succeeded (Successor::try_id)
  release,        // unlock every operand
  guard_acquire,  // guard `slot` locks its operands (construction, or lock() after unlock())
  guard_try,      // guard `slot` try-locks its operands (try_to_lock, try_lock())
  guard_adopt,    // guard `slot` takes over operands already held (adopt_lock)
  guard_defer,    // guard `slot` is bound to its operands but holds nothing (defer_lock)
  guard_unlock,   // guard `slot` unlocks what it owns and stays bound
  guard_disown,   // guard `slot` gives up ownership without unlocking (release())
  guard_move,     // guard `from_slot` hands its binding and ownership to guard `slot`
  guard_end,      // guard `slot` is destroyed: unlocks what it owns
  call,           // a call to another function
  forget,         // a variable that conditions `facts` read was assigned: they no longer hold
  returns,        // the function returns `returned`; operands: the lock it returns a pointer or
                  // reference to, if the value names one
};

// What a return statement's value is, as far as a caller's test of it can tell.
enum class ReturnValue : std::uint8_t { unknown, zero, nonzero };

struct Op {
  OpKind kind = OpKind::acquire;
  Mode mode = Mode::exclusive;
  std::vector<LockOperand> operands;
  int slot = -1;       // guard ops: the guard's slot (per function)
  int from_slot = -1;  // guard_move
  // try_acquire, guard_try: names the attempt for the branches that test it; call: names its
  // result, for a callee that returns holding a lock only with some results (Successor::try_id
  // then tests the result: `succeeded` on the branch where it is non-zero).
  int try_id = -1;
  // Guard ops: the guard unlocks its locks when it ends whatever was done to them meanwhile
  // (lock_guard, scoped_lock, annotated scoped guards: `mu.Unlock(); ...; mu.Lock();` inside
  // the scope is theirs to release), rather than only what it still owns (unique_lock).
  bool scoped = false;
  CallTarget call;  // call
  // call: the local variable its result is stored in (`hold = item_trylock(hv)`), so that a
  // lock the callee returns a pointer to is known by that variable's name.
  std::optional<LockRef> result;
  std::vector<int> facts;                       // forget
  ReturnValue returned = ReturnValue::unknown;  // returns
  Site site;
  bool suppressed = false;  // a suppression comment on the acquisition's line
};

// `parameter relation value`: a comparison of one of the function's parameters (never assigned
// in it) with a constant, true on the successor that carries it; `any_bits` and `no_bits` test
// `parameter & value` against zero (flag words: `if (flags & RETURN_ITEM)`).
struct ParameterTest {
  enum class Relation : std::uint8_t { eq, ne, lt, le, gt, ge, any_bits, no_bits };
  int parameter = 0;  // index among the declared parameters (`this` not counted)
  Relation relation = Relation::eq;
  std::int64_t value = 0;
};

// A control-flow successor, possibly taken only when a try-lock succeeded or failed: the branch
// tests attempt `try_id` directly (`if (m.try_lock())`, a bool that stored it), or tests whether
// guard `slot` owns its lock (`if (lock.owns_lock())`, `if (lock)`).
//
// Two cheap kinds of path sensitivity ride on it too. `only_if`: the branch is taken only when
// every test holds, so a call passing constants prunes the rest (`pause(PAUSE_ALL)` skips the
// `case RESUME:` arm). `fact`: the branch tests a side-effect-free condition that the function
// tests more than once (numbered per function); taking it makes the condition `fact_value`
// until a `forget` op, so a later test of it goes the same way (`if (!c) unlock(); ...;
// if (c) unlock();` releases on every path).
struct Successor {
  int block = 0;
  int try_id = -1;
  int slot = -1;
  bool succeeded = false;  // the branch taken when the attempt succeeded (or the guard owns)
  std::vector<ParameterTest> only_if;
  int fact = -1;
  bool fact_value = false;
};

struct Block {
  std::vector<Op> ops;
  std::vector<Successor> successors;
};

struct FunctionIR {
  std::string usr;
  std::string name;                    // qualified, for messages ("Account::transfer")
  std::vector<std::string> overrides;  // USRs of the methods this one overrides
  bool is_thread_entry = false;        // a lambda or function handed to std::thread
  bool orders_instances = false;  // compares addresses: locks of one class in a canonical order
  bool trusted = false;           // annotated acquire/release function: its effect comes from the
                                  // annotation at each call site, its body is not analysed
  std::vector<Block> blocks;  // blocks[0] is the entry; an empty successor list ends the function
};

// A declared order between two lock classes (ACQUIRED_BEFORE / ACQUIRED_AFTER): `before` must
// not be acquired while `after` is held.
struct DeclaredOrder {
  std::string before;
  std::string after;
  Site declared;
};

// A function or lambda stored into a place an indirect call may read (frontend/callable_stores.h).
struct Callable {
  std::string usr;
  std::string signature;
  std::string place;
};

// One translation unit's contribution.
struct TranslationUnitIR {
  std::string file;
  std::vector<FunctionIR> functions;
  std::vector<DeclaredOrder> orders;
  std::vector<std::string> configured_uses;  // the configuration entries it used, by name
  std::vector<Callable> callables;
  // Places copied into other places (`run(cb)` passes parameter `cb` on; `s->fn = fn`):
  // (to, from): what is stored into `from` reaches `to` too.
  std::vector<std::pair<std::string, std::string>> place_copies;
  std::vector<std::string> inputs;  // every file the unit read (sources and headers)
};

}  // namespace lockorder::analyzer
