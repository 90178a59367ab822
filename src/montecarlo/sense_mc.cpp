#include "spincim/montecarlo/sense_mc.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

#include "spincim/analysis/measure.hpp"
#include "spincim/circuits/xnor_row.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/units/units.hpp"

namespace spincim::montecarlo {

namespace {

// The coupled row-and-sense netlist of `spec` at N1 = N/2 (sample 0's vectors): what
// check_sense_mc_spec validates and design_fingerprint describes.
netlist::Netlist nominal_bench(const SenseMcSpec& spec) {
    circuits::SenseRowSpec probe = spec.sense;
    const auto v = circuits::xnor_vectors_for_n1(spec.n, spec.n / 2, spec.seed, 0);
    probe.row.weights = v.weights;
    probe.row.inputs = v.inputs;
    return circuits::sense_row(probe);
}

[[noreturn]] void bad(const std::string& key, const std::string& what) {
    SourceLocation where;
    where.key = key;
    throw InputError("sense_mc: " + key + " " + what, where);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Test current for the Thevenin resistance, A per cell of the row. The row's source resistance
// is ~R_bitcell / N with R_bitcell ~ 2 kOhm (seed 001 Eq. (5) with Table I values), so N uA gives
// a ~2 mV step: far above the Newton tolerance of the operating point, small enough for the row
// to stay linear (V_SL ~ 150 mV).
constexpr double kTestCurrentPerCell = 1e-6;

struct RowOp {
    spice::RunResult run;
    double v_sl = 0.0;
    double r_th = 0.0;
};

std::string itest_name() {
    return "Imc_itest";
}

// Length of the per-die bench transient after tbs.t_start, in nominal midpoints: the die's
// calibration runs must see D_in switch on a slow die. The die-to-die Vth shift (15 mV default)
// moves M_ST's subthreshold current by exp(dVth / (n U_T)) ~ 1.5x per sigma (n ~ 1.5,
// U_T = 26 mV), so 3x covers a ~2.7-sigma slow die; a slower die reports an invalid sample with
// the reason. The transient's cost grows with its length (max step 2 t_edge).
constexpr double kDieWindow = 3.0;

double elapsed_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

std::string_view reference_mode_name(ReferenceMode mode) {
    return mode == ReferenceMode::per_die ? "per_die" : "design_time";
}

ReferenceMode parse_reference_mode(std::string_view text) {
    if (text == "per_die") {
        return ReferenceMode::per_die;
    }
    if (text == "design_time") {
        return ReferenceMode::design_time;
    }
    bad("reference", "must be per_die or design_time, got '" + std::string(text) + "'");
}

double SenseCalibration::residual_s() const {
    return std::abs(t_ref_s - target_s);
}

bool SenseSample::valid() const {
    return (status == spice::RunStatus::ok || status == spice::RunStatus::warning) &&
           std::isfinite(t_sw_s) && std::isfinite(t_ref_s) && std::isfinite(tm_s);
}

SenseMcSpec default_sense_mc_spec(std::size_t n, bool booster) {
    SenseMcSpec spec;
    spec.n = n;
    // Coarse stages of 400 fF (~0.9 ns each, 12 reach the ~10 ns midpoint) keep the line short to
    // simulate; the 8-bit bank (LSB ~5 ps) gives the resolution.
    spec.sense.tbs.delay_stage_load = 400e-15;
    spec.sense.tbs.delay_stages = 16;
    spec.sense.tbs.trim_bits = 8;
    spec.sense.tbs.trim_unit_cap = 1.5 * spec.sense.tbs.delay_stage_load / 255.0;
    if (booster) {
        spec.sense.booster = circuits::BoosterSpec{};
        // The boosted input (~0.3 V at the midpoint) would put the minimum-length M_ST in
        // moderate inversion, where ln T_SW follows its gate (the signal and its threshold
        // mismatch) at a third of the weak-inversion slope and the boost buys almost nothing
        // (tests/periphery/study_sizing_spice_test.cpp). Seed 001's own 8x length (Sec. IV.A)
        // has the card's long-channel threshold and stays in weak inversion; M_LOAD is sized
        // again for the ~10 ns reference delay (16x/4x, 12 fingers).
        spec.sense.tbs.st_length_factor = 8.0;
        spec.sense.tbs.load_width_factor = 16.0;
        spec.sense.tbs.load_multiplicity = 12;
    }
    return spec;
}

void check_sense_mc_spec(const SenseMcSpec& spec) {
    if (spec.n < 4 || spec.n > 4096 || spec.n % 2 != 0) {
        bad("n", "must be even and in [4, 4096], got " + std::to_string(spec.n));
    }
    if (!std::isfinite(spec.window_factor) || spec.window_factor < 1.1 ||
        spec.window_factor > 10.0) {
        bad("window_factor", "must be in [1.1, 10], got " + units::to_eng(spec.window_factor));
    }
    check_variation_spec(spec.variation);
    // The coupled generator validates the timing and every sub-spec (InputError naming the field).
    static_cast<void>(nominal_bench(spec));
}

std::string design_fingerprint(const SenseMcSpec& spec) {
    const netlist::Netlist net = nominal_bench(spec);
    std::string out;
    for (const auto& file : net.includes()) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            throw InputError("cannot read the model file " + file.string());
        }
        std::ostringstream body;
        body << in.rdbuf();
        out += "include " + file.filename().string() + "\n" + body.str() + "\n";
    }
    // The netlist without its .include lines (they hold the folder, which may move).
    const std::string text = net.to_spice();
    for (std::size_t begin = 0; begin < text.size();) {
        const std::size_t end = std::min(text.find('\n', begin), text.size());
        const std::string_view line(text.data() + begin, end - begin);
        if (line.substr(0, 9) != ".include ") {
            out.append(line).push_back('\n');
        }
        begin = end + 1;
    }
    const VariationSpec& var = spec.variation;
    std::ostringstream settings;
    settings.precision(17);
    settings << "n " << spec.n << " seed " << spec.seed << " window " << spec.window_factor
             << " reference " << static_cast<int>(spec.reference) << " bias_pairs "
             << spec.bias_pairs << "\nvariation " << var.enabled << ' ' << var.antithetic;
    for (const ParamSigma& p : {var.area, var.tox, var.tfl, var.tmr0}) {
        settings << ' ' << p.global << ' ' << p.local;
    }
    settings << ' ' << var.avt_v_m << ' ' << var.global_vth_n_v << ' ' << var.global_vth_p_v
             << "\n";
    return out + settings.str();
}

TbsTimes read_tbs_times(const spice::Session& session, const netlist::Netlist& net,
                        const circuits::TbsSpec& tbs) {
    const double level = circuits::tbs_threshold(tbs);
    const std::vector<double> t = session.vector("time");
    const std::vector<double> din = session.vector(net.probe("v_sa_din").vector_name());
    const std::vector<double> ref = session.vector(net.probe("v_sa_ref").vector_name());
    const std::vector<double> in = session.vector(net.probe("v_sa_in").vector_name());
    TbsTimes out;
    const auto cross = [&](const std::vector<double>& y) -> std::optional<double> {
        const auto at = analysis::crossing_time(analysis::Trace(t, y), level, analysis::Edge::rise,
                                                1, tbs.t_start);
        if (!at) {
            return std::nullopt;
        }
        return *at - tbs.t_start;
    };
    out.t_sw = cross(din);
    out.t_ref = cross(ref);
    // Just before `start` rises: its edge kicks the (high-impedance, boosted) input through M_ST's
    // gate capacitance.
    out.v_sense = analysis::value_at(analysis::Trace(t, in), tbs.t_start - tbs.t_edge);
    return out;
}

SenseEvaluator::SenseEvaluator(spice::Session& session, SenseMcSpec spec)
    : session_(session), spec_(std::move(spec)) {
    check_sense_mc_spec(spec_);
}

double SenseEvaluator::test_current() const {
    return kTestCurrentPerCell * static_cast<double>(spec_.n);
}

netlist::Netlist SenseEvaluator::row_netlist(std::size_t k, std::uint64_t index) const {
    const std::uint64_t key = sample_key(k, index);
    return make_row(k, key, &spec_.variation, key);
}

netlist::Netlist SenseEvaluator::die_calibration_row(std::size_t k, std::size_t k_sample,
                                                     std::uint64_t index) const {
    const VariationSpec global = global_part(spec_.variation);
    return make_row(k, sample_key(k, 0), &global, sample_key(k_sample, index));
}

netlist::Netlist SenseEvaluator::make_row(std::size_t k, std::uint64_t vectors_key,
                                          const VariationSpec* variation,
                                          std::uint64_t variation_key) const {
    if (k > spec_.n) {
        bad("k", "must be in [0, N = " + std::to_string(spec_.n) + "], got " + std::to_string(k));
    }
    circuits::XnorRowSpec row = spec_.sense.row;
    const auto v = circuits::xnor_vectors_for_n1(spec_.n, k, spec_.seed, vectors_key);
    row.weights = v.weights;
    row.inputs = v.inputs;
    row.add_op = true;
    netlist::Netlist net = circuits::xnor_row(row);
    // Test current into the SL (SPICE: flows from pos through the source to neg).
    net.add(netlist::CurrentSource{
        .name = "mc_itest", .pos = netlist::Node::ground(), .neg = "sl", .dc = 0.0});
    if (variation != nullptr) {
        apply_variation(net, *variation, spec_.seed, variation_key);
    }
    return net;
}

netlist::Netlist SenseEvaluator::coupled_netlist(std::size_t k, std::uint64_t index) {
    if (k > spec_.n) {
        bad("k", "must be in [0, N = " + std::to_string(spec_.n) + "], got " + std::to_string(k));
    }
    const std::uint64_t key = sample_key(k, index);
    circuits::SenseRowSpec s = spec_.sense;
    const auto v = circuits::xnor_vectors_for_n1(spec_.n, k, spec_.seed, key);
    s.row.weights = v.weights;
    s.row.inputs = v.inputs;
    s.tbs = calibrated_tbs();
    netlist::Netlist net = circuits::sense_row(s);
    apply_variation(net, spec_.variation, spec_.seed, key);
    return net;
}

namespace {

// The decomposed periphery: V_th -> R_th -> SL (C_SL) -> [booster] -> TBS, `.tran` to t_stop.
netlist::Netlist tbs_bench(const circuits::SenseRowSpec& sense, const circuits::TbsSpec& tbs,
                           double v_th, double r_th, double t_stop) {
    const netlist::Node gnd = netlist::Node::ground();
    netlist::Netlist net("spincim decomposed sense path: Thevenin row, booster, TBS");
    net.add(netlist::VoltageSource{.name = "mc_vth", .pos = "mc_vth", .neg = gnd, .dc = v_th});
    net.add(netlist::Resistor{.name = "mc_rth", .pos = "mc_vth", .neg = "sl", .resistance = r_th});
    net.add(
        netlist::Capacitor{.name = "sl", .pos = "sl", .neg = gnd, .capacitance = sense.row.c_sl});
    netlist::Node sensed = "sl";
    if (sense.booster) {
        circuits::add_booster(net, *sense.booster, "sl", "bst_out");
        sensed = "bst_out";
    }
    circuits::add_tbs(net, tbs, sensed);
    net.add_probe("v_sl", netlist::Probe::voltage("sl"));
    net.save_probes();
    net.add_analysis(netlist::TranAnalysis{
        .step = sense.t_edge, .stop = t_stop, .max_step = 2.0 * sense.t_edge});
    return net;
}

// Row operating point and Thevenin resistance on the loaded session.
RowOp row_op(spice::Session& s, const netlist::Netlist& net, double i_test) {
    RowOp out;
    out.run = s.simulate(net.to_spice());
    if (!out.run.usable()) {
        return out;
    }
    const std::string v_sl = net.probe("v_sl").vector_name();
    out.v_sl = s.vector(v_sl).at(0);
    s.alter(itest_name(), "dc", i_test);
    const auto second = s.run();
    if (!second.usable()) {
        out.run = second;
        return out;
    }
    out.r_th = (s.vector(v_sl).at(0) - out.v_sl) / i_test;
    return out;
}

// The TBS front end of the per-die mode: the same input stage, sharpening inverter and latch, and
// a one-stage line without trim whose stage carries the largest load check_tbs_spec allows
// (10 pF: REF rises tens of ns after `start`, after D_in in the runs that matter). The decision
// Q = D_in(T_REF) depends on D_in's crossing with the latch transparent (it closes at T_REF), so
// T_SW is measured with the latch transparent in the die's calibration runs and in its samples
// alike (measured at N = 16: a latch closed early makes D_in ~50 ps faster).
circuits::TbsSpec front_end_tbs(circuits::TbsSpec tbs) {
    tbs.delay_stages = 1;
    tbs.delay_stage_load = 1e-11;
    tbs.trim_bits = 0;
    tbs.trim_code = 0;
    return tbs;
}

// T_REF of a die: the trimmable line reaches phase + j lsb (j integer); the nearest to target.
double quantize_reference(double target, double lsb, double phase) {
    if (!(lsb > 0.0)) {
        return target;
    }
    return phase + lsb * std::round((target - phase) / lsb);
}

[[noreturn]] void calibration_failed(const std::string& what) {
    throw SimulationError("sense_mc calibration: " + what);
}

} // namespace

circuits::TbsSpec SenseEvaluator::calibrated_tbs() {
    const SenseCalibration& c = calibration();
    circuits::TbsSpec tbs = spec_.sense.tbs;
    tbs.delay_stages = c.delay_stages;
    tbs.trim_code = c.trim_code;
    return tbs;
}

const SenseCalibration& SenseEvaluator::calibration() {
    if (calibration_) {
        return *calibration_;
    }
    SenseCalibration c;
    const std::size_t half = spec_.n / 2;
    const auto row_of = [&](std::size_t k) {
        const RowOp op =
            row_op(session_, make_row(k, sample_key(k, 0), nullptr, 0), test_current());
        if (!op.run.usable()) {
            calibration_failed("row .op at N1 = " + std::to_string(k) + ": " + op.run.summary());
        }
        return op;
    };
    const RowOp above = row_of(half + 1);
    const RowOp below = row_of(half - 1);
    c.v_sl_above = above.v_sl;
    c.v_sl_below = below.v_sl;

    const circuits::TbsSpec base = spec_.sense.tbs;
    const double t_stop_cal = circuits::sense_row_stop(spec_.sense);
    // One transient of the decomposed bench; returns (T_SW, T_REF, tap delays).
    struct Cal {
        std::optional<double> t_sw, t_ref;
        std::vector<double> taps;
    };
    const auto run_bench = [&](const circuits::TbsSpec& tbs, const RowOp& op, double t_stop,
                               bool want_taps) {
        const auto net = tbs_bench(spec_.sense, tbs, op.v_sl, op.r_th, t_stop);
        const auto r = session_.simulate(net.to_spice());
        ++c.simulations;
        if (!r.usable()) {
            calibration_failed("TBS transient: " + r.summary());
        }
        Cal out;
        const TbsTimes times = read_tbs_times(session_, net, tbs);
        out.t_sw = times.t_sw;
        out.t_ref = times.t_ref;
        if (want_taps) {
            const std::vector<double> t = session_.vector("time");
            for (std::size_t k = 1; k <= tbs.delay_stages; ++k) {
                const auto y =
                    session_.vector(net.probe("v_sa_tap_" + std::to_string(k)).vector_name());
                const auto at =
                    analysis::crossing_time(analysis::Trace(t, y), circuits::tbs_threshold(tbs),
                                            analysis::Edge::rise, 1, tbs.t_start);
                if (!at) {
                    break;
                }
                out.taps.push_back(*at - tbs.t_start);
            }
        }
        return out;
    };

    // (1) T_SW at N/2 -+ 1 and the coarse tap delays, on a line long enough for the midpoint.
    circuits::TbsSpec line = base;
    line.trim_code = 0;
    Cal cal_above, cal_below;
    for (int attempt = 0;; ++attempt) {
        cal_above = run_bench(line, above, t_stop_cal, true);
        cal_below = run_bench(line, below, t_stop_cal, false);
        if (!cal_above.t_sw || !cal_below.t_sw) {
            calibration_failed("D_in did not switch within " + units::to_eng(t_stop_cal) +
                               " s at N1 = N/2 -+ 1");
        }
        if (!(*cal_above.t_sw < *cal_below.t_sw)) {
            calibration_failed("T_SW(N/2 + 1) is not below T_SW(N/2 - 1)");
        }
        const double target = circuits::midpoint_reference(*cal_above.t_sw, *cal_below.t_sw);
        if (!cal_above.taps.empty() && cal_above.taps.back() > target) {
            break;
        }
        if (attempt >= 2 || line.delay_stages >= 400 || cal_above.taps.empty()) {
            calibration_failed("the delay line (" + std::to_string(line.delay_stages) +
                               " stages) cannot reach the midpoint " + units::to_eng(target) +
                               " s");
        }
        const double per_stage = cal_above.taps.back() / static_cast<double>(cal_above.taps.size());
        line.delay_stages = std::min<std::size_t>(
            400, static_cast<std::size_t>(std::ceil(1.2 * target / per_stage)) + 2);
    }
    const std::vector<double>& taps = cal_above.taps;
    for (std::size_t k = 0; k < taps.size(); ++k) {
        c.coarse_stage_s = std::max(c.coarse_stage_s, k == 0 ? taps[0] : taps[k] - taps[k - 1]);
    }
    const double target0 = circuits::midpoint_reference(*cal_above.t_sw, *cal_below.t_sw);

    // (2) Trim characterisation on a one-stage line: d_trim(code) = T_REF - tap_1 does not depend
    // on the number of identical coarse stages before the trim stage.
    const std::size_t bits = base.trim_bits;
    const auto trim_delay = [&](std::uint32_t code) {
        circuits::TbsSpec one = base;
        one.delay_stages = 1;
        one.trim_code = code;
        const Cal r = run_bench(one, above, base.t_start + 4e-9 + 2.0 * c.coarse_stage_s, true);
        if (!r.t_ref || r.taps.empty()) {
            calibration_failed("trim stage did not switch");
        }
        return *r.t_ref - r.taps[0];
    };
    std::uint32_t code = 0;
    if (bits == 0) {
        c.delay_stages = circuits::pick_delay_stages(taps, target0);
    } else {
        const std::uint32_t full = (std::uint32_t{1} << bits) - 1;
        const double d_zero = trim_delay(0);
        const double d_full = trim_delay(full);
        c.trim_lsb_s = (d_full - d_zero) / static_cast<double>(full);
        // Coarse: the tap nearest to the target minus the mid-range trim delay.
        c.delay_stages = circuits::pick_delay_stages(taps, target0 - 0.5 * (d_zero + d_full));
        const double want = target0 - taps[c.delay_stages - 1]; // what the trim stage must add
        // Successive approximation, MSB first.
        for (std::size_t b = bits; b-- > 0;) {
            const std::uint32_t trial = code | (std::uint32_t{1} << b);
            if (trim_delay(trial) <= want) {
                code = trial;
            }
        }
        if (code < full) {
            const double d_lo = trim_delay(code);
            const double d_hi = trim_delay(code + 1);
            if (std::abs(d_hi - want) < std::abs(d_lo - want)) {
                ++code;
            }
        }
    }
    c.trim_code = code;

    // (3) The calibrated line, measured: T_SW at N/2 -+ 1 and T_REF in the final configuration.
    // The latch loads D_in differently once REF has risen, so T_SW(N/2 - 1) moves slightly when
    // REF moves from the end of the long calibration line to the midpoint: re-centre the code on
    // the measured midpoint (at most four corrections, each re-measured).
    circuits::TbsSpec final_tbs = base;
    final_tbs.delay_stages = c.delay_stages;
    for (int pass = 0;; ++pass) {
        final_tbs.trim_code = code;
        const Cal fin_above = run_bench(final_tbs, above, t_stop_cal, false);
        const Cal fin_below = run_bench(final_tbs, below, t_stop_cal, false);
        if (!fin_above.t_sw || !fin_below.t_sw || !fin_above.t_ref) {
            calibration_failed("the calibrated sense amplifier did not switch");
        }
        c.t_sw_above_s = *fin_above.t_sw;
        c.t_sw_below_s = *fin_below.t_sw;
        c.target_s = circuits::midpoint_reference(c.t_sw_above_s, c.t_sw_below_s);
        c.t_ref_s = *fin_above.t_ref;
        if (bits == 0 || pass == 4 || !(c.trim_lsb_s > 0.0)) {
            break;
        }
        const double full = static_cast<double>((std::uint32_t{1} << bits) - 1);
        const double next = std::clamp(static_cast<double>(code) +
                                           std::round((c.target_s - c.t_ref_s) / c.trim_lsb_s),
                                       0.0, full);
        if (static_cast<std::uint32_t>(next) == code) {
            break;
        }
        code = static_cast<std::uint32_t>(next);
    }
    c.trim_code = code;
    // A midpoint the line cannot reach (shorter than its first tap with the trim at zero) would
    // leave T_REF far from it; such a design point is refused rather than used (measured: a
    // boosted default TBS at N = 16 switches in 0.3 ns, one coarse stage is 0.9 ns).
    const double tolerance = bits > 0 ? std::max(c.trim_lsb_s, 1e-12) : 0.5 * c.coarse_stage_s;
    if (c.residual_s() > tolerance) {
        calibration_failed("the reference cannot reach the midpoint " + units::to_eng(c.target_s) +
                           " s (T_REF " + units::to_eng(c.t_ref_s) + " s with " +
                           std::to_string(c.delay_stages) +
                           " coarse stages): raise the TBS load (M_LOAD) or shorten the delay "
                           "line's stages");
    }
    // The per-sample bench: fixed text, loaded before each sample and then altered.
    if (spec_.reference == ReferenceMode::design_time) {
        bench_ = tbs_bench(spec_.sense, final_tbs, c.v_sl_above, 1.0,
                           final_tbs.t_start + spec_.window_factor * c.t_ref_s);
    } else {
        bench_ = tbs_bench(spec_.sense, front_end_tbs(spec_.sense.tbs), c.v_sl_above, 1.0,
                           final_tbs.t_start + kDieWindow * c.target_s);
        // Measured: for some dies ngspice's dynamic gmin stepping ends on a non-physical
        // operating point of the latch and line (nodes at 4-13 V with a 1.1 V supply, reported
        // as converged), and for others source stepping fails. A run whose initial solution is
        // off the rails is repeated on the same text without gmin steps (source stepping only).
        netlist::Netlist fallback = *bench_;
        fallback.set_option("gminsteps", 0.0);
        fallback_text_ = fallback.to_spice();
    }
    tbs_text_ = bench_->to_spice();
    // Committed only when complete: a calibration that throws leaves none behind, so the next
    // sample calibrates again instead of running on a reference without its local bias (which
    // made the first sample of every worker fail and the rest differ from a 1-worker sweep).
    c.local_bias_s = local_bias(c.target_s);
    calibration_ = c;
    return *calibration_;
}

netlist::Netlist SenseEvaluator::tbs_netlist() {
    static_cast<void>(calibration());
    return *bench_;
}

SenseSample SenseEvaluator::evaluate(std::size_t k, std::uint64_t index) {
    static_cast<void>(calibration());
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    SenseSample sample;
    sample.k = k;
    sample.index = index;
    sample.t_sw_s = kNaN;
    sample.t_ref_s = kNaN;
    sample.tm_s = kNaN;
    sample.die_t_sw_above_s = kNaN;
    sample.die_t_sw_below_s = kNaN;
    sample.die_target_s = kNaN;
    const std::uint64_t key = sample_key(k, index);
    const netlist::Netlist row = row_netlist(k, index);
    try {
        const RowOp op = row_op(session_, row, test_current());
        if (!op.run.usable()) {
            sample.status = op.run.status;
            sample.message = "row .op: " + op.run.summary();
            sample.elapsed_s = elapsed_since(t0);
            sample.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
            return sample;
        }
        sample.v_sl = op.v_sl;
        sample.r_th_ohm = op.r_th;
        sample = spec_.reference == ReferenceMode::design_time
                     ? measure_design_time(std::move(sample), key)
                     : measure_per_die(std::move(sample), key);
    } catch (const InputError&) {
        throw;
    } catch (const Error& e) {
        sample.status = spice::RunStatus::fatal;
        sample.message = e.what();
    }
    sample.elapsed_s = elapsed_since(t0);
    sample.cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    return sample;
}

SenseSample SenseEvaluator::measure_design_time(SenseSample sample, std::uint64_t key) {
    const auto loaded = session_.load(tbs_text_);
    if (!loaded.usable()) {
        sample.status = loaded.status;
        sample.message = "TBS load: " + loaded.summary();
        return sample;
    }
    session_.alter("Vmc_vth", "dc", sample.v_sl);
    // A non-positive R_th (cannot happen for a passive row) would make the bench unphysical.
    session_.alter("Rmc_rth", "resistance", std::max(sample.r_th_ohm, 1e-3));
    // Every MOSFET of the bench, by the name the netlist gives it (the stream key of its draw).
    const netlist::Netlist& bench = *bench_;
    const auto shifts = mos_shifts(bench, spec_.variation, spec_.seed, key);
    for (const auto& shift : shifts) {
        session_.alter(shift.device, "delvto", shift.delvto);
    }
    const auto r = session_.run();
    sample.status = r.status;
    if (!r.usable()) {
        sample.message = "TBS transient: " + r.summary();
        return sample;
    }
    const circuits::TbsSpec tbs = calibrated_tbs();
    const TbsTimes times = read_tbs_times(session_, bench, tbs);
    sample.v_sense = times.v_sense;
    if (!times.t_ref) {
        sample.message = "REF did not switch within the window";
        return sample;
    }
    sample.t_ref_s = *times.t_ref;
    if (!times.t_sw) {
        sample.message = "D_in did not switch within the window (T_SW > " +
                         units::to_eng(spec_.window_factor * calibration().t_ref_s) + " s)";
        return sample;
    }
    sample.t_sw_s = *times.t_sw;
    sample.tm_s = sample.t_sw_s - sample.t_ref_s;
    return sample;
}

spice::RunResult SenseEvaluator::run_front_end(double v_sl, double r_th,
                                               const VariationSpec& variation, std::uint64_t key,
                                               TbsTimes& times) {
    const netlist::Netlist& bench = *bench_;
    const circuits::TbsSpec tbs = front_end_tbs(spec_.sense.tbs);
    const double vdd = 2.0 * circuits::tbs_threshold(tbs);
    // Every run starts from a fresh load, so it does not depend on the runs before it.
    const auto attempt = [&](const std::string& text) -> spice::RunResult {
        const auto loaded = session_.load(text);
        if (!loaded.usable()) {
            return loaded;
        }
        session_.alter("Vmc_vth", "dc", v_sl);
        session_.alter("Rmc_rth", "resistance", std::max(r_th, 1e-3));
        for (const auto& shift : mos_shifts(bench, variation, spec_.seed, key)) {
            session_.alter(shift.device, "delvto", shift.delvto);
        }
        return session_.run();
    };
    // The initial solution is physical when every probed SA node starts within the rails
    // (0.2 V of slack for Newton's tolerance and the junctions).
    const auto physical = [&]() {
        for (const char* probe : {"v_sa_din", "v_sa_load", "v_sa_ref", "v_sa_q"}) {
            const double v0 = session_.vector(bench.probe(probe).vector_name()).at(0);
            if (!(v0 > -0.2 && v0 < vdd + 0.2)) {
                return false;
            }
        }
        return true;
    };
    auto r = attempt(tbs_text_);
    if (!r.usable() || !physical()) {
        r = attempt(fallback_text_);
        if (r.usable() && !physical()) {
            r.status = spice::RunStatus::nonconvergence;
            r.diagnostics.emplace_back(
                "spincim: non-physical initial operating point (SA node outside the rails)");
        }
    }
    if (r.usable()) {
        times = read_tbs_times(session_, bench, tbs);
    }
    return r;
}

double SenseEvaluator::local_bias(double target_s) {
    const VariationSpec local = local_part(spec_.variation);
    const bool has_local = local.avt_v_m > 0.0 || local.area.local > 0.0 || local.tox.local > 0.0 ||
                           local.tfl.local > 0.0 || local.tmr0.local > 0.0;
    if (spec_.reference != ReferenceMode::per_die || !spec_.variation.enabled || !has_local ||
        spec_.bias_pairs == 0) {
        return 0.0;
    }
    VariationSpec twin = local;
    twin.antithetic = true;
    const std::size_t half = spec_.n / 2;
    // Draws far above any sweep's sample indices (sample_key allows indices below 2^40).
    constexpr std::uint64_t kBiasIndex = (std::uint64_t{1} << 40) - (std::uint64_t{1} << 20);
    const VariationSpec nominal = [&] {
        VariationSpec v = spec_.variation;
        v.enabled = false;
        return v;
    }();
    const auto t_sw = [&](std::size_t k, const VariationSpec* variation, std::uint64_t key) {
        const RowOp op =
            row_op(session_, make_row(k, sample_key(k, 0), variation, key), test_current());
        const std::string which = "local bias: the row of N1 = " + std::to_string(k) +
                                  (variation ? " (local draw " + std::to_string(key) + ")" : "");
        if (!op.run.usable()) {
            calibration_failed(which + ", row .op: " + op.run.summary());
        }
        TbsTimes times;
        const auto r =
            run_front_end(op.v_sl, op.r_th, variation ? *variation : nominal, key, times);
        if (!r.usable()) {
            calibration_failed(which + ", TBS transient: " + r.summary());
        }
        if (!times.t_sw) {
            calibration_failed(which + ": D_in did not switch within " +
                               units::to_eng(kDieWindow * target_s) + " s");
        }
        return *times.t_sw;
    };
    const double nominal_mid = 0.5 * (t_sw(half + 1, nullptr, 0) + t_sw(half - 1, nullptr, 0));
    // A draw whose transient does not converge (as a sweep sample it would be `nonconv`) is
    // skipped with its antithetic twin, and the next key taken, up to 4x the pairs asked for: the
    // keys tried are the same in every worker, so the bias is too.
    double sum = 0.0;
    std::size_t used = 0;
    std::string last_failure;
    for (std::size_t i = 0; used < spec_.bias_pairs && i < 4 * spec_.bias_pairs; ++i) {
        const std::uint64_t key = sample_key(half, kBiasIndex + i);
        try {
            double pair = 0.0;
            for (const VariationSpec* v : std::array<const VariationSpec*, 2>{&local, &twin}) {
                pair += 0.5 * (t_sw(half + 1, v, key) + t_sw(half - 1, v, key));
            }
            sum += pair;
            ++used;
        } catch (const SimulationError& e) {
            last_failure = e.what();
        }
    }
    if (used < spec_.bias_pairs) {
        calibration_failed("local bias: only " + std::to_string(used) + " of " +
                           std::to_string(spec_.bias_pairs) + " draw pairs in " +
                           std::to_string(4 * spec_.bias_pairs) +
                           " gave T_SW (last: " + last_failure + ")");
    }
    return sum / static_cast<double>(2 * used) - nominal_mid;
}

SenseSample SenseEvaluator::measure_per_die(SenseSample sample, std::uint64_t key) {
    const std::size_t half = spec_.n / 2;
    const VariationSpec global = global_part(spec_.variation);
    const std::size_t k_sample = sample.k;
    // (1) The die's calibration rows: fixed test vectors, global shifts only.
    RowOp die_op[2];
    const std::size_t die_k[2] = {half + 1, half - 1};
    for (std::size_t i = 0; i < 2; ++i) {
        die_op[i] =
            row_op(session_, die_calibration_row(die_k[i], k_sample, sample.index), test_current());
        if (!die_op[i].run.usable()) {
            sample.status = die_op[i].run.status;
            sample.message = "die calibration row .op at N1 = " + std::to_string(die_k[i]) + ": " +
                             die_op[i].run.summary();
            return sample;
        }
    }
    // (2) Three runs of the front-end bench: the die's two calibration inputs with the global
    // MOS shifts, then the sample with global + local shifts.
    double die_t_sw[2] = {kNaN, kNaN};
    for (std::size_t i = 0; i < 2; ++i) {
        TbsTimes times;
        const auto r = run_front_end(die_op[i].v_sl, die_op[i].r_th, global, key, times);
        if (!r.usable()) {
            sample.status = r.status;
            sample.message = "die calibration transient: " + r.summary();
            return sample;
        }
        if (!times.t_sw) {
            sample.message =
                "die calibration: D_in did not switch at N1 = " + std::to_string(die_k[i]) +
                " within " + units::to_eng(kDieWindow * calibration().target_s) + " s";
            return sample;
        }
        die_t_sw[i] = *times.t_sw;
    }
    sample.die_t_sw_above_s = die_t_sw[0];
    sample.die_t_sw_below_s = die_t_sw[1];
    sample.die_target_s =
        circuits::midpoint_reference(die_t_sw[0], die_t_sw[1]) + calibration().local_bias_s;
    const double lsb = calibration().trim_lsb_s;
    const double phase = spec_.variation.enabled
                             ? lsb * RandomStream(spec_.seed, key, "calib.trim_phase").uniform()
                             : 0.0;
    sample.t_ref_s = quantize_reference(sample.die_target_s, lsb, phase);

    // (3) The sample itself.
    TbsTimes times;
    const auto r = run_front_end(sample.v_sl, sample.r_th_ohm, spec_.variation, key, times);
    sample.status = r.status;
    if (!r.usable()) {
        sample.message = "TBS transient: " + r.summary();
        return sample;
    }
    sample.v_sense = times.v_sense;
    const double window = spec_.window_factor * sample.t_ref_s;
    if (!times.t_sw || *times.t_sw > window) {
        sample.message =
            "D_in did not switch within the window (T_SW > " + units::to_eng(window) + " s)";
        return sample;
    }
    sample.t_sw_s = *times.t_sw;
    sample.tm_s = sample.t_sw_s - sample.t_ref_s;
    return sample;
}

MismatchReport SenseEvaluator::mismatch_contributions(std::size_t k, std::size_t row_draws) {
    if (row_draws < 2) {
        bad("row_draws", "must be at least 2, got " + std::to_string(row_draws));
    }
    const SenseCalibration& cal = calibration();
    MismatchReport report;
    report.k = k;
    report.step_s = 0.5 * std::abs(cal.t_sw_below_s - cal.t_sw_above_s);
    report.dt_dv_sl = (cal.t_sw_above_s - cal.t_sw_below_s) / (cal.v_sl_above - cal.v_sl_below);
    const RowOp nominal =
        row_op(session_, make_row(k, sample_key(k, 0), nullptr, 0), test_current());
    if (!nominal.run.usable()) {
        throw SimulationError("mismatch: nominal row .op: " + nominal.run.summary());
    }
    report.v_sl = nominal.v_sl;
    const netlist::Netlist& bench = *bench_;
    const circuits::TbsSpec tbs = spec_.reference == ReferenceMode::per_die
                                      ? front_end_tbs(spec_.sense.tbs)
                                      : calibrated_tbs();
    // T_SW of the bench with the given threshold shifts (element name -> delvto).
    const auto t_sw = [&](const std::vector<MosShift>& shifts) {
        auto r = session_.load(tbs_text_);
        if (r.usable()) {
            session_.alter("Vmc_vth", "dc", nominal.v_sl);
            session_.alter("Rmc_rth", "resistance", std::max(nominal.r_th, 1e-3));
            for (const auto& shift : shifts) {
                session_.alter(shift.device, "delvto", shift.delvto);
            }
            r = session_.run();
        }
        if (!r.usable()) {
            throw SimulationError("mismatch: TBS transient: " + r.summary());
        }
        const TbsTimes times = read_tbs_times(session_, bench, tbs);
        if (!times.t_sw) {
            throw SimulationError("mismatch: D_in did not switch at N1 = " + std::to_string(k));
        }
        return *times.t_sw;
    };
    report.t_sw_s = t_sw({});

    // Devices one at a time: +1 sigma of the local (Pelgrom) threshold shift.
    const std::vector<MosDevice> devices = mos_devices(bench);
    for (const auto& d : devices) {
        const double sigma = pelgrom_sigma(spec_.variation.avt_v_m, d.w, d.l, d.m);
        if (sigma > 0.0) {
            report.items.push_back({d.device, sigma, t_sw({{d.device, sigma}}) - report.t_sw_s});
        }
    }
    if (spec_.reference == ReferenceMode::design_time) {
        for (const bool pmos : {false, true}) {
            const double sigma =
                pmos ? spec_.variation.global_vth_p_v : spec_.variation.global_vth_n_v;
            std::vector<MosShift> shifts;
            for (const auto& d : devices) {
                if (d.pmos == pmos) {
                    shifts.push_back({d.device, sigma});
                }
            }
            if (sigma > 0.0) {
                report.items.push_back(
                    {pmos ? "global: PMOS" : "global: NMOS", sigma, t_sw(shifts) - report.t_sw_s});
            }
        }
    }

    // The row: spread of V_SL under its local MOS or local MTJ variation alone.
    const VariationSpec local = local_part(spec_.variation);
    VariationSpec mos_only = local;
    VariationSpec mtj_only = local;
    for (ParamSigma* p : {&mos_only.area, &mos_only.tox, &mos_only.tfl, &mos_only.tmr0}) {
        p->local = 0.0;
    }
    mtj_only.avt_v_m = 0.0;
    for (const auto& [label, variation] :
         {std::pair{"row: local MOS", &mos_only}, std::pair{"row: local MTJ", &mtj_only}}) {
        double sum = 0.0;
        double sum2 = 0.0;
        for (std::size_t i = 0; i < row_draws; ++i) {
            const RowOp op =
                row_op(session_, make_row(k, sample_key(k, 0), variation, sample_key(k, i)),
                       test_current());
            if (!op.run.usable()) {
                throw SimulationError(std::string("mismatch: ") + label +
                                      " .op: " + op.run.summary());
            }
            sum += op.v_sl;
            sum2 += op.v_sl * op.v_sl;
        }
        const double n = static_cast<double>(row_draws);
        const double var = std::max(0.0, (sum2 - sum * sum / n) / (n - 1.0));
        const double sd = std::sqrt(var);
        report.items.push_back({label, sd, sd * std::abs(report.dt_dv_sl)});
    }
    double total = 0.0;
    for (const auto& item : report.items) {
        total += item.dt_s * item.dt_s;
    }
    report.linear_sigma_s = std::sqrt(total);
    std::stable_sort(report.items.begin(), report.items.end(), [](const auto& a, const auto& b) {
        return std::abs(a.dt_s) > std::abs(b.dt_s);
    });
    return report;
}

} // namespace spincim::montecarlo
