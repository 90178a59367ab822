// Issue 5 point 3: write-verify co-simulation of a passive MTJ crossbar (seed 003: Goodwill et al.,
// Phys. Rev. Applied 18, 014039 (2022), Sec. II.B-C): every write pulse is an ngspice transient of
// the generated array with STT switching (models/mtj_stt.sub, dyn = 1), the C++ controller
// decides the next pulse from native-solver reads.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/core/error.hpp"
#include "spincim/cosim/write_verify.hpp"
#include "spincim/network/wine.hpp"
#include "spincim/spice/session.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace spincim;
using namespace spincim::cosim;

namespace {

// A small array of seed-003 30 nm devices (all off), 12 Ohm line segments (Sec. III, App. A),
// the magnetic parameters fitted to +-1.5 V switching with 1 ms pulses (Fig. 2(c)).
circuits::CrossbarSpec small_array(std::size_t n) {
    circuits::CrossbarSpec s;
    s.rows = s.cols = n;
    s.device = circuits::crossbar_device_preset(30e-9);
    s.device.v_h = 2.0;
    s.mtj = circuits::crossbar_seed003_magnetics();
    return s;
}

std::size_t count_on(const std::vector<models::MtjState>& st) {
    return static_cast<std::size_t>(std::count(st.begin(), st.end(), models::MtjState::parallel));
}

} // namespace

TEST_CASE("V/2 scheme: the target switches near the fitted 1.5 V, half-selected devices do not") {
    spice::Session session;
    ArrayProgrammer p(small_array(4), session);
    // Ramp an "on" write on device (1, 2) in 50 mV steps from 1.2 V.
    double v_sw = 0;
    for (double v = 1.2; v < 2.0; v += 0.05) {
        const PulseResult r = p.write_pulse(1, 2, true, v);
        if (!r.switched.empty()) {
            REQUIRE(r.switched == std::vector<std::size_t>{1 * 4 + 2});
            v_sw = v;
            break;
        }
    }
    INFO("off -> on switching voltage " << v_sw);
    // crossbar_seed003_magnetics(): an isolated device switches at 1.5 V in 1 ms; the 12 Ohm
    // lines of a 4 x 4 array take well under 1 % of it, the 50 mV grid rounds up.
    CHECK(v_sw >= 1.45);
    CHECK(v_sw <= 1.6);
    // Back to off with the opposite polarity (symmetric switching by construction).
    double v_off = 0;
    for (double v = 1.2; v < 2.0; v += 0.05) {
        const PulseResult r = p.write_pulse(1, 2, false, v);
        if (!r.switched.empty()) {
            REQUIRE(r.switched == std::vector<std::size_t>{1 * 4 + 2});
            v_off = v;
            break;
        }
    }
    INFO("on -> off switching voltage " << v_off);
    CHECK(v_off >= 1.45);
    CHECK(v_off <= 1.65);
    // Seed 003 Sec. II.B: V_max = 2 x the smallest switching voltage. Below V_max the
    // half-selected devices (row 1, column 2) see at most V_apply / 2 < v_sw and keep their state.
    const double v_max = 2 * std::min(v_sw, v_off);
    const PulseResult r = p.write_pulse(2, 1, true, v_max - 0.1);
    CHECK(r.switched == std::vector<std::size_t>{2 * 4 + 1});
    const PulseResult r2 = p.write_pulse(0, 3, true, v_max - 0.1);
    CHECK(r2.switched == std::vector<std::size_t>{0 * 4 + 3});
    CHECK(count_on(p.states()) == 2);
}

TEST_CASE("write-verify: 4-pulse sequence programs a 4 x 4 array and reads it back") {
    spice::Session session;
    WriteVerifyOptions o;
    o.v_start = 1.2;
    o.v_max = 3.0;
    ArrayProgrammer p(small_array(4), session, o);
    std::vector<bool> target(16, false);
    target[0] = target[5] = target[10] = target[15] = target[3] = true;
    const std::vector<WriteVerifyResult> res = p.program(target);
    for (std::size_t k = 0; k < 16; ++k) {
        INFO("device " << k);
        CHECK(res[k].success);
        CHECK((p.states()[k] == models::MtjState::parallel) == target[k]);
        if (target[k]) {
            CHECK(res[k].v_switch >= 1.4);
            CHECK(res[k].v_switch <= 1.7);
            // On/off ratio of the reads at 0.2 V: 1 + TMR(0.2 V) = 1 + 1/(1 + 0.01) = 1.99 for
            // an isolated device, a little less through the lines and sneak paths.
            CHECK(res[k].g_target / res[k].g_opposite > 1.8);
            CHECK(res[k].g_target / res[k].g_opposite < 1.99);
        }
    }
    const std::vector<double> g = p.read_map();
    double min_on = 1;
    double max_off = 0;
    for (std::size_t k = 0; k < 16; ++k)
        (target[k] ? min_on : max_off) =
            target[k] ? std::min(min_on, g[k]) : std::max(max_off, g[k]);
    CHECK(min_on > 1.8 * max_off);
}

namespace {

// The seed-003 array of the study (netlists/nist_crossbar_wine.yaml): 12 Ohm segments (Sec. III,
// App. A), 3 kOhm routing per line (calibrated on the 30 nm mean switching voltage, Fig. 2(d)),
// g_off / TMR variation 10 % / 15 % (assumed, Sec. II.D).
circuits::CrossbarSpec seed003_array(std::size_t n, double diameter) {
    circuits::CrossbarSpec s = small_array(n);
    s.device = circuits::crossbar_device_preset(diameter);
    s.device.v_h = 2.0;
    s.r_row_contact = s.r_col_contact = 3000;
    s.variation.g_off_rel_sigma = 0.1;
    s.variation.tmr_rel_sigma = 0.15;
    s.variation.seed = 3;
    s.variation.sample = 0;
    return s;
}

struct ArrayWrite {
    double v_min = 0;
    double v_mean = 0;
    double v_max = 0;
    double accuracy = 0;
};

// The target map of weight solution 0 of the study (netlists/nist_crossbar_wine.yaml: seed 3,
// 30 test samples, default training), mapped as in seed 003 Fig. 3(b).
std::vector<bool> solution0_target() {
    const data::Dataset data =
        data::load_wine_csv(std::string(SPINCIM_SOURCE_DIR) + "/netlists/data/wine.csv");
    const data::TrainTestSplit split = data::random_split(data, 30, 3);
    const network::TernaryMlp net =
        network::train_ternary_mlp(split.train, network::TernaryTrainOptions{}, 3, 0);
    return network::target_states(net, network::WineArrayLayout{15, 15});
}

// Seed 003 Secs. II.B-C: characterise (every device written off from off), V_max = 2 x the
// smallest switching voltage, then clear and write `target`.
ArrayWrite write_array(const circuits::CrossbarSpec& a, const std::vector<bool>& target) {
    WriteVerifyOptions o;
    o.v_start = 1.2;
    o.v_max = 9.5;
    o.engine = PulseEngine::native;
    ArrayProgrammer p(a, o);
    const std::size_t n = a.rows * a.cols;
    ArrayWrite out;
    double sum = 0;
    std::size_t ok = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const WriteVerifyResult r = p.write_verify(k / a.cols, k % a.cols, false);
        if (r.success) {
            out.v_min = out.v_min == 0 ? r.v_switch : std::min(out.v_min, r.v_switch);
            sum += r.v_switch;
            ++ok;
        }
    }
    out.v_mean = sum / static_cast<double>(ok);
    out.v_max = 2 * out.v_min;
    p.set_v_max(out.v_max);
    const std::vector<WriteVerifyResult> res = p.program(target);
    std::size_t correct = 0;
    for (std::size_t k = 0; k < n; ++k)
        correct += res[k].success && (p.states()[k] == models::MtjState::parallel) == target[k];
    out.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    return out;
}

} // namespace

TEST_CASE("native pulse engine switches the same devices as the ngspice transients") {
    // 3 kOhm routing per line makes the half-select currents matter (the target's own voltage is
    // ~10 % below V_apply), so both engines must agree on the whole array, not just the target.
    circuits::CrossbarSpec a = small_array(4);
    a.r_row_contact = a.r_col_contact = 3000;
    a.variation.g_off_rel_sigma = 0.1;
    a.variation.tmr_rel_sigma = 0.15;
    a.variation.seed = 3;
    spice::Session session;
    WriteVerifyOptions os;
    ArrayProgrammer ps(a, session, os);
    WriteVerifyOptions on = os;
    on.engine = PulseEngine::native;
    ArrayProgrammer pn(a, on);
    struct Pulse {
        std::size_t i, j;
        bool on;
    };
    const Pulse seq[] = {{1, 2, true}, {1, 2, false}, {3, 0, true}, {0, 0, true}};
    int events = 0;
    for (const Pulse& q : seq)
        for (double v = 1.2; v < 2.6; v += 0.05) {
            const PulseResult rs = ps.write_pulse(q.i, q.j, q.on, v);
            const PulseResult rn = pn.write_pulse(q.i, q.j, q.on, v);
            INFO("device (" << q.i << ", " << q.j << ") on=" << q.on << " at " << v << " V");
            REQUIRE(rn.switched == rs.switched);
            if (!rs.switched.empty()) {
                ++events;
                break;
            }
        }
    CHECK(events == 4);
    CHECK(pn.states() == ps.states());
    // The reads are the native solver's in both programmers.
    CHECK_THAT(pn.read(0, 0), WithinRel(ps.read(0, 0), 1e-12));
}

TEST_CASE("write-verify: a device whose switching voltage is above V_max is a write error") {
    WriteVerifyOptions o;
    o.v_start = 1.2;
    o.v_max = 1.4; // below the 1.5 V at which a 30 nm device switches (Fig. 2(c) fit)
    o.engine = PulseEngine::native;
    ArrayProgrammer p(small_array(4), o);
    const WriteVerifyResult r = p.write_verify(2, 2, true);
    CHECK_FALSE(r.success);
    CHECK(r.v_switch == 0);
    CHECK(p.states()[2 * 4 + 2] == models::MtjState::antiparallel);
    // 1.2, 1.3, 1.4 V: three 2-pulse steps, then the controller gives up (seed 003 Sec. II.B).
    CHECK(r.pulses == 6);
    p.set_v_max(1.7);
    const WriteVerifyResult r2 = p.write_verify(2, 2, true);
    CHECK(r2.success);
    // The fit puts an isolated device's threshold at 1.5 V; the half-select currents in the
    // 12 Ohm lines add a few mV, so the 0.1 V ramp succeeds at 1.5 or 1.6 V.
    CHECK(r2.v_switch >= 1.45);
    CHECK(r2.v_switch <= 1.65);
    CHECK(p.states()[2 * 4 + 2] == models::MtjState::parallel);
}

TEST_CASE("seed 003: the nominal 15 x 15 array of 30 nm devices is written without error") {
    const ArrayWrite w = write_array(seed003_array(15, 30e-9), solution0_target());
    INFO("V_sw min " << w.v_min << " V, mean " << w.v_mean << " V, V_max " << w.v_max
                     << " V, write accuracy " << w.accuracy);
    // Seed 003 Sec. II.B: "The write accuracy was 100 % for the 30 nm array".
    CHECK(w.accuracy == 1.0);
    // Calibration check of the 3 kOhm routing: Fig. 2(d), mean switching voltage "around 2.2 V"
    // (read off a histogram: +-0.15 V).
    CHECK_THAT(w.v_mean, WithinAbs(2.2, 0.15));
}

TEST_CASE("seed 003: write accuracy falls from 30 nm to 60 nm devices (10 x 10 corner)") {
    // Seed 003 Sec. II.B: 100 % at 30 nm, 85 % at 60 nm on 15 x 15. The 60 nm 15 x 15 takes about
    // a minute, so the 10 x 10 corner of the same arrays (same seed, same variation draws) and the
    // corner of solution 0: fewer half-selected devices per line than on 15 x 15, so the 60 nm
    // loss is smaller here; only the ordering is required.
    std::vector<bool> full = solution0_target();
    std::vector<bool> corner(100);
    for (std::size_t k = 0; k < 100; ++k)
        corner[k] = full[(k / 10) * 15 + k % 10];
    const ArrayWrite w30 = write_array(seed003_array(10, 30e-9), corner);
    const ArrayWrite w60 = write_array(seed003_array(10, 60e-9), corner);
    INFO("30 nm: accuracy " << w30.accuracy << ", V_sw min " << w30.v_min << " V; 60 nm: accuracy "
                            << w60.accuracy << ", V_sw min " << w60.v_min << " V");
    CHECK(w30.accuracy == 1.0);
    CHECK(w60.accuracy < w30.accuracy);
    // Larger devices draw more current through the same lines (g ~ d^2, Sec. II.D): the
    // effective switching voltage rises with the diameter (Fig. S2(a)).
    CHECK(w60.v_mean > w30.v_mean);
}
