// A lock API: one family of lock primitives the analyzer understands, as a recognizer that lowers
// the calls and constructions of that family to IR ops (the clang-tidy shape: one recognizer,
// one file, its own tests). LockApis asks each in turn:
//   annotated_api.cc   types and functions with Clang's thread-safety attributes
//   std_api.cc         the std mutex family, lock_guard, unique_lock, scoped_lock, shared_lock,
//                      std::lock / std::try_lock, condition variables; lockorder's own types
//   pthread_api.cc     pthread mutexes and rwlocks
//   configured_api.cc  types named in the user's configuration file
#pragma once

#include <memory>
#include <vector>

namespace clang {
class CallExpr;
class CXXConstructExpr;
class VarDecl;
}  // namespace clang

namespace lockorder::analyzer::frontend {

class FunctionLowering;

class LockApi {
 public:
  virtual ~LockApi() = default;
  // Lowers `call` if it belongs to this API; returns whether it did.
  virtual bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const = 0;
  // Lowers the construction of `var` (nullptr: a temporary) if it is a guard of this API.
  virtual bool lower_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                               FunctionLowering& out) const = 0;
};

class LockApis {
 public:
  void add(std::unique_ptr<LockApi> api) { apis_.push_back(std::move(api)); }
  bool lower_call(const clang::CallExpr& call, FunctionLowering& out) const {
    for (const auto& api : apis_)
      if (api->lower_call(call, out)) return true;
    return false;
  }
  bool lower_construct(const clang::CXXConstructExpr& construct, const clang::VarDecl* var,
                       FunctionLowering& out) const {
    for (const auto& api : apis_)
      if (api->lower_construct(construct, var, out)) return true;
    return false;
  }

 private:
  std::vector<std::unique_ptr<LockApi>> apis_;
};

}  // namespace lockorder::analyzer::frontend
