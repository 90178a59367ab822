// The `expression` model: parsing through netlist::Expr, the numeric evaluator's semantics
// (ngspice 39, measured: see src/calib/expression_program.hpp) and what a fit formula refuses.

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/calib/expression.hpp"
#include "spincim/core/error.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using spincim::InputError;
using spincim::calib::expression::Model;

namespace {

double eval(const char* formula, double x = 0.0) {
    const Model m(formula, {"x"}, {"p"});
    const double in[] = {x};
    const double par[] = {1.0};
    return m.evaluate(in, par);
}

} // namespace

TEST_CASE("expression evaluates arithmetic with ngspice precedence") {
    // p = 1 is multiplied in so that every formula uses its parameter.
    CHECK_THAT(eval("p*(1 + 2*3 - 4/8)"), WithinRel(6.5, 1e-15));
    CHECK_THAT(eval("p*-2^2"), WithinRel(-4.0, 1e-15));   // unary minus binds weaker than ^
    CHECK_THAT(eval("p*2^3^2"), WithinRel(512.0, 1e-15)); // right-associative
    CHECK_THAT(eval("p*(x > 1 ? 10 : 20)", 2.0), WithinRel(10.0, 1e-15));
    CHECK_THAT(eval("p*(x > 1 ? 10 : 20)", 0.5), WithinRel(20.0, 1e-15));
    CHECK_THAT(eval("p*((x >= 1) && !(x == 3) || 0)", 1.0), WithinRel(1.0, 1e-15));
    CHECK_THAT(eval("p*min(x, 2) + max(x, 2)", 5.0), WithinRel(7.0, 1e-15));
    CHECK_THAT(eval("p*1.5n*2k"), WithinRel(3e-6, 1e-14)); // engineering suffixes
}

TEST_CASE("expression functions follow ngspice 39 where it differs from C") {
    // Measured with `ngspice -b` (39.3): pow(-2,3) = (-2)^3 = 8, pwr(-2,3) = -8, log(100) =
    // 4.60517, nint(2.5) = 2, u(0) = 0.5.
    CHECK_THAT(eval("p*pow(-2, 3)"), WithinRel(8.0, 1e-15));
    CHECK_THAT(eval("p*(-2)^3"), WithinRel(8.0, 1e-15));
    CHECK_THAT(eval("p*pwr(-2, 3)"), WithinRel(-8.0, 1e-15));
    CHECK_THAT(eval("p*log(100)"), WithinRel(std::log(100.0), 1e-15));
    CHECK_THAT(eval("p*log10(100)"), WithinRel(2.0, 1e-15));
    CHECK_THAT(eval("p*nint(2.5)"), WithinRel(2.0, 1e-15));
    CHECK_THAT(eval("p*u(0)"), WithinRel(0.5, 1e-15));
    CHECK_THAT(eval("p*u(x)", -1.0), WithinAbs(0.0, 0.0));
    CHECK_THAT(eval("p*uramp(x)", 3.0), WithinRel(3.0, 1e-15));
    CHECK_THAT(eval("p*sgn(x)", -3.0), WithinRel(-1.0, 1e-15));
    CHECK_THAT(eval("p*asinh(x)", 0.7), WithinRel(std::asinh(0.7), 1e-14));
    CHECK_THAT(eval("p*acosh(x)", 1.7), WithinRel(std::acosh(1.7), 1e-14));
    CHECK_THAT(eval("p*atanh(x)", 0.3), WithinRel(std::atanh(0.3), 1e-14));
    CHECK_THAT(eval("p*tanh(x) + exp(x) + sqrt(x)", 0.3),
               WithinRel(std::tanh(0.3) + std::exp(0.3) + std::sqrt(0.3), 1e-14));
}

TEST_CASE("expression names are case-insensitive and the canonical text is kept") {
    const Model m("A*EXP(-X/Tau)", {"x"}, {"a", "tau"});
    const double in[] = {1.0};
    const double par[] = {2.0, 0.5};
    CHECK_THAT(m.evaluate(in, par), WithinRel(2.0 * std::exp(-2.0), 1e-15));
    CHECK_THAT(m.formula(), Contains("exp"));
}

TEST_CASE("expression refuses circuit probes and simulator variables") {
    CHECK_THROWS_WITH(Model("p*V(a)", {"x"}, {"p"}), Contains("node or current"));
    CHECK_THROWS_WITH(Model("p*I(vdd)", {"x"}, {"p"}), Contains("node or current"));
    CHECK_THROWS_WITH(Model("p*time", {"x"}, {"p"}), Contains("simulator variable"));
}

TEST_CASE("expression refuses unknown names, unused parameters and bad declarations") {
    CHECK_THROWS_WITH(Model("p*x + q", {"x"}, {"p"}),
                      Contains("'q' is neither an input (x) nor a parameter (p)"));
    CHECK_THROWS_WITH(Model("p*x", {"x"}, {"p", "c"}), Contains("parameter 'c' does not appear"));
    CHECK_THROWS_WITH(Model("p*x", {"x"}, {"X"}), Contains("declared twice"));
    CHECK_THROWS_AS(Model("p*x", {"x"}, {"exp"}), InputError);         // a function name
    CHECK_THROWS_AS(Model("p*x; .control", {"x"}, {"p"}), InputError); // the strict tokenizer
    CHECK_THROWS_AS(Model("p*", {"x"}, {"p"}), InputError);
    CHECK_THROWS_AS(Model("x", {"x"}, {}), InputError);
}

TEST_CASE("expression evaluate checks its argument counts") {
    const Model m("p*x", {"x"}, {"p"});
    const double two[] = {1.0, 2.0};
    CHECK_THROWS_AS(m.evaluate(two, two), InputError);
}
