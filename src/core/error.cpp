#include "spincim/core/error.hpp"

#include <utility>

namespace spincim {

std::string SourceLocation::str() const {
    // Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict, GCC PR 105329) on
    // `"literal" + std::string`.
    std::string s = file;
    if (line > 0) {
        s.append(s.empty() ? "line " : ":").append(std::to_string(line));
        if (column > 0)
            s.append(":").append(std::to_string(column));
    }
    if (!key.empty())
        s.append(s.empty() ? "" : ": ").append(key);
    return s;
}

namespace {
std::string compose(const std::string& detail, const SourceLocation& where) {
    return where.empty() ? detail : where.str().append(": ").append(detail);
}
} // namespace

InputError::InputError(std::string detail, SourceLocation where)
    : Error(compose(detail, where)), detail_(std::move(detail)), where_(std::move(where)) {}

OutputError::OutputError(const std::string& path, const std::string& cause)
    : Error(std::string("cannot write ").append(path).append(": ").append(cause)), path_(path) {}

} // namespace spincim
