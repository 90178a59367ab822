#pragma once
// STT perpendicular MTJ compact model: the C++ reference implementation of the equations that
// models/mtj_stt.sub (ngspice) and veriloga/mtj_stt.va (Verilog-A) implement. Tests hold the SPICE
// subcircuit to these functions. The equations and their sources are listed in models/mtj_stt.sub
// and next to each function in src/models/mtj.cpp.
//
// Sign convention (as in the subcircuit): a positive current flows from terminal p (free layer) to
// n (reference layer) and favours the parallel state; a negative current favours antiparallel.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spincim/core/random.hpp"

namespace spincim::models {

enum class MtjState { parallel = 0, antiparallel = 1 };
enum class SwitchDirection { to_antiparallel, to_parallel };

// Parameters of one device, SI units. Names follow the subcircuit parameters (in brackets).
struct MtjParams {
    double area = 3.6e-15;     // [area] junction area, m^2
    double t_ox = 1.15e-9;     // [tox] MgO thickness, m
    double t_ox_ref = 1.15e-9; // [toxref] thickness at which RA = ra, m
    double ra = 7.2e-12;       // [ra] resistance-area product of the P state at t_ox_ref, Ohm m^2
    double phi_b = 0.4;        // [phib] barrier height, eV
    double tmr0 = 1.65;        // [tmr0] zero-bias TMR ratio (1.65 = 165 %)
    double v_h = 0.5;          // [vh] bias at which the TMR is halved, V
    double t_fl = 1.5e-9;      // [tfl] free-layer thickness, m
    double ms = 1.0e6;         // [ms] saturation magnetisation, A/m
    double hk = 73245.7;       // [hk] effective anisotropy field, A/m
    double alpha = 0.033;      // [alpha] Gilbert damping
    double eta = 0.67;         // [eta] spin polarisation
    double temperature = 300;  // [tk] K
    double tau0 = 1e-9;        // [tau0] Neel-Brown attempt time, s
    double t_relax = 1e-11;    // [trelax] numerical relaxation time of the state node, s
};

// Seed 001 (Pham et al., STT-BNN, IEEE JETCAS 2022) Table I: 60x60 nm, T_m 1.5 nm, T_MgO 1.15 nm,
// R_P 2 kOhm, R_AP 5.3 kOhm, TMR 165 %. Magnetic parameters are assumptions (see mtj_stt.sub).
[[nodiscard]] MtjParams stt_bnn_table1();
// Seed 000 (Moposita et al., IEEE TCAS-II 2023) Table I, SMTJ: 28 nm diameter, Ms 1e6 A/m,
// alpha 0.025, eta 0.67, t_FL 1.2 nm, t_ox 0.85 nm, TMR(0) 150 %. RA, Delta and V_h are
// assumptions.
[[nodiscard]] MtjParams dmtj_smtj_table1();
// The seed-001 read-disturb limit of Table I (max MTJ read current for a 1e-9 bitflip rate), A.
inline constexpr double stt_bnn_read_current_limit = 50e-6;

// Low-bias parallel resistance (Simmons/Brinkman thickness scaling), Ohm.
[[nodiscard]] double parallel_resistance(const MtjParams& p);
// Bias-dependent TMR ratio TMR(V) = tmr0 / (1 + (V/V_h)^2).
[[nodiscard]] double tmr(const MtjParams& p, double v);
// Resistance at bias v (V across p-n) in the given state, Ohm.
[[nodiscard]] double resistance(const MtjParams& p, double v, MtjState state);
// Current p -> n at bias v, A.
[[nodiscard]] double current(const MtjParams& p, double v, MtjState state);
// Thermal stability factor Delta = E_b / (k_B T).
[[nodiscard]] double thermal_stability(const MtjParams& p);
// Zero-temperature critical switching current for one direction, A (positive magnitude).
[[nodiscard]] double critical_current(const MtjParams& p, SwitchDirection dir);
// Precessional time constant tau_D = (1 + alpha^2) / (alpha gamma mu0 H_k), s.
[[nodiscard]] double precession_time(const MtjParams& p);
// The direction a current of sign `i` drives the device (i > 0: towards P).
[[nodiscard]] SwitchDirection direction_of(double i);

// Mean switching time under a constant current of magnitude |i| in direction `dir`, s:
// Sun's precessional law above Ic0, Neel-Brown below. xsw = 0 gives the mean; xsw > 0 (a standard
// exponential variate) gives one stochastic realisation. Infinite for i = 0.
[[nodiscard]] double switching_time(const MtjParams& p, double i, SwitchDirection dir,
                                    double xsw = 0.0);
// A standard exponential variate -ln(u) from the stream: the subcircuit's `xsw` parameter.
[[nodiscard]] double draw_xsw(RandomStream& rng);
// One stochastic switching time (draws xsw from the stream), s.
[[nodiscard]] double draw_switching_time(const MtjParams& p, double i, SwitchDirection dir,
                                         RandomStream& rng);
// Probability that a constant current |i| in direction `dir` switches the device within t, from
// the Poisson law of the thermally activated regime, 1 - exp(-t / t_sw); 1 above Ic0 once t
// exceeds the deterministic precessional time.
[[nodiscard]] double switching_probability(const MtjParams& p, double i, SwitchDirection dir,
                                           double t);

// Where the ngspice subcircuit lives and how to instantiate it.
[[nodiscard]] std::string models_dir(); // $SPINCIM_MODELS_DIR or the source tree's models/
[[nodiscard]] std::string mtj_model_path();
[[nodiscard]] constexpr std::string_view mtj_subckt_name() {
    return "mtj_stt";
}
// Instance-parameter text, e.g. `state0=1 dyn=1 xsw=0 area=3.6e-15 ...`, every parameter of the
// subcircuit written out in canonical numbers so each instance can carry its own variability.
[[nodiscard]] std::string mtj_instance_params(const MtjParams& p, MtjState state0,
                                              bool dynamic = true, double xsw = 0.0);
// (name, value) pairs in the subcircuit's parameter order, without state0/dyn/xsw.
[[nodiscard]] std::vector<std::pair<std::string, double>> mtj_param_list(const MtjParams& p);

} // namespace spincim::models
