#include "ir_json.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

using nlohmann::json;

// An absent value (an argument the caller cannot name) is null.
template <class T>
struct nlohmann::adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& value) {
    if (j.is_null()) {
      value.reset();
    } else {
      value = j.get<T>();
    }
  }
};

// The IR's plain structs, field by field (enums travel as their numbers).
namespace lockorder::report {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Frame, function, file, line, column)
}  // namespace lockorder::report

namespace lockorder::analyzer {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LockRef, root, name, parameter, fields, spelling, element, view,
                                   class_start)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LockOperand, lock, recursive)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CallTarget, usr, name, kind, is_virtual, indirect, signature,
                                   place, arguments, object, constants, bound_members, ends_holds)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Op, kind, mode, operands, slot, from_slot, try_id, scoped, call,
                                   result, facts, returned, site, suppressed)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ParameterTest, parameter, relation, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Successor, block, try_id, slot, succeeded, only_if, fact,
                                   fact_value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Block, ops, successors)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FunctionIR, usr, name, overrides, is_thread_entry,
                                   orders_instances, trusted, blocks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DeclaredOrder, before, after, declared)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Callable, usr, signature, place)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TranslationUnitIR, file, functions, orders, configured_uses,
                                   callables, place_copies, inputs)

std::vector<std::uint8_t> encode_unit(const TranslationUnitIR& unit) {
  return json::to_msgpack(json(unit));
}

TranslationUnitIR decode_unit(const std::vector<std::uint8_t>& bytes) {
  try {
    return json::from_msgpack(bytes).get<TranslationUnitIR>();
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("not an encoded translation unit: ") + e.what());
  }
}

}  // namespace lockorder::analyzer
