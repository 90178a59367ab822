#pragma once
// The 2T2J STT-MRAM XNOR row of seed 001 (Pham et al., "STT-BNN", IEEE JETCAS 12(2), 2022),
// Sections II-III, Figs. 2 and 5.
//
// One row of N bitcells. Bitcell j has two access NMOS (gates on the shared wordline `wl`, sources
// on the shared source line `sl`) whose drains go to MTJ_0 and MTJ_1; the other MTJ terminals are
// the bitline pair bl0_j / bl1_j. MTJ_0 is P (low R) for weight W = +1 and AP for W = -1; MTJ_1 is
// in the complementary state (seed 001, Sec. II). Input IN = +1 drives V_BL on bl0_j and 0 on
// bl1_j, IN = -1 the opposite. The conducting (V_BL) branch therefore goes through the P junction
// exactly when XNOR(W, IN) = +1, and the row's source line settles at Eq. (5):
//   V_SL = V_BL (N0/N · R_bitcell/(R_AP + R_acc) + N1/N · R_bitcell/(R_P + R_acc)),
//   R_bitcell = (R_P + R_acc) || (R_AP + R_acc),
// linear in N1 with midpoint V_SL(N/2) = V_BL/2.
//
// Bitline drivers (seed 001 Fig. 5, "NMOS and PMOS selection transistors"): each bitline has a
// transmission gate (NMOS + PMOS in parallel) from the V_BL rail and an NMOS pull-down to ground,
// gated by the column's digital input pair in_j / inb_j at the card's VDD. A PMOS alone could not
// pass 0.3 V (|V_GS| = 0.3 V is below its threshold), so the NMOS of the gate carries the read
// current; the PMOS is there because the paper's drivers have it. `BlDriver::ideal` replaces the
// drivers by one voltage source per bitline (for checks of Eq. (5) without driver resistance).
//
// Analysis: `.op`. Seed 001 reads V_SL after the wordline has settled (Fig. 3 shows the waveforms
// settling to constant levels within the 10 ns read); the settled level is the DC operating point
// of the row with the MTJs frozen in their stored states (the read current is far below Ic0, so no
// switching happens in a read: MTJ instances use the static form dyn = 0, see models/mtj_stt.sub).
// C_SL is in the netlist for transients built on this generator; it is open at DC.
//
// Named probes (Netlist::probes()):
//   v_sl, v_wl, v_bl (the V_BL rail), i_vbl (branch current of the V_BL rail source; ideal drivers
//   have no rail: absent then),
//   v_bl0_<j>, v_bl1_<j>      bitline voltages of cell j (after the drivers),
//   i_mtj0_<j>, i_mtj1_<j>    MTJ currents of cell j, positive from the bitline towards the access
//                             transistor (the current-sense source inside the MTJ subcircuit).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spincim/models/mtj.hpp"
#include "spincim/netlist/netlist.hpp"

namespace spincim::circuits {

enum class BlDriver { transmission_gate, ideal };

struct XnorRowSpec {
    std::vector<int> weights; // W_j in {-1, +1}, one per bitcell (N = size)
    std::vector<int> inputs;  // IN_j in {-1, +1}, same size
    double v_bl = 0.3;        // bitline read voltage, V (seed 001 Sec. II: 0.3 V)
    double v_wl = 0.7;        // wordline voltage, V (seed 001 Sec. II: 0.7 V)
    // Access transistor width in multiples of the card's minimum width (seed 001: 4x, W = 0.54 um)
    // and length in multiples of its minimum length.
    double access_width_factor = 4.0;
    double access_length_factor = 1.0;
    BlDriver driver = BlDriver::transmission_gate;
    // Width of each driver transistor in multiples of the minimum width. Seed 001 does not size
    // the drivers; 16x keeps their on-resistance (~1 kOhm at the 65 nm card) small next to R_P
    // for one bitcell while staying a plausible per-column driver.
    double driver_width_factor = 16.0;
    // Source-line capacitance to ground, F. Assumption (seed 001 gives none): 50 fF, a row of
    // ~100 cells of 65 nm metal wiring and drain junctions.
    double c_sl = 50e-15;
    models::MtjParams mtj = models::stt_bnn_table1();
    std::string cmos = "cmos65"; // models::cmos_card name
    // Append `.op` (see the header comment). Without it the caller adds the analysis.
    bool add_op = true;
};

// The row netlist for one (N, weights, inputs). Pure function: same spec, same text. Throws
// spincim::InputError naming the field (e.g. `xnor row: weights[3] must be -1 or +1, got 0`).
[[nodiscard]] netlist::Netlist xnor_row(const XnorRowSpec& spec);

// XNOR(W, IN) = +1 when W == IN; the number of +1 outputs is N1 (seed 001, Sec. III.A).
[[nodiscard]] std::size_t count_xnor_plus(const std::vector<int>& weights,
                                          const std::vector<int>& inputs);

struct XnorVectors {
    std::vector<int> weights;
    std::vector<int> inputs;
};

// Weights and inputs of a row of `n` cells with exactly `n1` XNOR = +1 outputs, drawn from the
// streams (seed, sample, "xnor_row.weights") and (seed, sample, "xnor_row.positions"): weights
// are uniform +-1, the n1 cells with IN = W are a uniformly random subset (partial Fisher-Yates
// shuffle), the others get IN = -W. Deterministic in (n, n1, seed, sample). InputError if
// n == 0 or n1 > n.
[[nodiscard]] XnorVectors xnor_vectors_for_n1(std::size_t n, std::size_t n1, std::uint64_t seed,
                                              std::uint64_t sample);

// Seed 001 Eq. (5): V_SL of a row of n cells with n1 XNOR = +1 outputs, where r_p_branch =
// R_P + R_access and r_ap_branch = R_AP + R_access are the branch resistances, Ohm.
[[nodiscard]] double eq5_v_sl(std::size_t n, std::size_t n1, double v_bl, double r_p_branch,
                              double r_ap_branch);

// The probe names of the MTJ currents of an n-cell row (i_mtj0_0, i_mtj1_0, i_mtj0_1, ...).
[[nodiscard]] std::vector<std::string> xnor_mtj_current_probes(std::size_t n);

// Read-disturb check (seed 001 Table I: 50 uA keeps the unintended bitflip rate at 1e-9).
struct ReadCurrentCheck {
    double limit = models::stt_bnn_read_current_limit; // A
    double max_current = 0.0;                          // largest |I_MTJ| measured, A
    std::string probe;                                 // which MTJ carried it
    bool exceeds = false;                              // max_current > limit
    // Empty when within the limit, else a warning sentence naming the probe, current and limit.
    std::string warning;
};

// `currents` are (probe name, MTJ current in A) pairs, e.g. read from a simulation with
// xnor_mtj_current_probes(). InputError for an empty list, a non-finite current or limit <= 0.
[[nodiscard]] ReadCurrentCheck
check_read_current(const std::vector<std::pair<std::string, double>>& currents,
                   double limit = models::stt_bnn_read_current_limit);

} // namespace spincim::circuits
