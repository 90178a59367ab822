#include "spincim/core/output_dir.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <unistd.h>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/error.hpp"

namespace spincim {

namespace fs = std::filesystem;

OutputDir::OutputDir(fs::path target)
    : target_(fs::absolute(std::move(target)).lexically_normal()) {
    if (target_.filename().empty())
        target_ = target_.parent_path();
    std::error_code ec;
    if (fs::exists(target_, ec) && !fs::is_directory(target_, ec))
        throw InputError("output path exists and is not a directory", {target_.string(), 0, 0, ""});
    fs::create_directories(target_.parent_path(), ec);
    if (ec)
        throw OutputError(target_.parent_path().string(), ec.message());
    // mkdtemp gives a unique, private staging directory beside the target. (Built with append():
    // GCC 12 at -O3 warns falsely on `"literal" + std::string`, GCC PR 105329.)
    std::string name = ".";
    name.append(target_.filename().string()).append(".partial-XXXXXX");
    std::string templ = (target_.parent_path() / name).string();
    if (!::mkdtemp(templ.data()))
        throw OutputError(templ, std::strerror(errno));
    staging_ = templ;
}

OutputDir::~OutputDir() {
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(staging_, ec);
    }
}

fs::path OutputDir::file(std::string_view name) const {
    return staging_ / name;
}

void OutputDir::write(std::string_view name, std::string_view content) const {
    write_file_atomically(file(name), content);
}

void OutputDir::commit() {
    std::error_code ec;
    fs::path old;
    if (fs::exists(target_, ec)) {
        // Move the previous result aside first, so that the swap leaves one complete directory
        // under the target name at every moment a reader could look.
        old = staging_;
        old += ".old";
        fs::rename(target_, old, ec);
        if (ec)
            throw OutputError(target_.string(), ec.message());
    }
    fs::rename(staging_, target_, ec);
    if (ec) {
        if (!old.empty())
            fs::rename(old, target_);
        throw OutputError(target_.string(), ec.message());
    }
    committed_ = true;
    if (!old.empty())
        fs::remove_all(old, ec);
}

void OutputDir::commit_to(const fs::path& elsewhere) {
    std::error_code ec;
    fs::create_directories(elsewhere.parent_path(), ec);
    if (ec)
        throw OutputError(elsewhere.parent_path().string(), ec.message());
    fs::rename(staging_, elsewhere, ec);
    if (ec)
        throw OutputError(elsewhere.string(), ec.message());
    committed_ = true;
}

} // namespace spincim
