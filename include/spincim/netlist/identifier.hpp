#pragma once
// Identifier and node-name rules of the netlist layer (ARCHITECTURE.md, "Conventions": no string
// from a user reaches a netlist without validation).
//
// SPICE reads a card as whitespace-separated words and gives special meaning to many characters
// (shared/NGSPICE.md, "Hazards"): `;` and `$` start comments, quotes and braces start expressions,
// `=`, `(` and `,` split words silently, a leading `.` makes a control card. The only names spincim
// writes therefore match `[A-Za-z_][A-Za-z0-9_]*` and are at most 64 characters long. SPICE names
// are case-insensitive (`R1` and `r1` are the same device), so uniqueness is checked on the
// lower-cased name.

#include <cstddef>
#include <string>
#include <string_view>

#include "spincim/core/text.hpp"

namespace spincim::netlist {

inline constexpr std::size_t kMaxIdentifierLength = 64;

// Why `text` is not a valid identifier (empty string when it is): wrong characters, too long, or
// one of the names ngspice reserves in expressions (`time`, `temper`, `hertz`).
[[nodiscard]] std::string identifier_problem(std::string_view text);

// Throws spincim::InputError("<what> '<text>': <reason>") when `text` is not a valid identifier.
void check_identifier(std::string_view text, std::string_view what);

using spincim::quote; // core/text.hpp: user text in messages, escaped

// ASCII lower case; SPICE compares names case-insensitively.
[[nodiscard]] std::string to_lower(std::string_view text);
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

// A circuit node. Any string converts to a Node (so elements can be written with brace
// initialisers); the name is validated when the element is added to a netlist or subcircuit,
// where the error can name the element and the terminal. Ground is only reachable through
// `Node::ground()`, which prints as `0`: a user-given "0" or "gnd" is rejected, because in SPICE
// both silently mean ground.
class Node {
public:
    Node(std::string name) : name_(std::move(name)) {}
    Node(const char* name) : name_(name) {}
    Node(std::string_view name) : name_(name) {}

    [[nodiscard]] static Node ground() { return Node(Ground{}); }

    [[nodiscard]] bool is_ground() const { return ground_; }
    // The name as written into the netlist (`0` for ground).
    [[nodiscard]] const std::string& name() const { return name_; }

    // Why this node may not be written into a netlist (empty string when it may).
    [[nodiscard]] std::string problem() const;

    friend bool operator==(const Node& a, const Node& b) {
        return a.ground_ == b.ground_ && (a.ground_ || iequals(a.name_, b.name_));
    }

private:
    struct Ground {};
    explicit Node(Ground) : name_("0"), ground_(true) {}

    std::string name_;
    bool ground_ = false;
};

} // namespace spincim::netlist
