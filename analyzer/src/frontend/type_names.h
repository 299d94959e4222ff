// Small questions about types and expressions that every lock API asks.
#pragma once

#include <string>

namespace clang {
class CXXRecordDecl;
class Expr;
class FunctionDecl;
class QualType;
}  // namespace clang

namespace lockorder::analyzer::frontend {

// The class behind a type, through references, pointers and typedefs (nullptr if none).
const clang::CXXRecordDecl* record_of(clang::QualType type);
const clang::CXXRecordDecl* record_of(const clang::Expr* expr);
// Whether `record` is std::NAME (any inline namespace, so libstdc++ and libc++ alike).
bool is_std(const clang::CXXRecordDecl* record, const char* name);
// Whether `record` is lockorder::NAME (the runtime's own types).
bool is_lockorder(const clang::CXXRecordDecl* record, const char* name);
// The record's qualified name without template arguments ("leveldb::port::Mutex").
std::string qualified_name(const clang::CXXRecordDecl* record);
// Whether a value of this type (or what it points or refers to, or an array's element) is a
// lock: pthread's lock types, the standard mutexes, a class annotated as a capability, or a
// class with a lock()/Lock() method (a wrapper such as LevelDB's port::Mutex). A member of such
// a type starts its lock class (LockRef::class_start): the lock it names is that member,
// whichever object it was reached through.
bool is_lock_type(clang::QualType type);
// A callable's signature for matching indirect calls with their possible targets: "R(A, B)",
// canonical types without top-level qualifiers; empty when `type` (a function type, or a
// pointer, reference or member pointer to one) is none.
std::string callable_signature(clang::QualType type);
std::string callable_signature(const clang::FunctionDecl& function);
// The expression under parentheses, implicit casts, cleanups and temporaries.
const clang::Expr* strip_wrappers(const clang::Expr* expr);

}  // namespace lockorder::analyzer::frontend
