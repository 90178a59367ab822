// Parameters the data cannot determine are named in a warning and get an infinite σ, never a
// made-up finite number; a fit that runs out of iterations is a status, not an exception.

#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/calib/expression.hpp"
#include "spincim/calib/four_line_rv.hpp"
#include "spincim/calib/mtj_switching.hpp"
#include "spincim/calib/sigmoid.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/models/mtj.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
namespace calib = spincim::calib;

namespace {

bool names(const std::vector<std::string>& list, const std::string& name) {
    for (const auto& s : list)
        if (s == name)
            return true;
    return false;
}

std::string all_warnings(const calib::FitResult& r) {
    std::string out;
    for (const auto& w : r.warnings)
        out += w + "\n";
    return out;
}

} // namespace

TEST_CASE("y = a*b*x: a and b are named as unidentifiable, with infinite sigma") {
    const calib::expression::Model model("a*b*x + c", {"x"}, {"a", "b", "c"});
    calib::expression::Data d;
    d.inputs.resize(1);
    spincim::RandomStream rng(14, 0, "a*b*x");
    for (int k = 0; k < 20; ++k) {
        d.inputs[0].push_back(k);
        d.output.push_back(6.0 * k + 1.0 + rng.normal(0.0, 0.1));
    }
    const auto r =
        calib::expression::fit(model, d, {{"a", "", 2.0}, {"b", "", 2.0}, {"c", "", 0.0}});
    INFO(r.table());
    CHECK(r.converged());
    CHECK(names(r.unidentified, "a"));
    CHECK(names(r.unidentified, "b"));
    CHECK_FALSE(names(r.unidentified, "c"));
    CHECK(std::isinf(r.std_error("a")));
    CHECK(std::isinf(r.std_error("b")));
    CHECK(std::isnan(r.correlation_of("a", "c")));
    // c is still estimable: the intercept does not depend on how a*b is split.
    CHECK(std::isfinite(r.std_error("c")));
    CHECK_THAT(r.value("a") * r.value("b"), WithinRel(6.0, 0.01));
    CHECK_THAT(all_warnings(r), Contains("'a' and 'b' cannot be identified"));
}

TEST_CASE("nearly dependent parameters are named as poorly identified, sigma stays finite") {
    // On x in [0, 0.02], sin(x) = x − x³/6 + …: the columns x and sin(x) differ by ~1e-4 of
    // their size, so the scaled Jacobian has a singular value ratio of ~1e-6.
    const calib::expression::Model model("a*x + b*sin(x)", {"x"}, {"a", "b"});
    calib::expression::Data d;
    d.inputs.resize(1);
    spincim::RandomStream rng(14, 0, "sin");
    for (int k = 0; k < 20; ++k) {
        const double x = 0.001 * k;
        d.inputs[0].push_back(x);
        d.output.push_back(2.0 * x + std::sin(x) + rng.normal(0.0, 1e-6));
    }
    const auto r = calib::expression::fit(model, d, {{"a", "", 1.0}, {"b", "", 1.0}});
    INFO(r.table());
    CHECK(r.unidentified.empty());
    CHECK_THAT(all_warnings(r), Contains("'a' and 'b' are poorly identified"));
    CHECK(std::isfinite(r.std_error("a")));
    CHECK(r.correlation_of("a", "b") < -0.999);
}

TEST_CASE("mtj_switching with thermal data only cannot separate Ic0, tau0 and Delta") {
    // Below Ic0, ln t = ln tau0 + Delta − (Delta/Ic0)·I: two numbers for three parameters.
    const auto dev = spincim::models::stt_bnn_table1();
    const auto dir = spincim::models::SwitchDirection::to_parallel;
    const double ic0 = spincim::models::critical_current(dev, dir);
    calib::mtj_switching::Data d;
    spincim::RandomStream rng(14, 0, "thermal only");
    for (int k = 0; k < 20; ++k) {
        const double i = ic0 * (0.5 + 0.4 * k / 19.0);
        d.current_a.push_back(i);
        d.time_s.push_back(spincim::models::switching_time(dev, i, dir) *
                           std::exp(rng.normal(0.0, 0.05)));
    }
    auto params =
        calib::mtj_switching::initial_parameters(d, calib::mtj_switching::Model::from_device(dev));
    params[calib::mtj_switching::kIc0].start = ic0 * 1.2; // keep every point thermal
    const auto r =
        calib::mtj_switching::fit(d, calib::mtj_switching::Model::from_device(dev), params);
    INFO(r.table());
    CHECK(names(r.unidentified, "Ic0"));
    CHECK(names(r.unidentified, "tau0"));
    CHECK(names(r.unidentified, "Delta"));
    CHECK_THAT(all_warnings(r), Contains("cannot be identified"));
    CHECK(std::isinf(r.std_error("tau0")));
}

TEST_CASE("four_line_rv: a sweep that never reaches cP leaves cP unidentified") {
    const calib::four_line_rv::Params p;
    calib::four_line_rv::Data d;
    // Start high, sweep to −0.4 V (switches to low at ≈ −0.19 V), then only up to +0.2 V
    // (cP needs ≈ +0.28 V).
    for (int k = 0; k <= 40; ++k)
        d.voltage_v.push_back(-0.01 * k);
    for (int k = 39; k >= -20; --k)
        d.voltage_v.push_back(-0.01 * k);
    d.initial_state = calib::four_line_rv::State::high;
    d.resistance_ohm = calib::four_line_rv::sweep(p, d.voltage_v, d.initial_state);
    spincim::RandomStream rng(14, 0, "never cP");
    for (auto& r : d.resistance_ohm)
        r += rng.normal(0.0, 2.0);
    const auto r = calib::four_line_rv::fit(d);
    INFO(r.table());
    CHECK(names(r.unidentified, "cP"));
    CHECK_FALSE(names(r.unidentified, "cN"));
    CHECK(std::isinf(r.std_error("cP")));
    CHECK_THAT(all_warnings(r), Contains("'cP' cannot be identified"));
    CHECK_THAT(r.value("cN"), WithinRel(p.c_n, 0.05));
}

TEST_CASE("a fit that runs out of iterations reports not_converged with the last iterate") {
    calib::sigmoid::Data d;
    for (int k = 0; k < 60; ++k) {
        const double vin = 1.1 * k / 59.0;
        d.vin_v.push_back(vin);
        d.vout_v.push_back(0.4 * std::tanh((vin - 0.55) / 0.08) + 0.6);
    }
    calib::FitOptions opt;
    opt.max_iterations = 1;
    const auto r = calib::sigmoid::fit(
        d, {{"A", "V", 0.1}, {"V0", "V", 0.2}, {"s", "V", 0.5, 1e-6, 10.0}, {"B", "V", 0.0}}, opt);
    INFO(r.table());
    CHECK(r.status == calib::FitStatus::not_converged);
    CHECK_FALSE(r.converged());
    CHECK(r.exit_code() == spincim::ExitCode::simulation_failed);
    CHECK(r.report.termination == "NO_CONVERGENCE");
    CHECK_FALSE(r.report.full.empty());
    CHECK(r.values.size() == 4);
    CHECK(std::isfinite(r.value("V0")));
    CHECK_THAT(all_warnings(r), Contains("did not converge"));
}

TEST_CASE("a converged fit reports its statistics and Ceres' summary") {
    const calib::expression::Model model("p0 + p1*x", {"x"}, {"p0", "p1"});
    calib::expression::Data d;
    d.inputs = {{0, 1, 2, 3}};
    d.output = {1, 3, 5, 8};
    const auto r = calib::expression::fit(model, d, {{"p0", "", 0.0}, {"p1", "", 1.0}});
    // Ordinary least squares by hand: slope 2.3, intercept 0.8, SSR 0.3, s² = 0.15,
    // Var(slope) = s²/Sxx = 0.15/5, Var(intercept) = s²(1/n + x̄²/Sxx) = 0.15·(0.25 + 0.45).
    CHECK(r.converged());
    CHECK(r.exit_code() == spincim::ExitCode::ok);
    CHECK_THAT(r.value("p1"), WithinRel(2.3, 1e-8));
    CHECK_THAT(r.value("p0"), WithinRel(0.8, 1e-8));
    CHECK_THAT(r.weighted_ssr, WithinRel(0.3, 1e-8));
    CHECK(r.dof == 2);
    CHECK(r.n_points == 4);
    CHECK_THAT(r.std_error("p1"), WithinRel(std::sqrt(0.15 / 5), 1e-7));
    CHECK_THAT(r.std_error("p0"), WithinRel(std::sqrt(0.15 * 0.7), 1e-7));
    // corr(p0, p1) = −x̄/sqrt(Sxx/n + x̄²) = −1.5/sqrt(1.25 + 2.25)
    CHECK_THAT(r.correlation_of("p0", "p1"), WithinRel(-1.5 / std::sqrt(3.5), 1e-7));
    CHECK_THAT(r.r_squared, WithinRel(1.0 - 0.3 / 26.75, 1e-8));
    CHECK_THAT(r.max_abs_residual, WithinRel(0.4, 1e-7));
    CHECK(r.report.termination == "CONVERGENCE");
    CHECK_THAT(r.report.brief, Contains("Ceres"));
    CHECK_THAT(r.table(), Contains("p1"));
}

TEST_CASE("a fixed parameter keeps its value and gets sigma 0") {
    const calib::expression::Model model("p0 + p1*x", {"x"}, {"p0", "p1"});
    calib::expression::Data d;
    d.inputs = {{0, 1, 2, 3}};
    d.output = {1, 3, 5, 8};
    calib::Parameter p0{"p0", "", 1.0};
    p0.fixed = true;
    const auto r = calib::expression::fit(model, d, {p0, {"p1", "", 1.0}});
    CHECK(r.converged());
    CHECK(r.value("p0") == 1.0);
    CHECK(r.std_error("p0") == 0.0);
    CHECK(r.n_free == 1);
    CHECK(r.dof == 3);
    // Least squares through (0, 1): slope = Σx(y − 1)/Σx² = (2 + 8 + 21)/14.
    CHECK_THAT(r.value("p1"), WithinRel(31.0 / 14.0, 1e-8));
}

TEST_CASE("a parameter stopped by its bound is reported") {
    const calib::expression::Model model("p0 + p1*x", {"x"}, {"p0", "p1"});
    calib::expression::Data d;
    d.inputs = {{0, 1, 2, 3}};
    d.output = {1, 3, 5, 8};
    const auto r = calib::expression::fit(model, d, {{"p0", "", 0.0}, {"p1", "", 1.0, 0.0, 2.0}});
    CHECK(r.value("p1") == 2.0);
    CHECK_THAT(all_warnings(r), Contains("'p1' ended at its upper bound 2"));
}
