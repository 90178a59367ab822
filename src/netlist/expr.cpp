#include "spincim/netlist/expr.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

namespace spincim::netlist {

// The printer and the collectors walk child expressions; Expr exposes its tree to this file only.
struct ImplAccess {
    static const Expr::Impl& of(const Expr& e);
};

struct Expr::Impl {
    Kind kind = Kind::number;
    double number = 0.0;
    std::string name; // parameter, voltage source, variable, function or operator
    std::vector<Node> nodes;
    std::vector<Expr> args;
};

namespace {

constexpr std::size_t kMaxExpressionLength = 1000;
constexpr int kMaxDepth = 200;

// Binding strength used by the printer; the parser implements the same table (ngspice manual
// 2.8.5: ternary < || < && < == != < relational < + - < * / < unary < ^).
constexpr int kPrecTernary = 1;
constexpr int kPrecUnary = 8;
constexpr int kPrecPower = 9;
constexpr int kPrecAtom = 10;

int binary_precedence(std::string_view op) {
    if (op == "^")
        return kPrecPower;
    return infix_precedence(op);
}

std::shared_ptr<Expr::Impl> make(Expr::Kind kind) {
    auto impl = std::make_shared<Expr::Impl>();
    impl->kind = kind;
    return impl;
}

void check_node(const Node& node, std::string_view where) {
    if (auto why = node.problem(); !why.empty())
        throw InputError(std::string(where) + " node " + quote(node.name()) + ": " + why);
}

const Expr::Function* find_function(std::string_view name) {
    for (const auto& f : Expr::functions())
        if (iequals(f.name, name))
            return &f;
    return nullptr;
}

std::string function_list() {
    std::string out;
    for (const auto& f : Expr::functions())
        out += (out.empty() ? "" : " ") + std::string(f.name);
    return out;
}

} // namespace

const std::vector<Expr::Function>& Expr::functions() {
    static const std::vector<Function> kFunctions{
        {"abs", 1, false},   {"acos", 1, false}, {"acosh", 1, false}, {"asin", 1, false},
        {"asinh", 1, false}, {"atan", 1, false}, {"atanh", 1, false}, {"ceil", 1, false},
        {"cos", 1, false},   {"cosh", 1, false}, {"exp", 1, false},   {"floor", 1, false},
        {"ln", 1, false},    {"log", 1, false},  {"log10", 1, false}, {"nint", 1, false},
        {"sgn", 1, false},   {"sin", 1, false},  {"sinh", 1, false},  {"sqrt", 1, false},
        {"tan", 1, false},   {"tanh", 1, false}, {"u", 1, true},      {"uramp", 1, true},
        {"min", 2, false},   {"max", 2, false},  {"pow", 2, false},   {"pwr", 2, false}};
    return kFunctions;
}

void check_param_name(std::string_view name, std::string_view what) {
    check_identifier(name, what);
    if (iequals(name, "v") || iequals(name, "i") || find_function(name))
        throw InputError(std::string(what) + " " + quote(name) +
                         ": is the name of a function in expressions; choose another name");
}

Expr::Expr(double value) {
    if (!std::isfinite(value))
        throw InputError("expression: a number must be finite");
    auto impl = make(Kind::number);
    impl->number = value == 0.0 ? 0.0 : value; // folds -0
    impl_ = std::move(impl);
}

Expr Expr::param(std::string name) {
    check_param_name(name, "expression parameter");
    auto impl = make(Kind::param);
    impl->name = std::move(name);
    return Expr(std::move(impl));
}

Expr Expr::v(Node node) {
    check_node(node, "expression V()");
    if (node.is_ground())
        return Expr(0.0);
    auto impl = make(Kind::voltage);
    impl->nodes.push_back(std::move(node));
    return Expr(std::move(impl));
}

Expr Expr::v(Node pos, Node neg) {
    check_node(pos, "expression V()");
    check_node(neg, "expression V()");
    if (neg.is_ground())
        return v(std::move(pos));
    auto impl = make(Kind::voltage);
    impl->nodes.push_back(std::move(pos));
    impl->nodes.push_back(std::move(neg));
    return Expr(std::move(impl));
}

Expr Expr::i(std::string vsource) {
    check_identifier(vsource, "expression I() voltage source");
    auto impl = make(Kind::current);
    impl->name = std::move(vsource);
    return Expr(std::move(impl));
}

Expr Expr::time() {
    auto impl = make(Kind::variable);
    impl->name = "time";
    return Expr(std::move(impl));
}

Expr Expr::temper() {
    auto impl = make(Kind::variable);
    impl->name = "temper";
    return Expr(std::move(impl));
}

Expr Expr::hertz() {
    auto impl = make(Kind::variable);
    impl->name = "hertz";
    return Expr(std::move(impl));
}

Expr Expr::call(std::string_view function, std::vector<Expr> args) {
    const Function* f = find_function(function);
    if (!f)
        throw InputError("expression: unknown function " + quote(function) +
                         " (allowed: " + function_list() + ")");
    if (static_cast<int>(args.size()) != f->arity)
        throw InputError("expression: function '" + std::string(f->name) + "' takes " +
                         std::to_string(f->arity) + " argument" + (f->arity == 1 ? "" : "s") +
                         ", not " + std::to_string(args.size()));
    auto impl = make(Kind::call);
    impl->name = std::string(f->name);
    impl->args = std::move(args);
    return Expr(std::move(impl));
}

Expr Expr::select(Expr cond, Expr then, Expr otherwise) {
    auto impl = make(Kind::ternary);
    impl->args = {std::move(cond), std::move(then), std::move(otherwise)};
    return Expr(std::move(impl));
}

Expr make_unary(std::string op, Expr a) {
    auto impl = make(Expr::Kind::unary);
    impl->name = std::move(op);
    impl->args = {std::move(a)};
    return Expr(std::move(impl));
}

Expr make_binary(std::string op, Expr a, Expr b) {
    auto impl = make(Expr::Kind::binary);
    impl->name = std::move(op);
    impl->args = {std::move(a), std::move(b)};
    return Expr(std::move(impl));
}

Expr operator+(Expr a, Expr b) {
    return make_binary("+", std::move(a), std::move(b));
}
Expr operator-(Expr a, Expr b) {
    return make_binary("-", std::move(a), std::move(b));
}
Expr operator*(Expr a, Expr b) {
    return make_binary("*", std::move(a), std::move(b));
}
Expr operator/(Expr a, Expr b) {
    return make_binary("/", std::move(a), std::move(b));
}
Expr operator-(Expr a) {
    if (a.is_number())
        return Expr(-a.number_value());
    return make_unary("-", std::move(a));
}
Expr pow(Expr base, Expr exponent) {
    return make_binary("^", std::move(base), std::move(exponent));
}
Expr lt(Expr a, Expr b) {
    return make_binary("<", std::move(a), std::move(b));
}
Expr le(Expr a, Expr b) {
    return make_binary("<=", std::move(a), std::move(b));
}
Expr gt(Expr a, Expr b) {
    return make_binary(">", std::move(a), std::move(b));
}
Expr ge(Expr a, Expr b) {
    return make_binary(">=", std::move(a), std::move(b));
}
Expr eq(Expr a, Expr b) {
    return make_binary("==", std::move(a), std::move(b));
}
Expr ne(Expr a, Expr b) {
    return make_binary("!=", std::move(a), std::move(b));
}
Expr logical_and(Expr a, Expr b) {
    return make_binary("&&", std::move(a), std::move(b));
}
Expr logical_or(Expr a, Expr b) {
    return make_binary("||", std::move(a), std::move(b));
}
Expr logical_not(Expr a) {
    return make_unary("!", std::move(a));
}
Expr exp(Expr x) {
    return Expr::call("exp", {std::move(x)});
}
Expr ln(Expr x) {
    return Expr::call("ln", {std::move(x)});
}
Expr sqrt(Expr x) {
    return Expr::call("sqrt", {std::move(x)});
}
Expr abs(Expr x) {
    return Expr::call("abs", {std::move(x)});
}
Expr tanh(Expr x) {
    return Expr::call("tanh", {std::move(x)});
}
Expr min(Expr a, Expr b) {
    return Expr::call("min", {std::move(a), std::move(b)});
}
Expr max(Expr a, Expr b) {
    return Expr::call("max", {std::move(a), std::move(b)});
}

Expr::Kind Expr::kind() const {
    return impl_->kind;
}

double Expr::number_value() const {
    if (impl_->kind != Kind::number)
        throw Error("Expr::number_value called on an expression that is not a number");
    return impl_->number;
}

bool Expr::is_constant() const {
    switch (impl_->kind) {
    case Kind::voltage:
    case Kind::current:
    case Kind::variable:
        return false;
    case Kind::call:
        if (find_function(impl_->name)->bsource_only)
            return false;
        break;
    default:
        break;
    }
    return std::all_of(impl_->args.begin(), impl_->args.end(),
                       [](const Expr& a) { return a.is_constant(); });
}

namespace {

void collect(const Expr::Impl& impl, std::vector<std::string>* params, std::vector<Node>* nodes,
             std::vector<std::string>* currents) {
    if (impl.kind == Expr::Kind::param && params)
        params->push_back(to_lower(impl.name));
    if (impl.kind == Expr::Kind::voltage && nodes)
        nodes->insert(nodes->end(), impl.nodes.begin(), impl.nodes.end());
    if (impl.kind == Expr::Kind::current && currents)
        currents->push_back(impl.name);
    for (const auto& a : impl.args)
        collect(ImplAccess::of(a), params, nodes, currents);
}

} // namespace

std::vector<std::string> Expr::params() const {
    std::vector<std::string> out;
    collect(*impl_, &out, nullptr, nullptr);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<Node> Expr::nodes() const {
    std::vector<Node> out;
    collect(*impl_, nullptr, &out, nullptr);
    return out;
}

std::vector<std::string> Expr::currents() const {
    std::vector<std::string> out;
    collect(*impl_, nullptr, nullptr, &out);
    return out;
}

namespace {

// ---- printing -------------------------------------------------------------------------------

class Printer {
public:
    Expr::Tokens out;

    void emit(std::string text) {
        const bool breakable = !out.text.empty() && is_break_after(out.text.back());
        out.text.push_back(std::move(text));
        out.breakable.push_back(breakable);
    }

    void print(const Expr::Impl& impl);
    void child(const Expr::Impl& impl, int parent_prec, bool right, bool always_group);

    static int precedence(const Expr::Impl& impl) {
        switch (impl.kind) {
        case Expr::Kind::number:
            return impl.number < 0 ? kPrecUnary : kPrecAtom;
        case Expr::Kind::unary:
            return kPrecUnary;
        case Expr::Kind::binary:
            return binary_precedence(impl.name);
        case Expr::Kind::ternary:
            return kPrecTernary;
        default:
            return kPrecAtom;
        }
    }

private:
    // Lines are only broken after arithmetic or logic operators and commas: there ngspice's
    // continuation (which joins lines with a space) cannot change the meaning.
    static bool is_break_after(std::string_view t) {
        return t == "+" || t == "-" || t == "*" || t == "/" || t == "," || t == "&&" || t == "||";
    }
};

} // namespace

namespace {

void Printer::child(const Expr::Impl& impl, int parent_prec, bool right, bool always_group) {
    const int prec = precedence(impl);
    bool group = prec < parent_prec;
    if (prec == parent_prec) {
        // Left-associative + - * / && ||: only a right operand of equal precedence needs
        // parentheses. Comparisons are not associative in any useful sense: always group.
        const bool assoc =
            parent_prec == 2 || parent_prec == 3 || parent_prec == 6 || parent_prec == 7;
        group = right || !assoc;
    }
    // A sign inside an operation is always grouped: `a+(-1.5)`, `(-a)*b`, never `a--b`.
    if ((always_group && prec < kPrecAtom) || prec == kPrecUnary)
        group = true;
    if (group)
        emit("(");
    print(impl);
    if (group)
        emit(")");
}

void Printer::print(const Expr::Impl& impl) {
    switch (impl.kind) {
    case Expr::Kind::number:
        emit(units::to_spice(impl.number));
        return;
    case Expr::Kind::param:
    case Expr::Kind::variable:
        emit(impl.name);
        return;
    case Expr::Kind::voltage:
        emit("V");
        emit("(");
        emit(impl.nodes[0].name());
        if (impl.nodes.size() == 2) {
            emit(",");
            emit(impl.nodes[1].name());
        }
        emit(")");
        return;
    case Expr::Kind::current:
        emit("I");
        emit("(");
        emit("V" + impl.name);
        emit(")");
        return;
    case Expr::Kind::call:
        emit(impl.name);
        emit("(");
        for (std::size_t k = 0; k < impl.args.size(); ++k) {
            if (k > 0)
                emit(",");
            print(ImplAccess::of(impl.args[k]));
        }
        emit(")");
        return;
    case Expr::Kind::unary:
        emit(impl.name);
        // Group every operand that is not an atom: `-(a^b)`, `!(V(a)>1)`, `-(-1)`.
        child(ImplAccess::of(impl.args[0]), kPrecUnary, true, true);
        return;
    case Expr::Kind::binary: {
        const int prec = binary_precedence(impl.name);
        // Operands of `^` are grouped unless atoms, so `-2^2` can never be read two ways.
        const bool power = prec == kPrecPower;
        child(ImplAccess::of(impl.args[0]), prec, false, power);
        emit(impl.name);
        child(ImplAccess::of(impl.args[1]), prec, true, power);
        return;
    }
    case Expr::Kind::ternary:
        for (std::size_t k = 0; k < 3; ++k) {
            if (k == 1)
                emit("?");
            if (k == 2)
                emit(":");
            child(ImplAccess::of(impl.args[k]), kPrecTernary, true, true);
        }
        return;
    }
}

} // namespace

Expr::Tokens Expr::tokens() const {
    Printer p;
    p.print(*impl_);
    return p.out;
}

std::string Expr::str() const {
    std::string out;
    for (const auto& t : tokens().text)
        out += t;
    return out;
}

std::string Value::str() const {
    if (expr_.is_number())
        return units::to_spice(expr_.number_value());
    return "{" + expr_.str() + "}";
}

// ---- parsing --------------------------------------------------------------------------------

namespace {

struct Token {
    enum class Type { number, ident, op, end } type;
    std::string text;
    std::size_t pos; // 1-based column
    double value = 0.0;
};

bool is_ident_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) { tokenize(); }

    Expr parse_all() {
        Expr e = ternary();
        if (peek().type != Token::Type::end)
            fail("unexpected " + describe(peek()), peek().pos);
        return e;
    }

private:
    std::string_view text_;
    std::vector<Token> tokens_;
    std::size_t next_ = 0;
    int depth_ = 0;

    [[noreturn]] void fail(const std::string& why, std::size_t pos) const {
        throw InputError("expression " + quote(text_.substr(0, 80)) +
                         (text_.size() > 80 ? "..." : "") + ": " + why + " at position " +
                         std::to_string(pos));
    }

    static std::string describe(const Token& t) {
        return t.type == Token::Type::end ? std::string("end of expression") : quote(t.text);
    }

    void tokenize() {
        if (text_.size() > kMaxExpressionLength)
            throw InputError("expression is " + std::to_string(text_.size()) +
                             " characters long (at most " + std::to_string(kMaxExpressionLength) +
                             " allowed)");
        std::size_t i = 0;
        while (i < text_.size()) {
            const char c = text_[i];
            const std::size_t start = i;
            if (c == ' ' || c == '\t') {
                ++i;
                continue;
            }
            if (is_digit(c) || (c == '.' && i + 1 < text_.size() && is_digit(text_[i + 1]))) {
                while (i < text_.size() && is_digit(text_[i]))
                    ++i;
                if (i < text_.size() && text_[i] == '.')
                    ++i;
                while (i < text_.size() && is_digit(text_[i]))
                    ++i;
                if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
                    std::size_t j = i + 1;
                    if (j < text_.size() && (text_[j] == '+' || text_[j] == '-'))
                        ++j;
                    if (j < text_.size() && is_digit(text_[j])) {
                        i = j;
                        while (i < text_.size() && is_digit(text_[i]))
                            ++i;
                    }
                }
                // The suffix and anything glued to it (`1k5`, `10uF`) belong to the number, so
                // units::try_parse can explain what is wrong with it.
                while (i < text_.size() && (is_ident_start(text_[i]) || is_digit(text_[i])))
                    ++i;
                Token t{Token::Type::number, std::string(text_.substr(start, i - start)),
                        start + 1};
                std::string why;
                const auto v = units::try_parse(t.text, &why);
                if (!v)
                    fail(why, t.pos);
                t.value = *v;
                tokens_.push_back(std::move(t));
                continue;
            }
            if (is_ident_start(c)) {
                while (i < text_.size() && (is_ident_start(text_[i]) || is_digit(text_[i])))
                    ++i;
                tokens_.push_back(
                    {Token::Type::ident, std::string(text_.substr(start, i - start)), start + 1});
                continue;
            }
            static constexpr std::string_view kTwo[] = {"**", "<=", ">=", "==", "!=", "&&", "||"};
            bool matched = false;
            for (const auto op : kTwo)
                if (text_.substr(i, 2) == op) {
                    tokens_.push_back({Token::Type::op, std::string(op), start + 1});
                    i += 2;
                    matched = true;
                    break;
                }
            if (matched)
                continue;
            static constexpr std::string_view kOne = "+-*/^<>!?:(),";
            if (kOne.find(c) != std::string_view::npos) {
                tokens_.push_back({Token::Type::op, std::string(1, c), start + 1});
                ++i;
                continue;
            }
            fail(quote(text_.substr(i, 1)) + " is not allowed (only numbers, names, " +
                     "+ - * / ^ ** < <= > >= == != && || ! ? : ( ) , and spaces)",
                 start + 1);
        }
        tokens_.push_back({Token::Type::end, "", text_.size() + 1});
    }

    const Token& peek() const { return tokens_[next_]; }
    bool accept(std::string_view op) {
        if (peek().type == Token::Type::op && peek().text == op) {
            ++next_;
            return true;
        }
        return false;
    }
    void expect(std::string_view op) {
        if (!accept(op))
            fail("expected '" + std::string(op) + "' but found " + describe(peek()), peek().pos);
    }

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.depth_ > kMaxDepth)
                p.fail("nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)",
                       p.peek().pos);
        }
        ~DepthGuard() { --p.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;
    };

    Expr ternary() {
        DepthGuard guard(*this);
        Expr cond = binary(2);
        if (accept("?")) {
            Expr then = ternary();
            expect(":");
            Expr otherwise = ternary();
            return Expr::select(std::move(cond), std::move(then), std::move(otherwise));
        }
        return cond;
    }

    // Left-associative binary levels 2 (||) to 7 (* /).
    Expr binary(int level) {
        if (level > 7)
            return unary();
        Expr lhs = binary(level + 1);
        while (peek().type == Token::Type::op && binary_precedence(peek().text) == level) {
            const std::string op = peek().text;
            ++next_;
            Expr rhs = binary(level + 1);
            lhs = make_op(op, std::move(lhs), std::move(rhs));
        }
        return lhs;
    }

    static Expr make_op(const std::string& op, Expr a, Expr b) {
        if (op == "+")
            return std::move(a) + std::move(b);
        if (op == "-")
            return std::move(a) - std::move(b);
        if (op == "*")
            return std::move(a) * std::move(b);
        if (op == "/")
            return std::move(a) / std::move(b);
        if (op == "<")
            return lt(std::move(a), std::move(b));
        if (op == "<=")
            return le(std::move(a), std::move(b));
        if (op == ">")
            return gt(std::move(a), std::move(b));
        if (op == ">=")
            return ge(std::move(a), std::move(b));
        if (op == "==")
            return eq(std::move(a), std::move(b));
        if (op == "!=")
            return ne(std::move(a), std::move(b));
        if (op == "&&")
            return logical_and(std::move(a), std::move(b));
        return logical_or(std::move(a), std::move(b));
    }

    Expr unary() {
        DepthGuard guard(*this);
        if (accept("-"))
            return -unary();
        if (accept("+"))
            return unary();
        if (accept("!"))
            return logical_not(unary());
        return power();
    }

    // Power is right-associative and binds tighter than unary minus: -a^b = -(a^b), a^-b allowed.
    Expr power() {
        Expr base = atom();
        if (accept("^") || accept("**"))
            return pow(std::move(base), unary());
        return base;
    }

    Node node_arg() {
        const Token& t = peek();
        if (t.type == Token::Type::number && t.text == "0") {
            ++next_;
            return Node::ground();
        }
        if (t.type != Token::Type::ident)
            fail("expected a node name but found " + describe(t), t.pos);
        ++next_;
        Node n(t.text);
        if (auto why = n.problem(); !why.empty())
            fail("node " + quote(t.text) + ": " + why, t.pos);
        return n;
    }

    Expr atom() {
        const Token t = peek();
        if (t.type == Token::Type::number) {
            ++next_;
            return Expr(t.value);
        }
        if (t.type == Token::Type::op && t.text == "(") {
            ++next_;
            Expr e = ternary();
            expect(")");
            return e;
        }
        if (t.type != Token::Type::ident)
            fail("expected a number, a name or '(' but found " + describe(t), t.pos);
        ++next_;
        if (!accept("(")) {
            if (iequals(t.text, "time"))
                return Expr::time();
            if (iequals(t.text, "temper"))
                return Expr::temper();
            if (iequals(t.text, "hertz"))
                return Expr::hertz();
            if (auto why = identifier_problem(t.text); !why.empty())
                fail("parameter " + quote(t.text) + ": " + why, t.pos);
            return Expr::param(t.text);
        }
        if (iequals(t.text, "v")) {
            Node pos = node_arg();
            if (accept(",")) {
                Node neg = node_arg();
                expect(")");
                return Expr::v(std::move(pos), std::move(neg));
            }
            expect(")");
            return Expr::v(std::move(pos));
        }
        if (iequals(t.text, "i")) {
            const Token s = peek();
            if (s.type != Token::Type::ident)
                fail("expected a voltage source name but found " + describe(s), s.pos);
            if (auto why = identifier_problem(s.text); !why.empty())
                fail("voltage source " + quote(s.text) + ": " + why, s.pos);
            ++next_;
            expect(")");
            return Expr::i(s.text);
        }
        if (!find_function(t.text))
            fail("unknown function " + quote(t.text) + " (allowed: " + function_list() + ")",
                 t.pos);
        std::vector<Expr> args;
        if (!accept(")")) {
            do
                args.push_back(ternary());
            while (accept(","));
            expect(")");
        }
        try {
            return Expr::call(t.text, std::move(args));
        } catch (const InputError& e) {
            fail(e.detail().substr(std::string_view("expression: ").size()), t.pos);
        }
    }
};

} // namespace

const Expr::Impl& ImplAccess::of(const Expr& e) {
    return *e.impl_;
}

Expr Expr::parse(std::string_view text) {
    return Parser(text).parse_all();
}

int infix_precedence(std::string_view op) {
    if (op == "||")
        return 2;
    if (op == "&&")
        return 3;
    if (op == "==" || op == "!=")
        return 4;
    if (op == "<" || op == "<=" || op == ">" || op == ">=")
        return 5;
    if (op == "+" || op == "-")
        return 6;
    if (op == "*" || op == "/")
        return 7;
    return 0;
}

} // namespace spincim::netlist
