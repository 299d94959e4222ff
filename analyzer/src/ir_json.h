// The IR of a translation unit as bytes (MessagePack, through nlohmann-json), so that units can
// be lowered in worker processes and analysed together in one (see tools/unit_workers.h).
#pragma once

#include <cstdint>
#include <vector>

#include "ir.h"

namespace lockorder::analyzer {

std::vector<std::uint8_t> encode_unit(const TranslationUnitIR& unit);
// Throws std::runtime_error when the bytes are not an encoded unit.
TranslationUnitIR decode_unit(const std::vector<std::uint8_t>& bytes);

}  // namespace lockorder::analyzer
