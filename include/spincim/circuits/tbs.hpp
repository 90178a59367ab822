#pragma once
// Time-based sense amplifier (TBS) of seed 001 (Pham et al., "STT-BNN", IEEE JETCAS 12(2), 2022),
// Section III.B and Fig. 6(a), after its ref. [21] (Trinh, Ruocco, Alioto, "Time-based sensing
// for reference-less and robust read in STT-MRAM memories", IEEE TCAS-I 65(10), 2018).
//
// The source-line voltage is turned into a delay and compared with a delay-line reference:
//   * voltage-controlled current-starved inverter: precharge PMOS (gate `start`) from the SA
//     supply to node LOAD; discharge path LOAD -> switch NMOS (gate `start`) -> M_ST (gate =
//     sensed voltage, source grounded: the "starving" device that sets I_starving from V_SL)
//     -> ground; M_LOAD, an
//     NMOS gate capacitor on LOAD, sets the load. The delay is ~ C_LOAD (VDD/2) / I_starving, so it
//     falls as V_SL rises (seed 001 Fig. 6(b)). Elementary sizes from seed 001 Sec. IV.A: M_ST
//     16x minimum width, 8x minimum length; M_LOAD 4x / 4x; multiplicities 12 and 19 (the AER =
//     0.1 design point for N = 128).
//   * sharpening inverter LOAD -> D_in (seed 001: "an inverter is added between the LOAD node and
//     the latch input to sharpen the pulse"). T_SW is the time D_in crosses VDD/2 after `start`.
//   * delay line: `delay_stages` non-inverting stages (inverter, load capacitor, inverter) fed by
//     the same `start` edge; the output of the last stage is the reference edge REF at T_REF.
//     Its length is the digital configuration of seed 001 Sec. III.B (pick_delay_stages).
//   * latch: a transmission-gate D latch, transparent while REF is low, holding from the rising
//     edge of REF: Q = D_in(T_REF), i.e. Q = 1 when T_SW < T_REF (V_SL above the midpoint, the
//     accumulation is +1), Q = 0 otherwise (seed 001 Sec. III.B).
// The time margin is TM = T_SW - T_REF (seed 001 Eq. (7)); it is negative for N1 > N/2 and
// positive for N1 < N/2 with a reference at the midpoint.
//
// Named probes of add_tbs: v_sa_in, v_sa_start, v_sa_load, v_sa_din, v_sa_ref, v_sa_q, v_sa_vdd,
// v_sa_tap_<k> (k = 1..delay_stages; v_sa_ref is the last, or the trim stage's output
// v_sa_trim with trim_bits > 0), i_sa_vdd and i_sa_start (branch
// currents of the SA supply and of the start driver: their energy is E_SA of seed 001 Eq. (10)),
// v_sa_vref and i_sa_vref (the delay line's own supply).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spincim/circuits/booster.hpp"
#include "spincim/circuits/xnor_row.hpp"
#include "spincim/netlist/netlist.hpp"

namespace spincim::circuits {

struct TbsSpec {
    std::string cmos = "cmos65"; // models::cmos_card name; the SA runs at its VDD
    // Starving transistor M_ST and load M_LOAD (seed 001 Sec. IV.A).
    // Widths, the M_LOAD length and the M_ST multiplicity are the paper's. Two deviations, both
    // because the PTM 65 nm card (models/cmos65.lib) has a long-channel Vth of 0.42 V: with the
    // paper's 8x M_ST length the starved delay at V_SL = 0.15 V (the N1 = N/2 midpoint of Eq. (5))
    // is 174 ns (measured) instead of the paper's 10 ns, so M_ST has the minimum length (2.3 ns
    // with m_LOAD = 19), and M_LOAD's multiplicity is raised from 19 to 110 so that, as in the
    // paper, "their ratio keeps the reference delay equal to 10 ns" (measured: 9.0 ns at 100).
    double st_width_factor = 16.0;
    double st_length_factor = 1.0;
    int st_multiplicity = 12;
    double load_width_factor = 4.0;
    double load_length_factor = 4.0;
    int load_multiplicity = 110;
    // Precharge PMOS, start switch, sharpening inverter, delay line and latch: NMOS width in
    // multiples of w_min (PMOS twice as wide), minimum length.
    double logic_width_factor = 2.0;
    // Sharpening inverter (LOAD -> D_in), NMOS width and both lengths in multiples of the minimum
    // (PMOS twice as wide). It is the TBS's decision element: LOAD falls slowly (~VDD/2 in
    // ~10 ns), so a shift dV_M of the inverter's switching threshold moves T_SW by
    // dV_M / |dV_LOAD/dt|; with minimum-size devices (Pelgrom sigma ~20-26 mV at 65 nm) that is
    // several 100 ps, more than M_ST's own mismatch (measured with montecarlo's per-device
    // sensitivities; see netlists/stt_bnn_crer.yaml). Larger gates add to C_LOAD, which M_LOAD
    // can give back. Seed 001 gives no size; the default is the logic size.
    double sharpen_width_factor = 2.0;
    double sharpen_length_factor = 1.0;
    // Start switch between LOAD and M_ST, width and length in multiples of the minimum. It
    // cascodes M_ST: M_ST's drain sits ~V_th(switch) below VDD while LOAD is high, and a minimum
    // length M_ST in subthreshold follows its drain voltage through DIBL, so the switch's
    // threshold mismatch reaches I_starving (measured: a 1-sigma shift of an 8 x 1 switch moves
    // T_SW by ~225 ps at 10 ns, as much as M_ST's own mismatch). Default: 4x the logic width.
    double switch_width_factor = 8.0;
    double switch_length_factor = 1.0;
    // Delay line: number of stages and the capacitor loading each stage's inner node. The stage
    // delay is the resolution of T_REF: 0.23 ns per stage with 100 fF (measured), so 44 stages
    // reach ~10 ns; 20 fF gives 66 ps per stage for the finer steps N = 128 needs (seed 001:
    // 313 ps between N1 = N/2 -+ 1).
    std::size_t delay_stages = 44;
    double delay_stage_load = 100e-15; // F
    // Fine trim of the reference (seed 001 Sec. III.B: "digitally configuring the delay line"; a
    // coarse stage is ~0.23 ns while N = 128 needs T_REF within a small fraction of the 313 ps
    // between T_SW(N/2 -+ 1)). With trim_bits > 0 one more non-inverting stage follows the coarse
    // stages; its inner node carries a binary-weighted capacitor bank, bit b adding
    // trim_unit_cap * 2^b when bit b of trim_code is set, so T_REF = tap_K + d_trim(code) with
    // d_trim rising by ~(stage delay per farad) * trim_unit_cap per code step. The bank's switches
    // are ideal (a selected capacitor is connected, an unselected one is absent): a real bank's
    // switch junctions add a code-independent load that the calibration absorbs. trim_bits = 0:
    // no trim stage (REF is the last coarse tap).
    std::size_t trim_bits = 0;
    double trim_unit_cap = 2e-15; // F
    std::uint32_t trim_code = 0;
    double t_start = 4e-9;  // rising edge of `start` (evaluation begins), s
    double t_edge = 20e-12; // rise time of `start`, s
    // Evaluation window, s: `start` falls at t_start + t_eval, which precharges LOAD and resets the
    // delay line, so a transient past that edge holds one full sensing cycle (the energy of the
    // reset is part of E_SA). 0: `start` stays high.
    double t_eval = 0.0;
};

// Validates the spec (InputError naming the field, e.g. `tbs: delay_stages must be in [1, 400]`).
void check_tbs_spec(const TbsSpec& spec);

// Adds the TBS sensing node `input` to `net`: the CMOS card include, the SA supply `sa_vdd`, the
// start driver `sa_start`, the cells above (elements and nodes prefixed `sa_`) and the probes.
void add_tbs(netlist::Netlist& net, const TbsSpec& spec, const netlist::Node& input);

// Test bench: the TBS driven by an ideal DC source v_in (V_SL) and `.tran` to t_stop.
[[nodiscard]] netlist::Netlist tbs_testbench(const TbsSpec& spec, double v_in, double t_stop);

// A row read end to end (seed 001 Figs. 5, 6(a), 9): the 2T2J XNOR row, its wordline driver, the
// bitline precharge, optionally the SL booster, and the TBS on the SL (or the booster output).
//
// Timing: the V_BL rail rises at t_pre (bitline precharge: the rail charges the bitline
// capacitances c_bl through the drivers; the wordline is still low, so no cell conducts); the
// wordline rises at t_wl (the cells conduct and V_SL settles on C_SL, Eq. (5)) and falls at
// t_wl_off; the TBS starts at tbs.t_start. With a booster, its phase 1 starts at t_wl and phase 2
// at booster.t_boost (both taken from the booster spec; keep t_boost < tbs.t_start).
//
// The wordline driver is the two-stage buffer of seed 001 Sec. III ("each wordline is driven by a
// 2-stage buffer") supplied from a V_WL rail `vwl`, with its input `wl_in` at V_WL.
// Extra probes: v_vwl, i_vwl, v_wl_in, i_wl_in, v_vbl/i_vbl (from the row: v_bl, i_vbl).
struct SenseRowSpec {
    XnorRowSpec row; // row.add_op is ignored; row.c_sl is C_SL
    TbsSpec tbs;
    std::optional<BoosterSpec> booster;   // SL boosting (seed 001 Sec. IV.B)
    double c_bl = 15e-15;                 // per bitline, F. Assumption (seed 001 gives none):
                                          // 128 cells of 65 nm M2 wiring, ~0.2 fF/um x 64 um,
                                          // plus the MTJ-side junctions.
    double t_pre = 0.2e-9;                // s
    double t_wl = 1e-9;                   // s
    std::optional<double> t_wl_off = {};  // s; default: held high to the end
    double t_edge = 20e-12;               // edges of the rail, WL input, s
    double wl_driver_width_factor = 16.0; // 2nd-stage NMOS width / w_min (1st stage: 1/4 of it)
    double t_stop = 0.0;                  // s; 0: tbs.t_start + 25 ns
    // Rows M of the array that compute at once (seed 001 Sec. III.A: every row of the M x N array
    // accumulates in the same access, with the same bitline inputs). The bitline precharge and
    // the reference delay line serve all of them, so sense_row_supplies() books 1/M of their
    // energy to one accumulation. 1: a lone row.
    std::size_t array_rows = 1;
};

// Validates (InputError naming the field) and builds the netlist with `.tran` to t_stop.
[[nodiscard]] netlist::Netlist sense_row(const SenseRowSpec& spec);
// The end of the transient sense_row() runs to.
[[nodiscard]] double sense_row_stop(const SenseRowSpec& spec);

// One supply term of the energy per accumulation, seed 001 Eq. (10): the energy the voltage
// source whose voltage is probe `v_probe` and branch current `i_probe` delivers over [t0, t1]
// belongs to `component` (E_pre, E_BL, E_WL, E_SA, E_boost).
struct SupplyTerm {
    std::string component;
    std::string v_probe;
    std::string i_probe;
    double t0 = 0.0;
    double t1 = 0.0;
    double scale = 1.0; // 1/M for a term shared by the M rows of the array
};

// The supply terms of a sense_row() netlist:
//   E_pre   V_BL rail over [0, t_wl): charging the bitlines before the cells conduct (shared by
//           the array's rows: scaled by 1/array_rows);
//   E_BL    V_BL rail over [t_wl, t_stop]: the current of the N bitcells (and the SL, C_SL);
//   E_WL    the wordline buffer's V_WL rail and its input driver;
//   E_SA    the SA supply and the start driver;
//   E_REF   the reference delay line's supply (one line per array: scaled by 1/array_rows; seed
//           001 counts it inside E_SA);
//   E_boost the booster's clock drivers and switch-bulk supply (only with a booster; seed 001
//           Fig. 11(b) counts it inside E_SA: add the two for the paper's split).
[[nodiscard]] std::vector<SupplyTerm> sense_row_supplies(const SenseRowSpec& spec);

// The switching threshold used for T_SW and T_REF: half the SA supply, V.
[[nodiscard]] double tbs_threshold(const TbsSpec& spec);

// Automatic reference length (seed 001 Sec. III.B, "digitally configuring the delay line"): given
// the measured delay of every tap of the line (tap_delays[k - 1] = delay of stage k from `start`,
// increasing) and the target T_REF, returns the number of stages K whose delay is closest to it.
// InputError for an empty or non-increasing list or a non-finite target.
[[nodiscard]] std::size_t pick_delay_stages(std::span<const double> tap_delays, double target);

// The midpoint target: T_REF halfway between the switching times of the two accumulations that
// straddle the decision threshold, N1 = N/2 + 1 (faster) and N1 = N/2 - 1 (slower).
[[nodiscard]] double midpoint_reference(double t_sw_above, double t_sw_below);

} // namespace spincim::circuits
