#include <cmath>

#include <catch2/catch.hpp>

#include "spincim/analysis/measurement.hpp"

using namespace spincim::analysis;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
// v(out) of an RC step (tau = 1 µs) and the branch current of the 1 V source driving it, sampled
// every 1 ns for 10 µs.
Waveforms rc_waves() {
    Waveforms w;
    const double tau = 1e-6, R = 1e3;
    for (int k = 0; k <= 10000; ++k) {
        const double t = k * 1e-9;
        w.axis.push_back(t);
        w.signals["v(out)"].push_back(1 - std::exp(-t / tau));
        w.signals["v(in)"].push_back(1.0);
        w.signals["i(vin)"].push_back(-std::exp(-t / tau) / R);
    }
    return w;
}
MeasureSpec spec(MeasureKind kind, std::string signal) {
    MeasureSpec s;
    s.name = "m";
    s.kind = kind;
    s.signal = std::move(signal);
    s.where = {"study.yaml", 9, 5, "measure[0]"};
    return s;
}
} // namespace

TEST_CASE("declarative measurements on an RC step agree with the analytic response") {
    const Waveforms w = rc_waves();
    auto at = spec(MeasureKind::value_at, "v(out)");
    at.at = 1e-6;
    CHECK_THAT(*evaluate(at, w).value, WithinAbs(1 - std::exp(-1.0), 1e-6));
    auto cross = spec(MeasureKind::cross, "v(out)");
    cross.level = 0.5;
    cross.edge = Edge::rise;
    CHECK_THAT(*evaluate(cross, w).value, WithinAbs(1e-6 * std::log(2.0), 1e-12));
    // Mean of 1 − e^(−t/τ) over [0, 10τ] is 1 − (1 − e^(−10))/10.
    auto avg = spec(MeasureKind::average, "v(out)");
    CHECK_THAT(*evaluate(avg, w).value, WithinRel(1 - (1 - std::exp(-10.0)) / 10, 1e-6));
    // The source delivers ∫ V²/R·e^(−t/τ) dt = C·V²·(1 − e^(−10)) over [0, 10τ], C = τ/R = 1 nF.
    auto energy = spec(MeasureKind::energy, "v(in)");
    energy.target = "i(vin)";
    CHECK_THAT(*evaluate(energy, w).value, WithinRel(1e-9 * (1 - std::exp(-10.0)), 1e-6));
    CHECK_THAT(*evaluate(spec(MeasureKind::maximum, "v(out)"), w).value,
               WithinAbs(1 - std::exp(-10.0), 1e-12));
    CHECK(*evaluate(spec(MeasureKind::minimum, "v(out)"), w).value == 0.0);
}

TEST_CASE("a crossing that never happens is an empty measurement, not an error") {
    auto cross = spec(MeasureKind::cross, "v(out)");
    cross.level = 2.0;
    CHECK_FALSE(evaluate(cross, rc_waves()).value.has_value());
}

TEST_CASE("a missing signal is reported at the measurement's place in the study") {
    try {
        (void)evaluate(spec(MeasureKind::final_value, "v(nope)"), rc_waves());
        FAIL("no error");
    } catch (const spincim::InputError& e) {
        CHECK_THAT(std::string(e.what()), Contains("study.yaml:9:5: measure[0]") &&
                                              Contains("v(nope)") && Contains("v(out)"));
    }
}
