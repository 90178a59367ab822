#pragma once
// An output directory that appears only when complete.
//
// Files are written into a hidden staging directory next to the target (same filesystem, so the
// final rename is atomic). `commit()` swaps it into place; if the object is destroyed without a
// commit (an error, an exception, a crash), the staging directory is removed and the target is
// left exactly as it was. A user therefore never finds a half-written results.json that looks
// complete (ARCHITECTURE.md, "CLI contract").

#include <filesystem>
#include <string_view>

namespace spincim {

class OutputDir {
public:
    // Prepares a staging directory for `target`. Throws InputError if the parent directory cannot
    // be created or `target` exists and is not a directory.
    explicit OutputDir(std::filesystem::path target);
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    // Path of a file inside the staging directory.
    [[nodiscard]] std::filesystem::path file(std::string_view name) const;
    // Writes `content` to a file inside the staging directory.
    void write(std::string_view name, std::string_view content) const;
    // Moves the staging directory to the target, replacing a previous result directory.
    void commit();
    // Moves the staging directory to `elsewhere` instead (e.g. TARGET/failed/TIME, so that a
    // failed run keeps its record without replacing a complete earlier result). Creates the
    // parent directories.
    void commit_to(const std::filesystem::path& elsewhere);

    [[nodiscard]] const std::filesystem::path& target() const { return target_; }
    [[nodiscard]] const std::filesystem::path& staging() const { return staging_; }

private:
    std::filesystem::path target_;
    std::filesystem::path staging_;
    bool committed_ = false;
};

} // namespace spincim
