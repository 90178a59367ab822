// The calib models' equations against their references: models::switching_time for
// mtj_switching, seed 004 Table I for four_line_rv, the closed-form firing period for lif.

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/calib/four_line_rv.hpp"
#include "spincim/calib/lif.hpp"
#include "spincim/calib/mtj_switching.hpp"
#include "spincim/calib/sigmoid.hpp"
#include "spincim/calib/tbs_delay.hpp"
#include "spincim/models/mtj.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
namespace calib = spincim::calib;
namespace models = spincim::models;

TEST_CASE("mtj_switching equals models::switching_time in both regimes") {
    const auto dev = models::stt_bnn_table1();
    for (auto dir :
         {models::SwitchDirection::to_parallel, models::SwitchDirection::to_antiparallel}) {
        const double ic0 = models::critical_current(dev, dir);
        const double delta = models::thermal_stability(dev);
        const auto model = calib::mtj_switching::Model::from_device(dev);
        for (double r : {0.3, 0.7, 0.99, 1.0, 1.01, 1.5, 4.0}) {
            const double i = r * ic0;
            CHECK_THAT(model.time(ic0, dev.tau0, delta, i),
                       WithinRel(models::switching_time(dev, i, dir), 1e-12));
        }
    }
}

TEST_CASE("four_line_rv reproduces a Table I loop: switching at cP and cN") {
    const calib::four_line_rv::Params p; // Table I means
    // Low state at +V: I = V/(b0 + a0 V) reaches cP = 0.8 mA at V = cP b0/(1 − cP a0).
    const double v_up = p.c_p * p.b0 / (1.0 - p.c_p * p.a0);
    // High state at −V: |I| = |V|/(b1 + a1|V|) reaches |cN| at |V| = |cN| b1/(1 − |cN| a1).
    const double v_down = -(-p.c_n) * p.b1 / (1.0 - (-p.c_n) * p.a1);
    const std::vector<double> v{0.0,           v_up - 1e-3,   v_up + 1e-3, 0.0,
                                v_down + 1e-3, v_down - 1e-3, 0.0};
    const auto s = calib::four_line_rv::states(p, v, calib::four_line_rv::State::low);
    using calib::four_line_rv::State;
    CHECK(s == std::vector<State>{State::low, State::low, State::high, State::high, State::high,
                                  State::low, State::low});
    const auto r = calib::four_line_rv::sweep(p, v, State::low);
    CHECK_THAT(r[0], WithinRel(360.0, 1e-12));
    CHECK_THAT(r[3], WithinRel(665.0, 1e-12));
    // R_high(0.5 V) = 665 − 310·0.5: the AP roll-off.
    CHECK_THAT(calib::four_line_rv::resistance(p, 0.5, State::high), WithinRel(510.0, 1e-12));
    CHECK_THAT(calib::four_line_rv::resistance(p, -0.5, State::high), WithinRel(510.0, 1e-12));
}

TEST_CASE("lif fires with the closed-form period under a constant input") {
    // x∞ = g I τ; from x_reset = 0 the threshold is reached after T = τ ln(x∞/(x∞ − θ)).
    const calib::lif::Params p{0.02, 4e10, 0.5};
    calib::lif::Data d;
    for (int k = 0; k <= 1000; ++k) {
        d.time_s.push_back(k * 1e-4);
        d.input.push_back(1e-9);
        d.state.push_back(0.0);
    }
    const double x_inf = p.gain * 1e-9 * p.tau_s;
    const double period = p.tau_s * std::log(x_inf / (x_inf - p.threshold));
    const auto spikes = calib::lif::spike_times(p, d);
    REQUIRE(spikes.size() == 5); // 100 ms / 19.6 ms
    for (std::size_t k = 0; k < spikes.size(); ++k)
        CHECK_THAT(spikes[k], WithinRel((static_cast<double>(k) + 1.0) * period, 1e-9));
    const auto x = calib::lif::simulate(p, d);
    // Sub-threshold: x(t) = x∞ (1 − e^{−t/τ}) before the first spike.
    CHECK_THAT(x[100], WithinRel(x_inf * (1 - std::exp(-0.01 / p.tau_s)), 1e-12));
}

TEST_CASE("tbs_delay and sigmoid evaluate their equations") {
    const double th[] = {std::log(2e-9), -3.0, 0.5};
    CHECK_THAT(calib::tbs_delay::Model{true}.ln_delay(th, 0.4),
               WithinRel(std::log(2e-9) - 1.2 + 0.08, 1e-14));
    CHECK_THAT(calib::tbs_delay::Model{false}.ln_delay(th, 0.4),
               WithinRel(std::log(2e-9) - 1.2, 1e-14));
    const double sg[] = {0.4, 0.55, 0.08, 0.6};
    CHECK_THAT(calib::sigmoid::Model{}.vout(sg, 0.55), WithinAbs(0.6, 1e-15));
    CHECK_THAT(calib::sigmoid::Model{}.vout(sg, 0.63),
               WithinRel(0.6 + 0.4 * std::tanh(1.0), 1e-14));
}
