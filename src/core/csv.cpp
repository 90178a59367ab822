#include "spincim/core/csv.hpp"

#include <charconv>

namespace spincim::csv {

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        out.push_back(line.substr(start, comma - start));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return out;
}

int column_of(const std::vector<std::string_view>& fields, std::size_t index) {
    std::size_t col = 1;
    for (std::size_t i = 0; i < index && i < fields.size(); ++i)
        col += fields[i].size() + 1;
    return static_cast<int>(col);
}

std::string number(double value) {
    // NaN is written without a sign whatever its bit pattern ("-nan" would be an artefact).
    if (value != value)
        return "nan";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

} // namespace spincim::csv
