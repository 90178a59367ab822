#pragma once
// Expressions for B-sources (`V=...`, `I=...`) and for parameter-dependent element values
// (`{...}`). This is the one place where formula text reaches a netlist, so an expression is a
// tree built in C++ (or parsed from text by a strict tokenizer into that tree) and the writer
// prints the tree: only numbers (units::to_spice), validated identifiers, an allow-list of
// functions, and the operators below can ever appear.
//
// Semantics are ngspice's (manual, section 5.1 "B source (ASRC)" and 2.8.5 "Syntax of
// expressions"): `^` is power, comparisons and `&&`, `||`, `!` give 1 or 0, `c ? a : b` is the
// ternary operator; `V(n)`, `V(n1,n2)`, `I(Vsrc)` and `time`, `temper`, `hertz` exist only in
// B-source expressions (they are not known when `{...}` values are evaluated at parse time).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/netlist/identifier.hpp"

namespace spincim::netlist {

// Throws spincim::InputError unless `name` can be a `.param` or subcircuit parameter: a valid
// identifier that is not an allowed function name nor `v`/`i` (which an expression would read as
// a call).
void check_param_name(std::string_view name, std::string_view what);

// Binding strength of the left-associative infix operators, as ngspice reads them (manual
// 2.8.5): || 2, && 3, == != 4, relational 5, + - 6, * / 7; 0 for anything else (`^` binds
// tighter than unary minus and is right-associative, so parsers treat it on its own).
[[nodiscard]] int infix_precedence(std::string_view op);

class Expr {
public:
    enum class Kind { number, param, voltage, current, variable, unary, binary, ternary, call };

    // A number; implicit so that `2.0 * x` works.
    Expr(double value);

    [[nodiscard]] static Expr number(double value) { return Expr(value); }
    // A `.param` or subcircuit parameter.
    [[nodiscard]] static Expr param(std::string name);
    // V(node) or V(pos, neg).
    [[nodiscard]] static Expr v(Node node);
    [[nodiscard]] static Expr v(Node pos, Node neg);
    // Current through the voltage source with spincim name `vsource` (written `I(V<name>)`).
    [[nodiscard]] static Expr i(std::string vsource);
    // ngspice's built-in variables.
    [[nodiscard]] static Expr time();
    [[nodiscard]] static Expr temper();
    [[nodiscard]] static Expr hertz();
    // A function from the allow-list (see `functions()`), checked for arity.
    [[nodiscard]] static Expr call(std::string_view function, std::vector<Expr> args);
    // cond ? then : otherwise.
    [[nodiscard]] static Expr select(Expr cond, Expr then, Expr otherwise);

    // Parses formula text with a strict tokenizer: numbers (engineering suffixes allowed, as in
    // units::parse), identifiers, `+ - * / ^ ** < <= > >= == != && || ! ? : ( ) ,` and spaces;
    // nothing else (no quotes, `;`, braces, newlines, `.`-words), at most 1000 characters.
    // Bare identifiers are parameters except `time`, `temper`, `hertz`; `V(a)`, `V(a,b)` read
    // node voltages (`0` is ground there); `I(name)` is the current through the voltage source
    // whose spincim name is `name`. Throws spincim::InputError naming the position.
    [[nodiscard]] static Expr parse(std::string_view text);

    // Allowed function names with their arity (ngspice manual 5.1). `u` and `uramp` exist only in
    // B-source expressions: numparam (`{...}` values) stops with a fatal error on them (measured,
    // ngspice 39), so expressions using them are not constant.
    struct Function {
        std::string_view name;
        int arity;
        bool bsource_only;
    };
    [[nodiscard]] static const std::vector<Function>& functions();

    [[nodiscard]] Kind kind() const;
    [[nodiscard]] bool is_number() const { return kind() == Kind::number; }
    [[nodiscard]] double number_value() const; // only for numbers
    // True if the expression can be evaluated when the netlist is read (no V, I, time, temper,
    // hertz): the condition for using it as an element value `{...}`.
    [[nodiscard]] bool is_constant() const;
    // Every parameter name referenced (lower case, sorted, unique).
    [[nodiscard]] std::vector<std::string> params() const;
    // Every node referenced through V(...) (ground excluded).
    [[nodiscard]] std::vector<Node> nodes() const;
    // Every voltage source referenced through I(...).
    [[nodiscard]] std::vector<std::string> currents() const;

    // The ngspice text, without spaces, e.g. `V(a)*2+(-1)`.
    [[nodiscard]] std::string str() const;
    // The same text as tokens; a line may be broken (continuation `+`) before token k if
    // `breakable[k]` (after an operator or a comma, where ngspice accepts a space).
    struct Tokens {
        std::vector<std::string> text;
        std::vector<bool> breakable;
    };
    [[nodiscard]] Tokens tokens() const;

    struct Impl;

private:
    explicit Expr(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;

    friend struct ImplAccess;
    friend Expr make_unary(std::string op, Expr a);
    friend Expr make_binary(std::string op, Expr a, Expr b);
};

Expr operator+(Expr a, Expr b);
Expr operator-(Expr a, Expr b);
Expr operator*(Expr a, Expr b);
Expr operator/(Expr a, Expr b);
Expr operator-(Expr a);

// Power, comparisons and logic (named functions, so that `==` keeps its C++ meaning).
Expr pow(Expr base, Expr exponent);
Expr lt(Expr a, Expr b);
Expr le(Expr a, Expr b);
Expr gt(Expr a, Expr b);
Expr ge(Expr a, Expr b);
Expr eq(Expr a, Expr b);
Expr ne(Expr a, Expr b);
Expr logical_and(Expr a, Expr b);
Expr logical_or(Expr a, Expr b);
Expr logical_not(Expr a);

// Common functions of the allow-list.
Expr exp(Expr x);
Expr ln(Expr x);
Expr sqrt(Expr x);
Expr abs(Expr x);
Expr tanh(Expr x);
Expr min(Expr a, Expr b);
Expr max(Expr a, Expr b);

// An element value: a number, or a constant expression of parameters written as `{...}`.
class Value {
public:
    Value(double value) : expr_(value) {}
    Value(int value) : expr_(static_cast<double>(value)) {}
    Value(Expr expr) : expr_(std::move(expr)) {}

    [[nodiscard]] static Value param(std::string name) {
        return Value(Expr::param(std::move(name)));
    }

    [[nodiscard]] bool is_number() const { return expr_.is_number(); }
    [[nodiscard]] double number() const { return expr_.number_value(); }
    [[nodiscard]] const Expr& expr() const { return expr_; }
    // `1e-09` for numbers, `{rp*2}` for expressions.
    [[nodiscard]] std::string str() const;

private:
    Expr expr_;
};

} // namespace spincim::netlist
