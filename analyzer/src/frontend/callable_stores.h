// Where indirect calls go: the places a function's address (or a lambda) is stored, and the place
// an indirect call reads its target from, as the same key (the translation unit's visitor finds
// the stores: assignments, initialisers, arguments), so that `mod->eval(...)` reaches the
// functions stored into `eval` members (`.eval = crawler_expired_eval`, `m->eval = f`), a call
// through a parameter reaches what callers pass for it, and a std::function variable what is
// assigned to it. A place is a member (every object's), a variable, or a function's parameter.
#pragma once

#include <string>

namespace clang {
class ASTContext;
class Expr;
class InitListExpr;
class FunctionDecl;
class QualType;
}  // namespace clang

namespace lockorder::analyzer::frontend {

// The function or lambda (its call operator) that `value` is, seen through casts, `&`,
// parentheses, temporaries and a std::function made from it; nullptr when it is none.
const clang::FunctionDecl* stored_callable(const clang::Expr* value);

// The member that element `index` of a struct's initialiser list initialises, as a place.
std::string initialised_member_place(const clang::InitListExpr& list, unsigned index);

// The place an indirect call through `callee` (what is called: `mod->eval`, `cb`, `logger`)
// reads its target from; empty when it is no such place.
std::string place_key(const clang::Expr* callee);

// A function's parameter as a place (what callers pass for it).
std::string parameter_place(const clang::FunctionDecl* function, unsigned index);

// Whether values of this type can be called indirectly (function pointers, member-function
// pointers, std::function): the places worth following when one is copied into another.
bool is_callable_type(clang::QualType type);

}  // namespace lockorder::analyzer::frontend
