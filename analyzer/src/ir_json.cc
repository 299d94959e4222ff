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

namespace lockorder::report {

void to_json(json& j, const Frame& f) { j = json::array({f.function, f.file, f.line, f.column}); }
void from_json(const json& j, Frame& f) {
  j.at(0).get_to(f.function);
  j.at(1).get_to(f.file);
  j.at(2).get_to(f.line);
  j.at(3).get_to(f.column);
}

}  // namespace lockorder::report

namespace lockorder::analyzer {

void to_json(json& j, const LockRef& r) {
  j = json::array({static_cast<int>(r.root), r.name, r.parameter, r.fields, r.spelling, r.element});
}
void from_json(const json& j, LockRef& r) {
  r.root = static_cast<LockRef::Root>(j.at(0).get<int>());
  j.at(1).get_to(r.name);
  j.at(2).get_to(r.parameter);
  j.at(3).get_to(r.fields);
  j.at(4).get_to(r.spelling);
  j.at(5).get_to(r.element);
}

void to_json(json& j, const LockOperand& o) { j = json::array({o.lock, o.recursive}); }
void from_json(const json& j, LockOperand& o) {
  j.at(0).get_to(o.lock);
  j.at(1).get_to(o.recursive);
}

void to_json(json& j, const CallTarget& c) {
  j = json::array({c.usr, c.name, static_cast<int>(c.kind), c.is_virtual, c.arguments, c.object});
}
void from_json(const json& j, CallTarget& c) {
  j.at(0).get_to(c.usr);
  j.at(1).get_to(c.name);
  c.kind = static_cast<CallTarget::Kind>(j.at(2).get<int>());
  j.at(3).get_to(c.is_virtual);
  j.at(4).get_to(c.arguments);
  j.at(5).get_to(c.object);
}

void to_json(json& j, const Op& op) {
  j = json::array({static_cast<int>(op.kind), static_cast<int>(op.mode), op.operands, op.slot,
                   op.from_slot, op.try_id, op.scoped, op.site, op.suppressed});
  if (op.kind == OpKind::call) j.push_back(op.call);
}
void from_json(const json& j, Op& op) {
  op.kind = static_cast<OpKind>(j.at(0).get<int>());
  op.mode = static_cast<Mode>(j.at(1).get<int>());
  j.at(2).get_to(op.operands);
  j.at(3).get_to(op.slot);
  j.at(4).get_to(op.from_slot);
  j.at(5).get_to(op.try_id);
  j.at(6).get_to(op.scoped);
  j.at(7).get_to(op.site);
  j.at(8).get_to(op.suppressed);
  if (op.kind == OpKind::call) j.at(9).get_to(op.call);
}

void to_json(json& j, const Successor& s) {
  j = json::array({s.block, s.try_id, s.slot, s.succeeded});
}
void from_json(const json& j, Successor& s) {
  j.at(0).get_to(s.block);
  j.at(1).get_to(s.try_id);
  j.at(2).get_to(s.slot);
  j.at(3).get_to(s.succeeded);
}

void to_json(json& j, const Block& b) { j = json::array({b.ops, b.successors}); }
void from_json(const json& j, Block& b) {
  j.at(0).get_to(b.ops);
  j.at(1).get_to(b.successors);
}

void to_json(json& j, const FunctionIR& f) {
  j = json::array({f.usr, f.name, f.declared, f.overrides, f.is_thread_entry, f.trusted, f.blocks});
}
void from_json(const json& j, FunctionIR& f) {
  j.at(0).get_to(f.usr);
  j.at(1).get_to(f.name);
  j.at(2).get_to(f.declared);
  j.at(3).get_to(f.overrides);
  j.at(4).get_to(f.is_thread_entry);
  j.at(5).get_to(f.trusted);
  j.at(6).get_to(f.blocks);
}

void to_json(json& j, const DeclaredOrder& o) { j = json::array({o.before, o.after, o.declared}); }
void from_json(const json& j, DeclaredOrder& o) {
  j.at(0).get_to(o.before);
  j.at(1).get_to(o.after);
  j.at(2).get_to(o.declared);
}

std::vector<std::uint8_t> encode_unit(const TranslationUnitIR& unit) {
  return json::to_msgpack(json::array({unit.file, unit.functions, unit.orders}));
}

TranslationUnitIR decode_unit(const std::vector<std::uint8_t>& bytes) {
  try {
    const json j = json::from_msgpack(bytes);
    TranslationUnitIR unit;
    j.at(0).get_to(unit.file);
    j.at(1).get_to(unit.functions);
    j.at(2).get_to(unit.orders);
    return unit;
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("not an encoded translation unit: ") + e.what());
  }
}

}  // namespace lockorder::analyzer
