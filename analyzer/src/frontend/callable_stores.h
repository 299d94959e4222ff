// Where indirect calls go: the places a function's address (or a lambda) is stored, and the place
// an indirect call reads its target from, as the same key, so that `mod->eval(...)` reaches the
// functions stored into `eval` members (`.eval = crawler_expired_eval`, `m->eval = f`), a call
// through a parameter reaches what callers pass for it, and a std::function variable what is
// assigned to it. A place is a member (every object's), a variable, or a function's parameter.
#pragma once

#include <string>

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
class QualType;
}  // namespace clang

namespace lockorder::analyzer::frontend {

// The place `callable` (a reference to a function, or a lambda) is stored in, found through its
// enclosing expressions (an assignment, a variable's initialiser, a member's place in an
// initialiser list, an argument, a std::function made from it); empty when it is not stored.
std::string store_key(const clang::Expr& callable, clang::ASTContext& context);

// The place an indirect call through `callee` (what is called: `mod->eval`, `cb`, `logger`)
// reads its target from; empty when it is no such place.
std::string place_key(const clang::Expr* callee);

// A function's parameter as a place (what callers pass for it).
std::string parameter_place(const clang::FunctionDecl* function, unsigned index);

// Whether values of this type can be called indirectly (function pointers, member-function
// pointers, std::function): the places worth following when one is copied into another.
bool is_callable_type(clang::QualType type);

}  // namespace lockorder::analyzer::frontend
