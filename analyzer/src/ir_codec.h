// The IR of a translation unit as bytes, so that units can be lowered in worker processes and
// analysed together in one (see tools/unit_workers.h), and kept between runs (tools/fact_cache.h).
//
// The encoding is cereal's binary archive, field by field in declaration order: compact and
// fast to read back (a run whose facts all come from the cache reads every unit's IR), but
// meaningful only to the same build of the tool, which is all that its users keep it for.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ir.h"

namespace lockorder::analyzer {

std::string encode_unit(const TranslationUnitIR& unit);
// Throws std::runtime_error when the bytes are not an encoded unit (truncated, damaged).
TranslationUnitIR decode_unit(std::string_view bytes);

}  // namespace lockorder::analyzer
