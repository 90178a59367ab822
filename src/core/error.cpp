#include "spincim/core/error.hpp"

#include <utility>

namespace spincim {

std::string SourceLocation::str() const {
    std::string s = file;
    if (line > 0) {
        s += (s.empty() ? "line " : ":") + std::to_string(line);
        if (column > 0)
            s += ":" + std::to_string(column);
    }
    if (!key.empty())
        s += (s.empty() ? "" : ": ") + key;
    return s;
}

namespace {
std::string compose(const std::string& detail, const SourceLocation& where) {
    return where.empty() ? detail : where.str() + ": " + detail;
}
} // namespace

InputError::InputError(std::string detail, SourceLocation where)
    : Error(compose(detail, where)), detail_(std::move(detail)), where_(std::move(where)) {}

} // namespace spincim
