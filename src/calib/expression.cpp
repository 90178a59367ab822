#include "spincim/calib/expression.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "spincim/core/error.hpp"
#include "spincim/netlist/expr.hpp"

#include "data_check.hpp"
#include "expression_program.hpp"
#include "solver.hpp"

namespace spincim::calib::expression {

namespace {

constexpr const char* kName = "expression";

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct FunctionOp {
    std::string_view name;
    Op op;
};
// Every allow-listed function of netlist::Expr (u = the unit step).
constexpr FunctionOp kFunctions[] = {
    {"abs", Op::abs},     {"acos", Op::acos}, {"acosh", Op::acosh}, {"asin", Op::asin},
    {"asinh", Op::asinh}, {"atan", Op::atan}, {"atanh", Op::atanh}, {"ceil", Op::ceil},
    {"cos", Op::cos},     {"cosh", Op::cosh}, {"exp", Op::exp},     {"floor", Op::floor},
    {"ln", Op::ln},       {"log", Op::ln},    {"log10", Op::log10}, {"nint", Op::nint},
    {"sgn", Op::sgn},     {"sin", Op::sin},   {"sinh", Op::sinh},   {"sqrt", Op::sqrt},
    {"tan", Op::tan},     {"tanh", Op::tanh}, {"u", Op::step},      {"uramp", Op::uramp},
    {"min", Op::min},     {"max", Op::max},   {"pow", Op::pow},     {"pwr", Op::pwr}};

Op binary_op(std::string_view op) {
    if (op == "||")
        return Op::logical_or;
    if (op == "&&")
        return Op::logical_and;
    if (op == "==")
        return Op::eq;
    if (op == "!=")
        return Op::ne;
    if (op == "<")
        return Op::lt;
    if (op == "<=")
        return Op::le;
    if (op == ">")
        return Op::gt;
    if (op == ">=")
        return Op::ge;
    if (op == "+")
        return Op::add;
    if (op == "-")
        return Op::sub;
    if (op == "*")
        return Op::mul;
    return Op::div;
}

bool is_number(std::string_view t) {
    const std::size_t k = !t.empty() && t[0] == '-' ? 1 : 0;
    return t.size() > k && (std::isdigit(static_cast<unsigned char>(t[k])) || t[k] == '.');
}

// Recursive descent over the canonical token stream, emitting postfix code and tracking the
// operand-stack depth the program will need.
class Compiler {
public:
    Compiler(const std::vector<std::string>& tokens, const std::vector<std::string>& inputs,
             const std::vector<std::string>& params)
        : tok_(tokens), inputs_(inputs), params_(params) {}

    Program run() {
        ternary();
        if (pos_ != tok_.size())
            internal("unexpected token '" + tok_[pos_] + "'");
        return std::move(prog_);
    }

private:
    [[noreturn]] static void internal(const std::string& what) {
        throw Error("expression fit: internal error compiling the formula: " + what);
    }
    [[nodiscard]] std::string_view peek() const {
        return pos_ < tok_.size() ? std::string_view(tok_[pos_]) : std::string_view();
    }
    void expect(std::string_view t) {
        if (peek() != t)
            internal("expected '" + std::string(t) + "'");
        ++pos_;
    }
    void emit(Op op, std::uint32_t index, int stack_effect) {
        prog_.code.push_back({op, index});
        depth_ += stack_effect;
        if (depth_ > static_cast<int>(kMaxStack))
            throw InputError("expression fit: the formula nests too deeply (more than " +
                             std::to_string(kMaxStack) + " pending operands)");
    }

    void ternary() {
        binary(2);
        if (peek() != "?")
            return;
        ++pos_;
        ternary();
        expect(":");
        ternary();
        emit(Op::select, 0, -2);
    }
    void binary(int min_prec) {
        unary();
        for (;;) {
            const std::string_view op = peek();
            const int prec = netlist::infix_precedence(op);
            if (prec == 0 || prec < min_prec)
                return;
            ++pos_;
            binary(prec + 1); // left-associative
            emit(binary_op(op), 0, -1);
        }
    }
    void unary() {
        const std::string_view op = peek();
        if (op == "-" || op == "!" || op == "+") {
            ++pos_;
            unary();
            if (op == "-")
                emit(Op::neg, 0, 0);
            else if (op == "!")
                emit(Op::logical_not, 0, 0);
            return;
        }
        power();
    }
    void power() {
        primary();
        if (peek() == "^" || peek() == "**") {
            ++pos_;
            unary(); // right-associative, and a signed exponent is allowed
            emit(Op::pow, 0, -1);
        }
    }
    void primary() {
        const std::string_view t = peek();
        if (t.empty())
            internal("unexpected end of formula");
        ++pos_;
        if (t == "(") {
            ternary();
            expect(")");
            return;
        }
        if (is_number(t)) {
            double value = 0;
            const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
            if (ec != std::errc() || ptr != t.data() + t.size())
                internal("bad number '" + std::string(t) + "'");
            prog_.constants.push_back(value);
            emit(Op::constant, static_cast<std::uint32_t>(prog_.constants.size() - 1), 1);
            return;
        }
        const std::string name = lower(t);
        if (peek() == "(") {
            if (name == "v" || name == "i")
                throw InputError("expression fit: " + std::string(t) +
                                 "(...) reads a circuit node or current, which a fitted formula "
                                 "does not have; use a named input instead");
            const auto* f = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                                         [&](const FunctionOp& x) { return x.name == name; });
            if (f == std::end(kFunctions))
                internal("unknown function '" + name + "'");
            ++pos_;
            int args = 0;
            if (peek() != ")") {
                for (;;) {
                    ternary();
                    ++args;
                    if (peek() != ",")
                        break;
                    ++pos_;
                }
            }
            expect(")");
            emit(f->op, 0, 1 - args);
            return;
        }
        if (name == "time" || name == "temper" || name == "hertz")
            throw InputError("expression fit: '" + name +
                             "' is a simulator variable; declare it as an input instead");
        for (std::size_t k = 0; k < inputs_.size(); ++k)
            if (inputs_[k] == name) {
                emit(Op::input, static_cast<std::uint32_t>(k), 1);
                return;
            }
        for (std::size_t k = 0; k < params_.size(); ++k)
            if (params_[k] == name) {
                emit(Op::param, static_cast<std::uint32_t>(k), 1);
                return;
            }
        auto list = [](const std::vector<std::string>& v) {
            std::string s;
            for (const auto& x : v)
                s += (s.empty() ? "" : ", ") + x;
            return s.empty() ? std::string("none") : s;
        };
        throw InputError("expression fit: '" + std::string(t) + "' is neither an input (" +
                         list(inputs_) + ") nor a parameter (" + list(params_) + ")");
    }

    const std::vector<std::string>& tok_;
    const std::vector<std::string>& inputs_;
    const std::vector<std::string>& params_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    Program prog_;
};

struct Predict {
    const Program* program;
    const std::vector<double>* rows; // n × m row-major inputs
    std::size_t m;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        const std::size_t n = m == 0 ? 0 : rows->size() / m;
        for (std::size_t k = 0; k < n; ++k)
            prediction[k] = program->run(rows->data() + k * m, theta);
        return true;
    }
};

// A formula of parameters only: every point predicts the same value.
struct Constant {
    const Program* program;
    std::size_t n;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        for (std::size_t k = 0; k < n; ++k)
            prediction[k] = program->run(static_cast<const double*>(nullptr), theta);
        return true;
    }
};

} // namespace

Program compile(const std::vector<std::string>& tokens, const std::vector<std::string>& inputs,
                const std::vector<std::string>& params) {
    return Compiler(tokens, inputs, params).run();
}

Model::Model(std::string_view formula, std::vector<std::string> inputs,
             std::vector<std::string> parameters)
    : inputs_(std::move(inputs)), parameters_(std::move(parameters)) {
    std::vector<std::string> seen;
    auto declare = [&](const std::string& name, std::string_view what) {
        netlist::check_param_name(name, what);
        const std::string key = lower(name);
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
            throw InputError("expression fit: the name '" + name +
                             "' is declared twice (names are case-insensitive)");
        seen.push_back(key);
        return key;
    };
    std::vector<std::string> in_keys, par_keys;
    for (const auto& n : inputs_)
        in_keys.push_back(declare(n, "expression fit input"));
    for (const auto& n : parameters_)
        par_keys.push_back(declare(n, "expression fit parameter"));
    if (parameters_.empty())
        throw InputError("expression fit: declare at least one parameter");

    std::optional<netlist::Expr> expr;
    try {
        expr = netlist::Expr::parse(formula);
    } catch (const InputError& e) {
        throw InputError("expression fit: " + e.detail());
    }
    const auto used = expr->params(); // lower case, sorted
    for (std::size_t j = 0; j < parameters_.size(); ++j)
        if (!std::binary_search(used.begin(), used.end(), par_keys[j]))
            throw InputError("expression fit: parameter '" + parameters_[j] +
                             "' does not appear in the formula " + expr->str() +
                             ", so no data can determine it");
    formula_ = expr->str();
    program_ = std::make_shared<const Program>(compile(expr->tokens().text, in_keys, par_keys));
}

double Model::evaluate(std::span<const double> inputs, std::span<const double> parameters) const {
    if (inputs.size() != inputs_.size() || parameters.size() != parameters_.size())
        throw InputError("expression: " + formula_ + " takes " + std::to_string(inputs_.size()) +
                         " inputs and " + std::to_string(parameters_.size()) + " parameters, got " +
                         std::to_string(inputs.size()) + " and " +
                         std::to_string(parameters.size()));
    return program_->run(inputs.data(), parameters.data());
}

FitResult fit(const Model& model, const Data& data, const std::vector<Parameter>& parameters,
              const FitOptions& options) {
    std::vector<ParameterInfo> expected;
    for (const auto& p : model.parameters())
        expected.push_back({p, "", ""});
    detail::check_parameter_names(kName, parameters, expected);
    const std::size_t m = model.inputs().size();
    if (data.inputs.size() != m)
        throw InputError(std::string(kName) + " fit: " + std::to_string(data.inputs.size()) +
                         " input columns for the " + std::to_string(m) + " inputs of " +
                         model.formula());
    const std::size_t n = data.output.size();
    detail::check_finite(kName, "output", data.output);
    for (std::size_t i = 0; i < m; ++i) {
        const auto& name = model.inputs()[i];
        detail::check_length(kName, name, data.inputs[i].size(), n);
        detail::check_finite(kName, name, data.inputs[i]);
        detail::check_varies(kName, name, data.inputs[i]);
    }
    std::vector<double> rows(n * m);
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < m; ++i)
            rows[k * m + i] = data.inputs[i][k];
    detail::Fitter fitter(kName, parameters, data.output,
                          detail::weights_or_ones(kName, data.weight, n), options);
    if (m == 0) {
        fitter.add(Constant{&model.program(), n}, 0, n);
    } else {
        fitter.add(Predict{&model.program(), &rows, m}, 0, n);
    }
    auto result = fitter.solve();
    result.notes.push_back("formula: " + model.formula());
    return result;
}

} // namespace spincim::calib::expression
