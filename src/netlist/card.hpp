#pragma once
// Internal to the netlist layer: one SPICE card (a line plus its `+` continuations) built from
// pieces, and the per-element checks and printers shared by Netlist and Subckt.

#include <string>
#include <vector>

#include "spincim/netlist/element.hpp"
#include "spincim/netlist/expr.hpp"

namespace spincim::netlist::detail {

class Card {
public:
    explicit Card(std::string first) { pieces_.push_back({std::move(first), false, false}); }

    // A whitespace-separated word.
    Card& word(std::string text) {
        pieces_.push_back({std::move(text), true, true});
        return *this;
    }
    // Text glued to the previous piece (no space, no line break before it).
    Card& glue(std::string text) {
        pieces_.push_back({std::move(text), false, false});
        return *this;
    }
    // An expression as one word `prefix tokens suffix`, breakable after its operators.
    Card& expr(const std::string& prefix, const Expr& e, const std::string& suffix,
               bool space_before = true);
    // A value as a word: a number, or `{expr}`.
    Card& value(const Value& v, bool space_before = true) {
        if (v.is_number())
            return space_before ? word(v.str()) : glue(v.str());
        return expr("{", v.expr(), "}", space_before);
    }
    // `key=value` as a word.
    Card& assign(const std::string& key, const Value& v) {
        word(key + "=");
        return value(v, false);
    }

    // The card as text lines of at most kMaxLineLength characters, each ending in '\n'.
    [[nodiscard]] std::string text() const;

private:
    struct Piece {
        std::string text;
        bool space_before;
        bool breakable; // a `+` continuation may start before this piece
    };
    std::vector<Piece> pieces_;
};

// Validates one element on its own (names, nodes, numbers).
// Throws spincim::InputError naming the element and the field.
void check_element(const Element& element);

// The card of a validated element.
[[nodiscard]] Card element_card(const Element& element);

// Every expression an element holds (values and B-source expressions), for parameter checks.
[[nodiscard]] std::vector<const Expr*> expressions_of(const Element& element);

} // namespace spincim::netlist::detail
