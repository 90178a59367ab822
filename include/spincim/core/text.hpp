#pragma once
// Text that goes into a message: user input is shown exactly, but never raw. Every byte that is
// not printable ASCII (and the backslash) is escaped as \xNN, so a NUL, a terminal escape
// sequence or a homoglyph in a study file is visible in the error and cannot change the
// terminal.

#include <string>
#include <string_view>

namespace spincim {

// `text` in single quotes with non-printable bytes escaped as \xNN.
[[nodiscard]] std::string quote(std::string_view text);

} // namespace spincim
