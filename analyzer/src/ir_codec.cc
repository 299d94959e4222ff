#include "ir_codec.h"

#include <cereal/archives/binary.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>
#include <functional>
#include <sstream>
#include <stdexcept>

// The IR's plain structs, field by field (enums travel as their underlying integers).
namespace lockorder::report {
template <class Archive>
void serialize(Archive& archive, Frame& f) {
  archive(f.function, f.file, f.line, f.column);
}
}  // namespace lockorder::report

namespace lockorder::analyzer {

template <class Archive>
void serialize(Archive& archive, LockRef& r) {
  archive(r.root, r.name, r.parameter, r.fields, r.spelling, r.element, r.view, r.class_start);
}
template <class Archive>
void serialize(Archive& archive, LockOperand& o) {
  archive(o.lock, o.recursive);
}
template <class Archive>
void serialize(Archive& archive, CallTarget& c) {
  archive(c.usr, c.name, c.kind, c.is_virtual, c.indirect, c.signature, c.place, c.arguments,
          c.object, c.constants, c.bound_members, c.ends_holds);
}
template <class Archive>
void serialize(Archive& archive, Op& o) {
  archive(o.kind, o.mode, o.operands, o.slot, o.from_slot, o.try_id, o.scoped, o.call, o.result,
          o.facts, o.returned, o.site, o.suppressed);
}
template <class Archive>
void serialize(Archive& archive, ParameterTest& t) {
  archive(t.parameter, t.relation, t.value);
}
template <class Archive>
void serialize(Archive& archive, Successor& s) {
  archive(s.block, s.try_id, s.slot, s.succeeded, s.only_if, s.fact, s.fact_value);
}
template <class Archive>
void serialize(Archive& archive, Block& b) {
  archive(b.ops, b.successors);
}
template <class Archive>
void serialize(Archive& archive, FunctionIR& f) {
  archive(f.usr, f.name, f.overrides, f.is_thread_entry, f.orders_instances, f.trusted, f.blocks);
}
template <class Archive>
void serialize(Archive& archive, DeclaredOrder& d) {
  archive(d.before, d.after, d.declared);
}
template <class Archive>
void serialize(Archive& archive, Callable& c) {
  archive(c.usr, c.signature, c.place);
}
template <class Archive>
void serialize(Archive& archive, TranslationUnitIR& u) {
  archive(u.file, u.functions, u.orders, u.configured_uses, u.callables, u.place_copies, u.inputs);
}

namespace {
// Bytes: a tag, the archive, and a checksum of the archive, so that damaged bytes are refused
// rather than read into a unit that is wrong.
constexpr std::string_view kTag = "lockorder-ir-1\n";
constexpr std::size_t kChecksumSize = sizeof(std::uint64_t);

// The bytes are read back by the build that wrote them (ir_codec.h), so the standard library's
// hash is as good a checksum as any.
std::uint64_t checksum_of(std::string_view bytes) { return std::hash<std::string_view>{}(bytes); }
}  // namespace

std::string encode_unit(const TranslationUnitIR& unit) {
  std::ostringstream out;
  out << kTag;
  {
    cereal::BinaryOutputArchive archive(out);
    archive(unit);
  }
  std::string bytes = std::move(out).str();
  const std::uint64_t checksum = checksum_of(std::string_view(bytes).substr(kTag.size()));
  bytes.append(reinterpret_cast<const char*>(&checksum), kChecksumSize);
  return bytes;
}

TranslationUnitIR decode_unit(std::string_view bytes) {
  if (bytes.size() < kTag.size() + kChecksumSize || !bytes.starts_with(kTag))
    throw std::runtime_error("not an encoded translation unit");
  const std::string_view body =
      bytes.substr(kTag.size(), bytes.size() - kTag.size() - kChecksumSize);
  std::uint64_t checksum = 0;
  bytes.substr(bytes.size() - kChecksumSize)
      .copy(reinterpret_cast<char*>(&checksum), kChecksumSize);
  if (checksum_of(body) != checksum)
    throw std::runtime_error("an encoded translation unit, damaged");
  TranslationUnitIR unit;
  try {
    std::istringstream in{std::string(body)};
    cereal::BinaryInputArchive archive(in);
    archive(unit);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("not an encoded translation unit: ") + e.what());
  }
  return unit;
}

}  // namespace lockorder::analyzer
