// What a function's branches tell the flow analysis beyond try-locks (ir.h, Successor):
//  - which successors a constant argument decides: the branch compares a parameter that the
//    function never assigns (nor takes the address of) with a constant (`if (fd == -42)`,
//    `if (flag)`, `switch (mode) { case PAUSE: ... }`);
//  - which conditions the function tests more than once, so that the second test follows the
//    first: side-effect-free expressions, compared by structure, numbered per function;
//    an assignment to a variable one of them reads (its root variable, `s` in `s.mod->flag`)
//    forgets it. Calls in between are assumed not to change it: the price of a cheap path
//    sensitivity, and the reason a condition must be tested twice before it counts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <llvm/ADT/FoldingSet.h>

#include "ir.h"

namespace clang {
class ASTContext;
class CFG;
class CFGBlock;
class Expr;
class FunctionDecl;
class Stmt;
class ValueDecl;
}  // namespace clang

namespace lockorder::analyzer::frontend {

class BranchConditions {
 public:
  BranchConditions(const clang::FunctionDecl& function, const clang::CFG& cfg,
                   clang::ASTContext& context);

  // What each successor of `block` (in Clang's successor order, unreachable ones included)
  // learns; copied into the IR's successors.
  struct Branch {
    std::vector<ParameterTest> only_if;
    int fact = -1;
    bool fact_value = false;
  };
  std::vector<Branch> branches_of(const clang::CFGBlock& block) const;

  // The facts that `statement` (an assignment, ++ or --) makes stale.
  std::vector<int> forgotten_by(const clang::Stmt* statement) const;

  // The integer constant an argument expression evaluates to, if any.
  static std::optional<std::int64_t> constant(const clang::Expr* argument,
                                              const clang::ASTContext& context);

 private:
  struct Comparison {
    int parameter;
    ParameterTest::Relation relation;
    std::int64_t value;
  };
  std::optional<Comparison> parameter_test(const clang::Expr* condition) const;
  std::optional<int> parameter_index(const clang::Expr* expr) const;
  using Identity = llvm::FoldingSetNodeID;  // the condition's structure
  Identity identity(const clang::Expr* condition) const;
  std::vector<Branch> switch_branches(const clang::CFGBlock& block,
                                      const clang::Expr* condition) const;

  const clang::FunctionDecl& function_;
  clang::ASTContext& context_;
  std::set<const clang::ValueDecl*> parameters_written_;         // assigned or address taken
  std::map<Identity, int> facts_;                                // condition -> fact number
  std::map<const clang::ValueDecl*, std::vector<int>> readers_;  // variable -> facts reading it
};

}  // namespace lockorder::analyzer::frontend
