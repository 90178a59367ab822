#pragma once
// Source-line voltage booster of seed 001 (Pham et al., "STT-BNN", IEEE JETCAS 12(2), 2022),
// Section IV.B and Fig. 9, after the boosted-voltage sensing of its ref. [22] (Trinh, Ruocco,
// Alioto, IEEE TCAS-I 63(10), 2016): a switched-capacitor stack between the source line (SL) and
// the time-based sense amplifier that magnifies V_SL by G = V_boosted / V_SL.
//
// Topology (n stages, capacitor C_k between top_k and bot_k):
//   phase 1 (phi1 high, "sample"): top_k -> input, bot_k -> ground, for every k: each capacitor is
//     charged to V_in, and so is the output node (= top_n) and its load.
//   phase 2 (phi2 high, "boost"):  bot_1 -> input, bot_k -> top_(k-1) for k >= 2: the capacitors
//     are stacked in series on top of V_in, so top_n reaches (n + 1) V_in without load.
// Phases do not overlap (phi1 falls before phi2 rises), so no capacitor is ever shorted.
//
// Charge sharing with the load (the formula the tests compare with, derived here): in phase 2 the
// n capacitors form a series chain of capacitance C/n, pre-charged to n V_in, that drives the load
// C_L, which was pre-charged to V_in. The top-plate charge dq that leaves the chain lands on C_L:
//   V_out = V_in + dq / C_L = V_in + n V_in - n dq / C
//   =>  G = V_out / V_in = 1 + n C / (C + n C_L)          (booster_gain_estimate)
// which is n + 1 for C_L -> 0 (the ideal stage count of ref. [22]) and falls as the load grows.
// MOS switches add their junction and overlap capacitance to the internal nodes and inject channel
// charge when they open; both lower G further (measured and reported by the tests).
//
// Named probes: v_bst_in, v_bst_out, v_bst_top_<k>, v_bst_phi1, v_bst_phi2 and the branch currents
// of the clock sources i_bst_phi1, i_bst_phi1b, i_bst_phi2, i_bst_phi2b (their energy is the
// booster's share of E_SA in seed 001 Fig. 11(b); with ideal switches the clocks draw nothing).

#include <cstddef>
#include <string>

#include "spincim/netlist/netlist.hpp"

namespace spincim::circuits {

// CMOS cells shared by the periphery generators (booster, time-based sense amplifier). Widths and
// lengths are absolute (m); `card` is a models::cmos_card name. Elements are named
// `<name>n`/`<name>p`.
struct CmosCell {
    std::string cmos = "cmos65";
    double wn = 0.0; // NMOS width, m
    double wp = 0.0; // PMOS width, m
    double l = 0.0;  // channel length, m
};
// Static CMOS inverter in -> out powered from `supply`.
void add_inverter(netlist::Netlist& net, const std::string& name, const netlist::Node& in,
                  const netlist::Node& out, const netlist::Node& supply, const CmosCell& cell);
// Transmission gate between a and b, conducting while `on` is high and `on_b` low (PMOS bulk on
// `supply`).
void add_transmission_gate(netlist::Netlist& net, const std::string& name, const netlist::Node& a,
                           const netlist::Node& b, const netlist::Node& on,
                           const netlist::Node& on_b, const netlist::Node& supply,
                           const CmosCell& cell);

enum class BoosterSwitch { transmission_gate, ideal };

struct BoosterSpec {
    std::size_t stages = 2;   // n (seed 001 Sec. IV.B: second-order booster, n = 2)
    double c_boost = 200e-15; // each boosting capacitor, F (seed 001 Sec. IV.B: 200 fF)
    BoosterSwitch sw = BoosterSwitch::transmission_gate;
    std::string cmos = "cmos65";      // card of the switches and of the clock levels (its VDD)
    double switch_width_factor = 4.0; // switch transistor width in multiples of the card's w_min
    double ideal_r_on = 100.0;        // on-resistance of ideal switches, Ohm
    double t_sample = 0.5e-9;         // phase 1 starts (rising edge of phi1), s
    double t_boost = 3.0e-9;          // phase 2 starts (rising edge of phi2), s
    double t_gap = 0.1e-9;            // non-overlap: phi1 falls t_gap before phi2 rises, s
    double t_edge = 20e-12;           // clock rise/fall time, s
};

// Validates the spec (InputError naming the field, e.g. `booster: stages must be in [1, 8]`).
void check_booster_spec(const BoosterSpec& spec);

// Adds the booster between `input` and `output` to `net`: its elements (prefix `bst`), its clock
// sources (phi1, phi1b, phi2, phi2b), the `sw` model card for ideal switches, the CMOS card
// include for transmission gates, and the probes listed above. `output` is top_n.
void add_booster(netlist::Netlist& net, const BoosterSpec& spec, const netlist::Node& input,
                 const netlist::Node& output);

// A test bench: ideal DC source v_in on `bst_in`, the booster, a load capacitor c_load on the
// output and `.tran` to t_stop.
[[nodiscard]] netlist::Netlist booster_testbench(const BoosterSpec& spec, double v_in,
                                                 double c_load, double t_stop);

// G = 1 + n C / (C + n C_L): the charge-sharing gain derived in the header comment.
[[nodiscard]] double booster_gain_estimate(std::size_t stages, double c_boost, double c_load);

} // namespace spincim::circuits
