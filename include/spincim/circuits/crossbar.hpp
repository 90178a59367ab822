#pragma once
// Passive M x N MTJ crossbar (seed 003: Goodwill et al., "Implementation of a Binary Neural Network
// on a Passive Array of Magnetic Tunnel Junctions", Phys. Rev. Applied 18, 014039 (2022),
// Sections II.A-D): one MTJ per crosspoint, no transistors or selectors, resistive row (word)
// and column (bit) lines, contact/external resistances at the pads, any drive pattern.
//
// Topology (the native solver, include/spincim/solvers/crossbar_solver.hpp, uses the same one):
//   row i:    Vrow<i> -- rp<i> --Rrc<i>-- re<i> --Rrs<i>_0-- r<i>_0 --Rrs<i>_1-- r<i>_1 ...
//   r<i>_<N-1>
//             pad on the left of column 0; N segments of r_row_segment (the first one from the
//             edge of the array to the first crosspoint).
//   column j: c0_<j> --Rcs0_<j>-- c1_<j> ... c<M-1>_<j> --Rcs<M-1>_<j>-- ce<j> --Rcc<j>-- cp<j> --
//   Vcol<j>
//             pad below row M-1; M segments of r_col_segment.
//   device:   Xm<i>_<j> between r<i>_<j> (terminal p, free layer) and c<i>_<j> (terminal n).
// A zero segment or contact resistance is an ideal wire: the nodes are merged and no resistor is
// written (the node then takes the name of the wire's pad-side end).
// A positive row-to-column bias pushes current p -> n, which favours the P (on) state
// (models/mtj_stt.sub sign convention).
//
// Devices (seed 003 Eq. (1): TMR = (g_on - g_off) / g_off; g_on = P state, g_off = AP state):
//   * model = mtj: the models/mtj_stt.sub subcircuit in its static form (dyn = 0, state held at
//     state0; see its header), with ra = area / g_on so that R_P = 1 / g_on, the device's own
//     tmr0 and the bias-dependent TMR(V) = tmr0 / (1 + (V / v_h)^2).
//   * model = linear: a plain resistor 1 / g_on or 1 / g_off (the zero-bias values).
// Per-device variation (seed 003 Sec. II.D: "the off-state conductance and TMR of each MTJ as
// independent normally distributed quantities"): g_off and tmr0 are drawn from
// RandomStream(seed, sample, "xbar.g_off.<i>_<j>") and ("xbar.tmr.<i>_<j>").
//
// Analysis: `.op` (add_op). Named probes: `i_col_<j>` (branch current of Vcol<j>: positive for
// current flowing out of the array into the column pad, the sensed column current) and `i_row_<i>`
// (branch current of Vrow<i>, i.e. minus the current the source delivers into the array), both
// only for driven pads; `v_r_<i>_<j>` and `v_c_<i>_<j>` are the line voltages at each crosspoint.
// No `.save` is written, so ngspice keeps every node voltage.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spincim/models/mtj.hpp"
#include "spincim/netlist/netlist.hpp"

namespace spincim::circuits {

enum class CrossbarDeviceModel { linear, mtj };

// Nominal device of a given diameter (all devices of the array before variation).
struct CrossbarDevice {
    double diameter = 30e-9; // m; area = pi d^2 / 4
    double g_off = 7e-6;     // S, zero-bias AP (off) conductance
    double tmr0 = 1.0;       // zero-bias TMR = (g_on - g_off) / g_off
    double v_h = 0.5;        // V, bias at which the TMR is halved (models/mtj_stt.sub)
    [[nodiscard]] double g_on() const { return g_off * (1.0 + tmr0); }
};

// The seed-003 device presets for the fabricated diameters 30, 40, 50 and 60 nm (d in metres,
// within 0.5 nm of one of them, else InputError). 30 nm: g_off = 7 uS and TMR = 100 % (seed 003
// Sec. II.C, Fig. 4(c): on/off ratio "around 2", states overlapping near 14 uS; Sec. II.D:
// g_on - g_off estimated at 7 uS). Larger devices scale the conductance with the junction area
// (same RA), g ~ d^2; the TMR is kept at 100 %.
[[nodiscard]] CrossbarDevice crossbar_device_preset(double diameter);

// Relative standard deviations of the device-to-device variation (0 = none). Seed 003 gives the
// distributions only as figures (Fig. 4(c), S2); the defaults are 0 and a study sets them.
struct CrossbarVariation {
    double g_off_rel_sigma = 0.0;
    double tmr_rel_sigma = 0.0;
    std::uint64_t seed = 0;
    std::uint64_t sample = 0;
};

// Resistance of one line segment from sheet resistance and geometry: R = R_sheet * pitch / width
// (the segment between two crosspoints is `pitch` long and `width` wide). Seed 003 Sec. III:
// "about 6 Ohm per square", App. A: 400 nm wide lines on an 800 nm pitch -> 12 Ohm per segment.
[[nodiscard]] double line_segment_resistance(double sheet_resistance, double pitch, double width);

inline constexpr double kSeed003SheetResistance = 6.0; // Ohm per square, seed 003 Sec. III
inline constexpr double kSeed003LinePitch = 800e-9;    // m, seed 003 App. A
inline constexpr double kSeed003LineWidth = 400e-9;    // m, seed 003 App. A

struct CrossbarSpec {
    std::size_t rows = 15; // M (seed 003: 15 x 15)
    std::size_t cols = 15; // N
    CrossbarDeviceModel model = CrossbarDeviceModel::mtj;
    CrossbarDevice device = crossbar_device_preset(30e-9);
    CrossbarVariation variation;
    // Device states, row-major (i * cols + j); empty = all off (AP), as after a "clear".
    std::vector<models::MtjState> states;
    double r_row_segment = 12.0; // Ohm, line_segment_resistance(6, 800n, 400n)
    double r_col_segment = 12.0; // Ohm
    double r_row_contact = 0.0;  // Ohm, pad/external resistance of each row
    double r_col_contact = 0.0;  // Ohm, pad/external resistance of each column
    // Pad drives in V; std::nullopt leaves the pad floating. Empty = all grounded.
    std::vector<std::optional<double>> row_voltages;
    std::vector<std::optional<double>> col_voltages;
    // Magnetic and thickness parameters of the MTJ subcircuit (area, ra, tmr0 and v_h are set per
    // device from `device` and the variation).
    models::MtjParams mtj = models::stt_bnn_table1();
    // dyn = 1 in every MTJ instance: spin-transfer-torque switching during a transient (the state
    // starts at `states`; models/mtj_stt.sub Eqs. (3)-(7)). Off: the static form (for .op).
    bool dynamic = false;
    bool add_op = true;
};

// Magnetic parameters for the seed-003 devices (models/mtj_stt.sub Eqs. (3)-(6)); seed 003 gives
// none, so they are chosen to reproduce its measured switching: a 30 nm device switches at about
// +-1.5 V with 1 ms pulses (Sec. II.B, Fig. 2(c)), symmetric in polarity. Assumed: Delta = 40 at
// 30 nm (hk), CoFeB ms = 1e6 A/m, t_fl = 1.5 nm; fitted: eta (P/AP symmetry at 30 nm, where
// I_P / I_AP = G_P / G_AP(1.5 V)) and alpha (the 1 ms thermally activated switching current).
[[nodiscard]] models::MtjParams crossbar_seed003_magnetics();

// The per-device values after variation, row-major.
struct CrossbarDevices {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<double> g_off; // S
    std::vector<double> tmr0;
    std::vector<models::MtjState> states;
    double v_h = 0.5;
    double area = 0.0; // m^2
    [[nodiscard]] double g_on(std::size_t k) const { return g_off[k] * (1.0 + tmr0[k]); }
    // Zero-bias conductance in the device's state.
    [[nodiscard]] double g0(std::size_t k) const {
        return states[k] == models::MtjState::parallel ? g_on(k) : g_off[k];
    }
};

// Checks the spec and draws the device values (deterministic in seed/sample). InputError names
// the field, e.g. `crossbar: row_voltages must have 16 entries (or none), got 3`. A draw that
// would give g_off <= 0 or tmr0 <= 0 is an InputError too (sigma too large for a normal law).
[[nodiscard]] CrossbarDevices crossbar_devices(const CrossbarSpec& spec);

// The MTJ model parameters of device k (row-major) as crossbar() writes them: the spec's MTJ with
// the devices' area, t_ox = t_ox_ref and ra = area / g_on(k), so that R_P = ra / area = 1 / g_on
// (models/mtj_stt.sub Eq. (1)), and the device's tmr0 and the array's v_h.
[[nodiscard]] models::MtjParams
crossbar_device_params(const CrossbarSpec& spec, const CrossbarDevices& devices, std::size_t k);

// The netlist (pure function of the spec).
[[nodiscard]] netlist::Netlist crossbar(const CrossbarSpec& spec);

} // namespace spincim::circuits
