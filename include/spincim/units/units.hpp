#pragma once
// Engineering-notation numbers, the way they are written in YAML studies (`1.5n`, `200f`, `2k`,
// `10meg`), parsed strictly, and printed canonically for netlists.
//
// ngspice's own reader is lenient in ways that hide mistakes (shared/NGSPICE.md): `1M` is milli,
// `1F` is femto, `1k5` is 1000 and `10uF` is 10u because trailing junk is ignored. spincim accepts
// only a number with an optional suffix from {f p n u m k meg g t} (case-insensitive, `m` = milli)
// and refuses everything else with a message saying what was meant to be written. Netlists get
// plain SI numbers with no suffix, so ngspice's suffix rules never come into play.

#include <optional>
#include <string>
#include <string_view>

namespace spincim::units {

// Parses `text` or throws spincim::InputError (without a location; callers add theirs).
[[nodiscard]] double parse(std::string_view text);

// Parses `text`; on failure returns nullopt and, if `why` is given, the reason.
[[nodiscard]] std::optional<double> try_parse(std::string_view text, std::string* why = nullptr);

// Canonical netlist form: the shortest decimal that reads back to the same double (round-trip
// exact), no suffix, e.g. `1e-09`, `0.3`, `2000`. Throws InputError for NaN or infinity.
[[nodiscard]] std::string to_spice(double value);

// Human-readable engineering form with `digits` significant digits, e.g. `1.5n`, `2k`, `10meg`.
[[nodiscard]] std::string to_eng(double value, int digits = 4);

} // namespace spincim::units
