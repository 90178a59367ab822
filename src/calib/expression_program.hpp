#pragma once
// A numeric evaluator for netlist::Expr, for fits. Expr keeps its tree private and offers its
// canonical token stream (Expr::tokens(): the exact text spincim would write into a netlist), so
// the evaluator compiles that token stream into a stack program (postfix code) with the grammar
// and precedence table of src/netlist/expr.cpp (ngspice manual 2.8.5: ternary < || < && <
// == != < relational < + - < * / < unary < ^). The program runs on doubles or on Ceres dual
// numbers, which gives the fitter exact derivatives of any user formula.
//
// Function semantics follow ngspice 39, measured with `ngspice -b` on B-sources and .param
// (not the C library where they differ): `x^y` and pow(x,y) are |x|^y; pwr(x,y) is
// sgn(x)·|x|^y; log(x) is the natural logarithm (log10 is base 10); nint rounds half to even;
// u(0) = 0.5. Comparisons and logic give 1 or 0 and have zero derivative; `c ? a : b` selects by
// the value of c (both branches are evaluated; the unused one may be NaN without harm).

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "solver.hpp"

namespace spincim::calib::expression {

// Deepest operand stack a compiled formula may need.
inline constexpr std::size_t kMaxStack = 64;

// Instructions, in groups that run() tests by range: push (constant, input, parameter); unary
// operators; binary operators add..logical_or; the ternary select; functions of one argument
// abs..uramp; functions of two arguments min, max, pwr.
enum class Op : std::uint8_t {
    constant,
    input,
    param,
    neg,
    logical_not,
    add,
    sub,
    mul,
    div,
    pow,
    lt,
    le,
    gt,
    ge,
    eq,
    ne,
    logical_and,
    logical_or,
    select,
    abs,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    ceil,
    cos,
    cosh,
    exp,
    floor,
    ln,
    log10,
    nint,
    sgn,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    step,
    uramp,
    min,
    max,
    pwr
};

struct Instruction {
    Op op;
    std::uint32_t index; // constant, input or parameter index (push instructions only)
};

namespace ops {

using detail::value_of;

inline double power(double a, double b) {
    return std::pow(std::fabs(a), b);
}
template <typename S, int N>
ceres::Jet<S, N> power(const ceres::Jet<S, N>& a, const ceres::Jet<S, N>& b) {
    // A constant exponent (the common x^2) avoids the log|a| term of d(a^b)/db, which is
    // −∞·0 = NaN at a = 0.
    if (b.v.isZero())
        return pow(abs(a), b.a);
    return pow(abs(a), b);
}

template <typename T>
T truth(bool b) {
    return T(b ? 1.0 : 0.0);
}

template <typename T>
T sign(const T& x) {
    const double v = value_of(x);
    return T(v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0);
}

} // namespace ops

struct Program {
    std::vector<Instruction> code;
    std::vector<double> constants;

    template <typename T>
    T run(const double* inputs, const T* params) const {
        using namespace ops;
        using std::abs, std::acos, std::asin, std::atan, std::ceil, std::cos, std::cosh, std::exp,
            std::floor, std::log, std::log10, std::sin, std::sinh, std::sqrt, std::tan, std::tanh;
        std::array<T, kMaxStack> st;
        std::size_t top = 0;
        for (const auto& ins : code) {
            if (ins.op == Op::constant) {
                st[top++] = T(constants[ins.index]);
                continue;
            }
            if (ins.op == Op::input) {
                st[top++] = T(inputs[ins.index]);
                continue;
            }
            if (ins.op == Op::param) {
                st[top++] = params[ins.index];
                continue;
            }
            if (ins.op == Op::select) {
                top -= 2;
                st[top - 1] = value_of(st[top - 1]) != 0 ? st[top] : st[top + 1];
                continue;
            }
            if (ins.op >= Op::add && ins.op <= Op::logical_or) {
                const T b = st[--top];
                T& a = st[top - 1];
                const double va = value_of(a), vb = value_of(b);
                switch (ins.op) {
                case Op::add:
                    a = a + b;
                    break;
                case Op::sub:
                    a = a - b;
                    break;
                case Op::mul:
                    a = a * b;
                    break;
                case Op::div:
                    a = a / b;
                    break;
                case Op::pow:
                    a = power(a, b);
                    break;
                case Op::lt:
                    a = truth<T>(va < vb);
                    break;
                case Op::le:
                    a = truth<T>(va <= vb);
                    break;
                case Op::gt:
                    a = truth<T>(va > vb);
                    break;
                case Op::ge:
                    a = truth<T>(va >= vb);
                    break;
                case Op::eq:
                    a = truth<T>(va == vb);
                    break;
                case Op::ne:
                    a = truth<T>(va != vb);
                    break;
                case Op::logical_and:
                    a = truth<T>(va != 0 && vb != 0);
                    break;
                case Op::logical_or:
                    a = truth<T>(va != 0 || vb != 0);
                    break;
                default:
                    break;
                }
                continue;
            }
            if (ins.op == Op::min || ins.op == Op::max || ins.op == Op::pwr) {
                const T b = st[--top];
                T& a = st[top - 1];
                if (ins.op == Op::min)
                    a = value_of(a) <= value_of(b) ? a : b;
                else if (ins.op == Op::max)
                    a = value_of(a) >= value_of(b) ? a : b;
                else
                    a = sign(a) * power(a, b);
                continue;
            }
            T& x = st[top - 1];
            const double v = value_of(x);
            switch (ins.op) {
            case Op::neg:
                x = -x;
                break;
            case Op::logical_not:
                x = truth<T>(v == 0);
                break;
            case Op::abs:
                x = abs(x);
                break;
            case Op::acos:
                x = acos(x);
                break;
            case Op::acosh:
                x = log(x + sqrt(x * x - 1.0));
                break;
            case Op::asin:
                x = asin(x);
                break;
            case Op::asinh:
                x = log(x + sqrt(x * x + 1.0));
                break;
            case Op::atan:
                x = atan(x);
                break;
            case Op::atanh:
                x = 0.5 * log((1.0 + x) / (1.0 - x));
                break;
            case Op::ceil:
                x = ceil(x);
                break;
            case Op::cos:
                x = cos(x);
                break;
            case Op::cosh:
                x = cosh(x);
                break;
            case Op::exp:
                x = exp(x);
                break;
            case Op::floor:
                x = floor(x);
                break;
            case Op::ln:
                x = log(x);
                break;
            case Op::log10:
                x = log10(x);
                break;
            case Op::nint:
                x = T(std::nearbyint(v));
                break;
            case Op::sgn:
                x = sign(x);
                break;
            case Op::sin:
                x = sin(x);
                break;
            case Op::sinh:
                x = sinh(x);
                break;
            case Op::sqrt:
                x = sqrt(x);
                break;
            case Op::tan:
                x = tan(x);
                break;
            case Op::tanh:
                x = tanh(x);
                break;
            case Op::step:
                x = T(v > 0 ? 1.0 : v < 0 ? 0.0 : 0.5);
                break;
            case Op::uramp:
                x = v > 0 ? x : T(0.0);
                break;
            default:
                break;
            }
        }
        return st[0];
    }
};

// Compiles the canonical tokens of a parsed Expr. `inputs` and `params` are the lower-case
// variable names; an identifier that is neither, a V()/I() probe or a simulator variable (time,
// temper, hertz) is an InputError naming it.
[[nodiscard]] Program compile(const std::vector<std::string>& tokens,
                              const std::vector<std::string>& inputs,
                              const std::vector<std::string>& params);

} // namespace spincim::calib::expression
