#pragma once
// Monte Carlo samples of the STT-BNN sense path of seed 001 (Pham et al., "STT-BNN", IEEE JETCAS
// 12(2), 2022): one row read (Sec. III, Eq. (5)) sensed by the time-based sense amplifier
// (Sec. III.B, Fig. 6(a)), optionally through the SL booster (Sec. IV.B, Fig. 9), under process
// variation (Sec. IV). One sample is one (k = N1, index): its time margin TM = T_SW - T_REF
// (Eq. (7)) is what RER(k) = Pr[TM < 0] (for k > N/2: Pr[TM > 0]) is estimated from.
//
// Decomposition (why a sample costs ~1 s instead of the ~14 s of a coupled N = 128 transient):
// the TBS input is the gate of M_ST, which draws no DC current (only gate tunnelling, nA), so
// the row sees an open circuit and V_SL at sensing time is the row's DC operating point with the
// MTJs frozen in their states (seed 001 Sec. II: the read current is far below Ic0):
//   (a) row `.op` with the varied devices -> V_SL; a second `.op` with a test current I_t pushed
//       into the SL (the current source is altered on the loaded circuit) -> the Thevenin
//       resistance R_th = dV_SL / I_t of the row as seen from the SL;
//   (b) the TBS (+ booster) transient driven by V_SL through R_th, with C_SL on the SL node, and
//       the periphery's mismatch applied by `alter @m...[delvto]` on the loaded TBS circuit (its
//       netlist text is the same for every sample; only V_SL, R_th and the delvto values change)
//       -> T_SW (D_in crossing VDD/2 after `start`), T_REF (REF crossing VDD/2), TM.
// The test suite compares TM of (a)+(b) with the coupled sense_row() transient.
//
// The MTJ variation acts on subcircuit parameters, which ngspice folds into expressions when it
// reads the netlist, so the row is loaded again for every sample (its text also carries the
// sample's weights and inputs). The session holds one circuit, so the TBS netlist is re-loaded
// as well (a few ms) before its values are altered. Every value of a sample is set explicitly
// after each load, so a sample does not depend on what the session ran before (tested bit for
// bit).
//
// Reference calibration (cached, nominal devices): T_SW at N1 = N/2 + 1 and N/2 - 1, the midpoint
// (circuits::midpoint_reference), the coarse stage count by circuits::pick_delay_stages, then the
// fine-trim capacitor bank code (TbsSpec::trim_bits) by successive approximation, as an on-chip
// digital calibration would do it: bit by bit from the MSB, keep a bit if T_REF stays at or below
// the target, then take the nearer of code and code + 1.
//
// Reference modes (SenseMcSpec::reference):
//   design_time  every die uses the line calibrated once on the nominal die above; the sample
//                transient simulates the whole TBS, line included, with the die's variation, so
//                T_REF carries the line's own variation and a die-level shift of M_ST's
//                subthreshold current is not followed by the super-threshold line.
//   per_die      (default) the line is "digitally configured" on every die (seed 001 Sec. III.B,
//                a built-in self-test calibration): the die's own switching times at
//                N1 = N/2 + 1 and N/2 - 1 are measured with fixed test vectors (those of the
//                nominal calibration), with the die's global (die-to-die) MTJ and MOS shifts and
//                nominal local devices, and T_REF(die) is set to their midpoint, up to the trim
//                resolution. Every die-level shift and the line's own mismatch are then removed
//                to within the trim LSB. Since T_REF(die) is known, the transients simulate only
//                the TBS front end (input, M_ST, load, sharpening inverter, latch, and a one-stage
//                line that keeps the latch's load on D_in the same in every run).
//                Quantization: on a die the trimmable line reaches the times phi + j LSB; the
//                phase phi (the line's untrimmed delay modulo the LSB) depends on the line's
//                variation, which is not simulated, so it is drawn uniformly in [0, LSB) per die
//                (stream "calib.trim_phase"; 0 when variation is off, i.e. every die is the
//                nominal one), and T_REF(die) = phi + LSB round((target - phi) / LSB): the residual
//                |T_REF - target| <= LSB / 2, uniform, as after a successive-approximation trim.
//                LSB: the nominal calibration's trim_lsb_s (the die's own LSB differs by a few %,
//                which changes T_REF by a few % of LSB / 2 only).
//                Local bias: within-die variation does not only spread T_SW, it shifts its
//                mean (measured at N = 128: the rows' local MOS mismatch lowers the mean V_SL by
//                0.34 mV, ~0.5 of the T_SW step between adjacent N1, and the sweep's TM means
//                sat ~110 ps = 0.75 step above the nominal ones at every k). A line calibrated
//                on silicon sees real rows, so its midpoint includes that shift: the die's target
//                is midpoint(global shifts) + local_bias_s, the mean shift of the midpoint over
//                bias_pairs antithetic pairs of rows drawn with local variation only (the pair
//                average cancels every linear term, so few pairs give the second-order shift
//                precisely).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/circuits/tbs.hpp"
#include "spincim/montecarlo/variation.hpp"
#include "spincim/netlist/netlist.hpp"
#include "spincim/spice/session.hpp"

namespace spincim::montecarlo {

enum class ReferenceMode { per_die, design_time };

// "per_die" / "design_time"; parse_reference_mode throws InputError for anything else.
[[nodiscard]] std::string_view reference_mode_name(ReferenceMode mode);
[[nodiscard]] ReferenceMode parse_reference_mode(std::string_view text);

struct SenseMcSpec {
    // Row size N and the circuit: sense.row gives the row parameters (its weights/inputs are
    // ignored: every sample draws its own with circuits::xnor_vectors_for_n1), sense.booster the
    // optional booster, sense.tbs the sense amplifier. tbs.delay_stages is the length of the line
    // simulated for calibration (extended automatically if too short) and tbs.trim_code is set
    // by the calibration. Defaults: see default_sense_mc_spec().
    std::size_t n = 128;
    circuits::SenseRowSpec sense;
    VariationSpec variation;
    std::uint64_t seed = 0;
    // Transient window after tbs.t_start, as a multiple of the calibrated T_REF: a sample whose
    // T_SW lies beyond it reports t_sw_s = NaN (TM > 0 certainly, value unknown).
    // (per_die: a multiple of the die's T_REF.)
    double window_factor = 2.0;
    // How T_REF is set on each die (see the header comment).
    ReferenceMode reference = ReferenceMode::per_die;
    // per_die: antithetic pairs of rows (local variation only) that estimate the mean shift of
    // the midpoint under within-die variation (SenseCalibration::local_bias_s); 0: no correction.
    std::size_t bias_pairs = 8;
};

// The defaults used by the tests and the sweeps: seed 001 sizes (circuits::TbsSpec defaults)
// except the delay line: coarse stages of 400 fF (~0.9 ns; 12 stages reach the ~10 ns midpoint,
// 4x fewer transistors to simulate than 100 fF stages) and an 8-bit trim bank whose full scale
// (255 units) is 1.5 coarse stages, so that the nearest coarse tap plus the trim always brackets
// the target (LSB ~5 ps); the given N and, optionally, the default 2-stage booster.
[[nodiscard]] SenseMcSpec default_sense_mc_spec(std::size_t n, bool booster);

// Validates (InputError naming the field).
void check_sense_mc_spec(const SenseMcSpec& spec);

// A text that changes whenever the samples of `spec` could: the nominal sense bench's netlist
// (every device size, model parameter and the booster, whatever set them: the study or the
// built-in defaults), the name and content of each model file it includes (not their folder), and
// the variation and evaluator settings. A sweep's study hash includes it, so `--resume` refuses a
// journal whose samples came from other defaults or model files, not only from another study.
[[nodiscard]] std::string design_fingerprint(const SenseMcSpec& spec);

struct SenseCalibration {
    std::size_t delay_stages = 0; // coarse stages K
    std::uint32_t trim_code = 0;  // fine-trim bank code
    double v_sl_above = 0.0;      // nominal V_SL at N1 = N/2 + 1, V
    double v_sl_below = 0.0;      // nominal V_SL at N1 = N/2 - 1, V
    double t_sw_above_s = 0.0;    // T_SW(N/2 + 1) (faster)
    double t_sw_below_s = 0.0;    // T_SW(N/2 - 1) (slower)
    double target_s = 0.0;        // midpoint
    double t_ref_s = 0.0;         // T_REF at (K, code)
    double coarse_stage_s = 0.0;  // largest coarse stage delay seen in the calibration line
    double trim_lsb_s = 0.0;      // (T_REF(code max) - T_REF(0)) / code max at K
    std::size_t simulations = 0;  // transients run by the calibration
    // per_die: mean shift of the midpoint of T_SW(N/2 -+ 1) under within-die variation, from
    // bias_pairs antithetic pairs of rows (0 without local variation). Added to every die's
    // target: see the header comment ("Local bias").
    double local_bias_s = 0.0;
    // |T_REF - target|
    [[nodiscard]] double residual_s() const;
};

struct SenseSample {
    spice::RunStatus status = spice::RunStatus::ok;
    std::string message; // empty when everything was measured
    std::size_t k = 0;
    std::uint64_t index = 0;
    double v_sl = 0.0;      // row DC operating point, V
    double r_th_ohm = 0.0;  // Thevenin resistance of the row at the SL, Ohm
    double v_sense = 0.0;   // TBS input at tbs.t_start - t_edge (booster output or SL), V
    double t_sw_s = 0.0;    // from tbs.t_start; NaN if D_in did not switch in the window
    double t_ref_s = 0.0;   // from tbs.t_start
    double tm_s = 0.0;      // T_SW - T_REF (seed 001 Eq. (7))
    double elapsed_s = 0.0; // wall time of the sample's three simulator runs
    double cpu_s = 0.0;     // process CPU time of the sample (std::clock)
    // per_die only (NaN in design_time): the die's calibration, T_SW at N1 = N/2 + 1 and N/2 - 1
    // with the die's global shifts and nominal local devices, and their midpoint (T_REF before
    // quantization), all from tbs.t_start.
    double die_t_sw_above_s = 0.0;
    double die_t_sw_below_s = 0.0;
    double die_target_s = 0.0;
    // Status usable and every time measured.
    [[nodiscard]] bool valid() const;
};

// T_SW and T_REF (from tbs.t_start) of a transient of a netlist holding the TBS probes, read from
// the session's last run; nullopt when a crossing is missing.
struct TbsTimes {
    std::optional<double> t_sw;
    std::optional<double> t_ref;
    double v_sense = 0.0;
};
// Where the spread of the time margin comes from (a mismatch-contribution table, as circuit
// designers read one after a Monte Carlo run): at popcount k on the nominal row,
//   * every MOSFET of the sense bench: T_SW moved by a +1 sigma local threshold shift of that
//     device alone (Pelgrom sigma A_VT / sqrt(W L m)), all other devices nominal;
//   * the row: the standard deviation of V_SL over `row_draws` rows with only their local MOS
//     (access transistors, drivers) or only their local MTJ variation, times |dT_SW / dV_SL|;
//   * design_time reference only: every NMOS (PMOS) shifted together by the global sigma (the
//     per-die reference removes die-level shifts, see the header comment).
// To first order the contributions add in quadrature: linear_sigma_s = sqrt(sum dt^2). It is
// compared with the T_SW step between adjacent popcounts at the midpoint, step_s: RER at
// N/2 -+ 1 is ~Phi(-step / sigma) (Eq. (7) with mu_TM = one step).
struct MismatchContribution {
    std::string source; // "Msa_st" (element name), "row: local MOS", "global: NMOS", ...
    double sigma = 0.0; // 1-sigma of the varied quantity: delvto (V), or V_SL spread (V) for rows
    double dt_s = 0.0;  // T_SW shift (signed) for devices; T_SW spread (>= 0) for rows
};

struct MismatchReport {
    std::size_t k = 0;
    double v_sl = 0.0;           // nominal row, V
    double t_sw_s = 0.0;         // nominal T_SW from tbs.t_start
    double dt_dv_sl = 0.0;       // dT_SW / dV_SL at the midpoint (calibration rows), s/V
    double step_s = 0.0;         // |T_SW(N/2 - 1) - T_SW(N/2 + 1)| / 2
    double linear_sigma_s = 0.0; // sqrt(sum of dt_s^2)
    std::vector<MismatchContribution> items; // largest |dt_s| first
};

class SenseEvaluator {
public:
    // Validates the spec (InputError). The session must outlive the evaluator.
    SenseEvaluator(spice::Session& session, SenseMcSpec spec);

    [[nodiscard]] const SenseMcSpec& spec() const { return spec_; }
    // Runs the calibration on first use (nominal devices), then returns the cached result.
    // SimulationError if a nominal calibration run fails.
    const SenseCalibration& calibration();
    // The TBS spec with the calibrated delay stages and trim code.
    [[nodiscard]] circuits::TbsSpec calibrated_tbs();

    // One Monte Carlo sample. A failed simulation is reported in the sample's status, never
    // thrown. InputError for k > N.
    SenseSample evaluate(std::size_t k, std::uint64_t index);

    // The mismatch-contribution table at popcount k (see MismatchReport). SimulationError if a
    // nominal run fails; InputError for k > N or row_draws < 2.
    MismatchReport mismatch_contributions(std::size_t k, std::size_t row_draws = 40);

    // The row of sample (k, index) with its variation: `.op` netlist, with the test-current
    // source `mc_itest` (0 A) on the SL.
    [[nodiscard]] netlist::Netlist row_netlist(std::size_t k, std::uint64_t index) const;
    // The reference the decomposition must reproduce: the coupled sense_row() transient of sample
    // (k, index) with the calibrated TBS, variation applied to every device.
    [[nodiscard]] netlist::Netlist coupled_netlist(std::size_t k, std::uint64_t index);
    // The decomposed TBS bench (Thevenin source `mc_vth` + resistor `mc_rth` + C_SL, booster,
    // TBS), nominal values, `.tran` over the sample window: the calibrated line (design_time) or
    // the front end with a one-stage line (per_die).
    [[nodiscard]] netlist::Netlist tbs_netlist();
    // The die's row for the per-die calibration: N1 = k with the fixed calibration vectors, the
    // MTJ and MOS global shifts of sample (k_sample, index), nominal local devices.
    [[nodiscard]] netlist::Netlist die_calibration_row(std::size_t k, std::size_t k_sample,
                                                       std::uint64_t index) const;

private:
    SenseSample measure_design_time(SenseSample sample, std::uint64_t key);
    SenseSample measure_per_die(SenseSample sample, std::uint64_t key);
    // One run of the per-die front-end bench (fresh load, every value altered), with a fallback
    // without gmin stepping when the initial solution is not physical. Times when usable.
    spice::RunResult run_front_end(double v_sl, double r_th, const VariationSpec& variation,
                                   std::uint64_t key, TbsTimes& times);
    // SenseCalibration::local_bias_s for a die target of target_s (bench_ and the texts must be
    // set; calibration_ need not be).
    [[nodiscard]] double local_bias(double target_s);
    [[nodiscard]] double test_current() const;
    [[nodiscard]] netlist::Netlist make_row(std::size_t k, std::uint64_t vectors_key,
                                            const VariationSpec* variation,
                                            std::uint64_t variation_key) const;

    spice::Session& session_;
    SenseMcSpec spec_;
    std::optional<SenseCalibration> calibration_;
    std::optional<netlist::Netlist> bench_;
    std::string tbs_text_;
    std::string fallback_text_; // per_die: the bench without gmin stepping
};

[[nodiscard]] TbsTimes read_tbs_times(const spice::Session& session, const netlist::Netlist& net,
                                      const circuits::TbsSpec& tbs);

} // namespace spincim::montecarlo
