// Bad input is an InputError (exit code 2) whose message names what is wrong: one TEST_CASE per
// kind of mistake, each tried on several models.

#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/calib/expression.hpp"
#include "spincim/calib/four_line_rv.hpp"
#include "spincim/calib/lif.hpp"
#include "spincim/calib/mtj_switching.hpp"
#include "spincim/calib/sigmoid.hpp"
#include "spincim/calib/tbs_delay.hpp"
#include "spincim/core/error.hpp"

using Catch::Matchers::Contains;
using spincim::InputError;
namespace calib = spincim::calib;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

calib::sigmoid::Data sigmoid_data() {
    calib::sigmoid::Data d;
    for (int k = 0; k < 20; ++k) {
        d.vin_v.push_back(0.05 * k);
        d.vout_v.push_back(std::tanh((0.05 * k - 0.5) / 0.1));
    }
    return d;
}

const calib::expression::Model& line() {
    static const calib::expression::Model m("p0 + p1*x", {"x"}, {"p0", "p1"});
    return m;
}

calib::expression::Data line_data() {
    return {{{0, 1, 2, 3}}, {1, 3, 5, 8}, {}};
}

} // namespace

TEST_CASE("NaN data are refused naming the column and the point") {
    auto s = sigmoid_data();
    s.vout_v[4] = kNaN;
    CHECK_THROWS_WITH(calib::sigmoid::fit(s), Contains("'vout_v' at point 5 is nan"));

    auto e = line_data();
    e.inputs[0][2] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(calib::expression::fit(line(), e, {{"p0", "", 0}, {"p1", "", 1}}),
                      Contains("'x' at point 3 is inf"));

    calib::tbs_delay::Data t{{0.1, 0.2, kNaN}, {1e-9, 2e-9, 3e-9}, {}};
    CHECK_THROWS_AS(calib::tbs_delay::fit(t, {}), InputError);

    calib::four_line_rv::Data r{{0.1, 0.2, 0.3, 0.4}, {300, kNaN, 300, 300}, {}, {}};
    CHECK_THROWS_WITH(calib::four_line_rv::fit(r), Contains("'resistance_ohm' at point 2"));

    calib::mtj_switching::Data m{{1e-4, 2e-4, 3e-4}, {1e-6, kNaN, 1e-9}, {}};
    CHECK_THROWS_AS(calib::mtj_switching::fit(m, {1e-10}), InputError);

    auto w = line_data();
    w.weight = {1, 1, kNaN, 1};
    CHECK_THROWS_WITH(calib::expression::fit(line(), w, {{"p0", "", 0}, {"p1", "", 1}}),
                      Contains("'weight' at point 3"));
}

TEST_CASE("fewer points than parameters is refused") {
    calib::expression::Data e{{{0, 1}}, {1, 3}, {}};
    const calib::expression::Model quad("p0 + p1*x + p2*x^2", {"x"}, {"p0", "p1", "p2"});
    CHECK_THROWS_WITH(
        calib::expression::fit(quad, e, {{"p0", "", 0}, {"p1", "", 1}, {"p2", "", 1}}),
        Contains("2 data points cannot determine 3 free parameters"));

    calib::sigmoid::Data s{{0.0, 0.5, 1.0}, {-1, 0, 1}, {}};
    CHECK_THROWS_WITH(calib::sigmoid::fit(s), Contains("cannot determine 4 free parameters"));

    calib::mtj_switching::Data m{{1e-4, 2e-4}, {1e-6, 1e-9}, {}};
    CHECK_THROWS_AS(calib::mtj_switching::fit(m, {1e-10}), InputError);

    calib::lif::Data l{{0, 1e-3, 2e-3}, {1e-9, 1e-9, 1e-9}, {0, 0.1, 0.2}, {}, 0.0, 0.0};
    CHECK_THROWS_WITH(calib::lif::fit(l), Contains("cannot determine 3 free parameters"));
}

TEST_CASE("all-equal inputs are refused") {
    calib::sigmoid::Data s{{0.3, 0.3, 0.3, 0.3, 0.3}, {0, 1, 2, 3, 4}, {}};
    CHECK_THROWS_WITH(calib::sigmoid::fit(s), Contains("all 5 values of 'vin_v' are equal (0.3)"));

    calib::tbs_delay::Data t{{0.4, 0.4, 0.4}, {1e-9, 2e-9, 3e-9}, {}};
    CHECK_THROWS_WITH(calib::tbs_delay::fit(t, {}), Contains("'voltage_v' are equal"));

    calib::mtj_switching::Data m{{2e-4, 2e-4, 2e-4, 2e-4}, {1e-6, 2e-6, 3e-6, 4e-6}, {}};
    CHECK_THROWS_WITH(calib::mtj_switching::fit(m, {1e-10}), Contains("'current_a' are equal"));

    calib::four_line_rv::Data r{{0.1, 0.1, 0.1, 0.1}, {300, 310, 300, 305}, {}, {}};
    CHECK_THROWS_WITH(calib::four_line_rv::fit(r), Contains("'voltage_v' are equal"));

    calib::expression::Data e{{{2, 2, 2, 2}}, {1, 3, 5, 8}, {}};
    CHECK_THROWS_WITH(calib::expression::fit(line(), e, {{"p0", "", 0}, {"p1", "", 1}}),
                      Contains("'x' are equal"));
}

TEST_CASE("a lower bound above the upper bound is refused") {
    CHECK_THROWS_WITH(
        calib::expression::fit(line(), line_data(), {{"p0", "", 0}, {"p1", "", 1, 3.0, 2.0}}),
        Contains("parameter 'p1': lower bound 3 is above upper bound 2"));
    auto p = calib::sigmoid::initial_parameters(sigmoid_data());
    p[calib::sigmoid::kS].lower = 1.0;
    p[calib::sigmoid::kS].upper = 0.5;
    CHECK_THROWS_WITH(calib::sigmoid::fit(sigmoid_data(), p),
                      Contains("parameter 's': lower bound 1 is above upper bound 0.5"));
}

TEST_CASE("a start value outside its bounds is refused") {
    CHECK_THROWS_WITH(
        calib::expression::fit(line(), line_data(), {{"p0", "", 5.0, 0.0, 1.0}, {"p1", "", 1}}),
        Contains("parameter 'p0': start value 5 is outside its bounds [0, 1]"));
    CHECK_THROWS_WITH(
        calib::expression::fit(line(), line_data(), {{"p0", "", kNaN}, {"p1", "", 1}}),
        Contains("parameter 'p0': start value nan is not finite"));
}

TEST_CASE("parameter lists that do not match the model are refused") {
    CHECK_THROWS_WITH(calib::expression::fit(line(), line_data(), {{"p1", "", 0}, {"p0", "", 1}}),
                      Contains("expected the parameters (p0, p1) in this order"));
    CHECK_THROWS_AS(calib::sigmoid::fit(sigmoid_data(), {{"A", "V", 1.0}}), InputError);
}

TEST_CASE("mismatched column lengths and non-physical data are refused") {
    calib::sigmoid::Data s{{0.0, 0.5, 1.0, 1.5, 2.0}, {0, 1, 2}, {}};
    CHECK_THROWS_WITH(calib::sigmoid::fit(s), Contains("'vout_v' has 3 values for 5 data points"));
    calib::mtj_switching::Data m{{1e-4, 2e-4, -3e-4}, {1e-6, 2e-6, 3e-6}, {}};
    CHECK_THROWS_WITH(calib::mtj_switching::fit(m, {1e-10}), Contains("must be > 0"));
    calib::mtj_switching::Data ok{{1e-4, 2e-4, 3e-4}, {1e-6, 2e-6, 3e-6}, {}};
    CHECK_THROWS_WITH(calib::mtj_switching::fit(ok, {0.0}), Contains("tau_d_s"));
    calib::lif::Data l{{0, 2e-3, 1e-3, 3e-3}, {1, 1, 1, 1}, {0, 0.1, 0.2, 0.3}, {}, 0.0, 0.0};
    CHECK_THROWS_WITH(calib::lif::fit(l), Contains("'time_s' must increase strictly"));
    auto w = line_data();
    w.weight = {1, 1, 0, 1};
    CHECK_THROWS_WITH(calib::expression::fit(line(), w, {{"p0", "", 0}, {"p1", "", 1}}),
                      Contains("must be > 0"));
}

TEST_CASE("start values at which the model is not finite are refused") {
    const calib::expression::Model m("a*ln(x - b)", {"x"}, {"a", "b"});
    calib::expression::Data d{{{1, 2, 3, 4}}, {0, 1, 2, 3}, {}};
    CHECK_THROWS_WITH(calib::expression::fit(m, d, {{"a", "", 1}, {"b", "", 5}}),
                      Contains("not finite at point 1 with the start values (a = 1, b = 5)"));
}
