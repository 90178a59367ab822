#pragma once
// The one CSV dialect spincim reads and writes: comma-separated fields without quoting (every
// table spincim writes has numeric fields and identifier-like names), a header row, SI units in
// the column names. Readers report problems at file:line:column, where the column is the 1-based
// character position of the field, so an editor jumps to it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spincim::csv {

// The fields of one line, split at every comma (no quoting); views into `line`.
[[nodiscard]] std::vector<std::string_view> split(std::string_view line);

// The 1-based character column at which field `index` of a split line starts.
[[nodiscard]] int column_of(const std::vector<std::string_view>& fields, std::size_t index);

// A number as every spincim table writes it: the shortest text that reads back to the same
// double (std::to_chars), so no table loses precision and none carries noise digits; inf, -inf
// and nan as such.
[[nodiscard]] std::string number(double value);

} // namespace spincim::csv
