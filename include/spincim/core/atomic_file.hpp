#pragma once
// The one way spincim writes a file that someone may read while it is written: the text goes to
// a temporary file beside the target (same directory, so same file system), is flushed, and is
// renamed over the target. rename(2) is atomic, so a reader sees the old file or the whole new
// one, never a torn one; a failure leaves the target as it was and removes the temporary.

#include <filesystem>
#include <string_view>

namespace spincim {

// Throws OutputError naming the path and the system's reason (ENOSPC, EROFS, EACCES, ...).
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

} // namespace spincim
