#include "spincim/netlist/identifier.hpp"

#include <array>
#include <cstdio>

#include "spincim/core/error.hpp"

namespace spincim::netlist {

namespace {

bool is_letter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Names ngspice's expression parser treats as built-in variables (ngspice manual, section 5.1
// "B source": `time`, `temper`, `hertz`); a node or parameter of that name would be shadowed.
constexpr std::array<std::string_view, 3> kReserved{"time", "temper", "hertz"};

std::string describe_char(unsigned char c) {
    char buf[16];
    if (c >= 0x21 && c < 0x7f)
        std::snprintf(buf, sizeof buf, "'%c'", c);
    else if (c == ' ')
        std::snprintf(buf, sizeof buf, "a space");
    else
        std::snprintf(buf, sizeof buf, "byte \\x%02x", c);
    return buf;
}

} // namespace

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

std::string identifier_problem(std::string_view text) {
    static constexpr std::string_view kRule =
        " (allowed: [A-Za-z_][A-Za-z0-9_]*, at most 64 chars)";
    if (text.empty())
        return "an empty name is not allowed" + std::string(kRule);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool ok = is_letter(c) || (i > 0 && is_digit(c));
        if (!ok)
            return describe_char(static_cast<unsigned char>(c)) + " at position " +
                   std::to_string(i + 1) + " is not allowed" +
                   (i == 0 && is_digit(c) ? " as the first character" : "") + std::string(kRule);
    }
    if (text.size() > kMaxIdentifierLength)
        return "the name is " + std::to_string(text.size()) + " characters long" +
               std::string(kRule);
    for (const auto r : kReserved)
        if (iequals(text, r))
            return "'" + std::string(r) +
                   "' is reserved by ngspice (a built-in variable in expressions)";
    return {};
}

void check_identifier(std::string_view text, std::string_view what) {
    if (auto why = identifier_problem(text); !why.empty())
        throw InputError(std::string(what) + " " + quote(text) + ": " + why);
}

std::string Node::problem() const {
    if (ground_)
        return {};
    if (name_ == "0" || iequals(name_, "gnd"))
        return quote(name_) + " means ground in SPICE; use Node::ground() for the ground node";
    return identifier_problem(name_);
}

} // namespace spincim::netlist
