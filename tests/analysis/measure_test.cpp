#include <cmath>
#include <numbers>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/analysis/measure.hpp"
#include "spincim/core/error.hpp"

using namespace spincim::analysis;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct Sampled {
    std::vector<double> t, y;
    Trace trace() const { return Trace(t, y, "test"); }
};

// Samples f on an uneven grid (alternating short and long steps), like an adaptive transient.
template <class F>
Sampled sample(F f, double t_end, int n) {
    Sampled s;
    double t = 0;
    const double h = t_end / n;
    for (int k = 0; t <= t_end * (1 + 1e-12); ++k) {
        s.t.push_back(t);
        s.y.push_back(f(t));
        t += (k % 2 == 0) ? 0.5 * h : 1.5 * h;
    }
    return s;
}
} // namespace

TEST_CASE("RC charging: value at time and crossing time match the analytic exponential") {
    const double tau = 1e-6;
    const auto v = [&](double t) { return 1.0 - std::exp(-t / tau); };
    const Sampled s = sample(v, 5 * tau, 2000);
    const Trace w = s.trace();
    // Linear interpolation error is at most h^2/8 * max|v''| = (1.5 h)^2 / 8 / tau^2 ≈ 1.8e-6 here.
    for (double t : {0.3e-6, 1e-6, 2.2e-6, 3.7e-6, 4.9e-6})
        CHECK_THAT(value_at(w, t), WithinAbs(v(t), 2e-6));
    // v crosses 0.5 at tau·ln 2; the interpolation error in time is the value error divided by
    // the slope (≥ 0.5/tau there).
    const auto tc = crossing_time(w, 0.5, Edge::rise);
    REQUIRE(tc.has_value());
    CHECK_THAT(*tc, WithinAbs(tau * std::numbers::ln2, 4e-6 * tau));
    CHECK_FALSE(crossing_time(w, 0.5, Edge::fall).has_value());
    CHECK_THAT(final_value(w), WithinAbs(v(s.t.back()), 0.0));
}

TEST_CASE("a ramp is measured exactly") {
    const Sampled s = sample([](double t) { return 2.0 * t; }, 1.0, 10);
    const Trace w = s.trace();
    CHECK_THAT(*crossing_time(w, 0.7), WithinRel(0.35, 1e-14));
    CHECK_THAT(value_at(w, 0.123), WithinRel(0.246, 1e-14));
    // ∫0^1 2t dt = 1; trapezoid is exact for linear functions.
    CHECK_THAT(integral(w, 0, 1), WithinRel(1.0, 1e-13));
    // Partial window with interpolated end points: ∫0.2^0.6 2t dt = 0.32.
    CHECK_THAT(integral(w, 0.2, 0.6), WithinRel(0.32, 1e-13));
    CHECK_THAT(average(w, 0.2, 0.6), WithinRel(0.8, 1e-13));
}

TEST_CASE("the nth rising and falling crossings of a sine") {
    const double f = 1e6;
    const Sampled s = sample([&](double t) { return std::sin(2 * std::numbers::pi * f * t + 0.1); },
                             3.5 / f, 20000);
    const Trace w = s.trace();
    // sin(2πft + 0.1) rises through 0 at t = (n − 0.1/2π)/f and falls at t = (n + 0.5 − 0.1/2π)/f.
    const double phase = 0.1 / (2 * std::numbers::pi);
    for (int n = 1; n <= 3; ++n) {
        CHECK_THAT(*crossing_time(w, 0.0, Edge::rise, n), WithinAbs((n - phase) / f, 1e-12));
        CHECK_THAT(*crossing_time(w, 0.0, Edge::fall, n),
                   WithinAbs((n - 1 + 0.5 - phase) / f, 1e-12));
    }
    CHECK_FALSE(crossing_time(w, 0.0, Edge::rise, 4).has_value());
    CHECK_THAT(*crossing_time(w, 0.0, Edge::either, 2), WithinAbs((1 - phase) / f, 1e-12));
    CHECK_THAT(*crossing_time(w, 0.0, Edge::rise, 1, 1.5 / f), WithinAbs((2 - phase) / f, 1e-12));
    // ∫ sin² over three whole periods = 1.5/f; trapezoid error O(h²) is far below 1e-6 relative.
    const Sampled sq =
        sample([&](double t) { return std::pow(std::sin(2 * std::numbers::pi * f * t), 2); },
               3.0 / f, 30000);
    CHECK_THAT(integral(sq.trace(), 0, 3.0 / f), WithinRel(1.5 / f, 1e-6));
}

TEST_CASE("energy delivered by a supply is −∫v·i dt") {
    // A 1 V supply sourcing 1 mA (ngspice branch current −1 mA) for 1 µs delivers 1 nJ.
    const Sampled v = sample([](double) { return 1.0; }, 1e-6, 100);
    const Sampled i = sample([](double) { return -1e-3; }, 1e-6, 100);
    CHECK_THAT(source_energy(v.trace(), i.trace()), WithinRel(1e-9, 1e-12));
    // Charging C = 1 pF through R from a 1 V step: the source delivers C·V² = 1 pJ over the
    // whole transient (half stored, half dissipated). With tau = 1 ns and 20 tau the remaining
    // fraction exp(−20) is negligible; trapezoid error with 20000 steps is < 1e-6.
    const double tau = 1e-9, R = 1e3;
    const Sampled vs = sample([](double) { return 1.0; }, 20 * tau, 20000);
    const Sampled is = sample([&](double t) { return -std::exp(-t / tau) / R; }, 20 * tau, 20000);
    CHECK_THAT(source_energy(vs.trace(), is.trace()), WithinRel(1e-12, 1e-5));
    // ∫0^1 t·t dt = 1/3, trapezoid error for t² with step h is h²/6 per unit length.
    const Sampled a = sample([](double t) { return t; }, 1.0, 1000);
    CHECK_THAT(integral_of_product(a.trace(), a.trace()), WithinAbs(1.0 / 3, 1e-5));
}

TEST_CASE("propagation delay between two edges") {
    const Sampled in = sample([](double t) { return t < 1e-9 ? 0.0 : 1.0; }, 5e-9, 5000);
    const Sampled out = sample([](double t) { return t < 3e-9 ? 1.0 : 0.0; }, 5e-9, 5000);
    const auto d = delay(in.trace(), 0.5, Edge::rise, out.trace(), 0.5, Edge::fall);
    REQUIRE(d.has_value());
    CHECK_THAT(*d, WithinAbs(2e-9, 2e-12));
}

TEST_CASE("malformed waveforms and windows are refused") {
    const std::vector<double> t{0, 1, 1, 2}, y{0, 1, 2, 3};
    CHECK_THROWS_AS(Trace(t, y), spincim::InputError);
    const std::vector<double> t2{0, 1, 2}, y2{0, 1};
    CHECK_THROWS_AS(Trace(t2, y2), spincim::InputError);
    const std::vector<double> e;
    CHECK_THROWS_AS(Trace(e, e), spincim::InputError);
    const std::vector<double> t3{0, 1, 2}, y3{0, 1, 2};
    const Trace w(t3, y3);
    CHECK_THROWS_AS(value_at(w, 3.0), spincim::InputError);
    CHECK_THROWS_AS(average(w, 1.0, 1.0), spincim::InputError);
    CHECK_THROWS_AS(crossing_time(w, 0.5, Edge::rise, 0), spincim::InputError);
    const std::vector<double> t4{0, 1.5, 2};
    CHECK_THROWS_AS(integral_of_product(w, Trace(t4, y3)), spincim::InputError);
}
