#pragma once
// `four_line_rv`: the R(V) loop of one MTJ as four straight lines and two critical points
// (seed 004, Sec. II.1, Fig. 1 and Table I).
//
// Equations. In each state the resistance is linear in the magnitude of the bias,
//     R_high(V) = b1 + a1·|V|,   R_low(V) = b0 + a0·|V|,
// i.e. slopes dR/dV = −a on the negative and +a on the positive branch: the paper's
// a1n = −a1p = a1 (and likewise for a0, with b shared by both branches). With Table I's negative
// a1, a0 the resistance falls with |V|, the tunnelling-magnetoresistance roll-off of real MTJs
// (strong in the high/AP state, weak in the low/P state). Units: a in Ω/V (= A⁻¹, as Table I
// writes them), b in Ω.
// The state switches at the critical currents (Table I, cN < 0 < cP). The current through the
// device is I = V/R_state(V); reading Table I's signs against the usual STT asymmetry (P→AP needs
// the larger current): a device in the low state switches to high when I ≥ cP, a device in the
// high state switches to low when I ≤ cN.
//
// Data representation: the points of one or more R(V) sweeps in the order they were measured
// (`voltage_v[k]`, `resistance_ohm[k]`), and the state before the first point. The state at
// point k follows from the history: with s the state after point k−1, the current
// I_k = V_k/R_s(V_k) is compared with the critical current of s; if it is reached the device
// switches, and the resistance measured at point k is that of the new state. Sweep direction,
// loops and minor loops are all encoded by the order of the points.
//
// Fitting. The state sequence depends on cN, cP only through which sampled currents lie beyond
// them, so the least-squares cost is piecewise constant in cN, cP (zero derivative almost
// everywhere) and Levenberg–Marquardt cannot move them. The fit therefore
//  1. labels points by the nearest of two lines (alternating line fits and relabelling),
//  2. searches the critical currents over the sampled currents (coordinate descent on the
//     weighted SSR of the history-consistent state sequence), refitting the lines, until the
//     state sequence is stable,
//  3. fits a1, b1, a0, b0 by weighted least squares (Levenberg–Marquardt, with standard errors
//     and correlations from the Jacobian) on that state sequence,
//  4. reports cP, cN as interval estimates: the data say only that cP lies between the largest
//     low-state current that did not switch and the smallest one that did (likewise for cN).
//     The value is the midpoint, the standard error width/√12 (a threshold uniformly placed
//     between two samples); correlations with the line parameters are reported as 0.
//     A sweep that never switched leaves the critical current unidentified (σ = ∞, named in a
//     warning; the value is then the bound the sweep reached).

#include <cmath>
#include <span>
#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::four_line_rv {

enum class State { low = 0, high = 1 }; // low = parallel (R ≈ b0), high = antiparallel (≈ b1)

inline constexpr std::size_t kA1 = 0; // Ω/V (A⁻¹)
inline constexpr std::size_t kB1 = 1; // Ω
inline constexpr std::size_t kA0 = 2; // Ω/V (A⁻¹)
inline constexpr std::size_t kB0 = 3; // Ω
inline constexpr std::size_t kCN = 4; // A
inline constexpr std::size_t kCP = 5; // A

// Defaults: the expected values μ of seed 004, Table I.
struct Params {
    double a1 = -310.0;   // Ω/V
    double b1 = 665.0;    // Ω
    double a0 = -30.0;    // Ω/V
    double b0 = 360.0;    // Ω
    double c_n = -3.1e-4; // A
    double c_p = 8.0e-4;  // A
};

struct Data {
    std::vector<double> voltage_v;      // bias, V, in measurement order
    std::vector<double> resistance_ohm; // measured R, Ω, > 0
    std::vector<double> weight;         // optional residual weights; empty = 1
    State initial_state = State::low;   // state before the first point
};

// R_state(V) for θ = {a1, b1, a0, b0, ...}; T is double or a dual number.
template <typename T>
T resistance(const T* theta, double v, State state) {
    return state == State::high ? theta[kB1] + theta[kA1] * std::fabs(v)
                                : theta[kB0] + theta[kA0] * std::fabs(v);
}
[[nodiscard]] double resistance(const Params& p, double v, State state);
// The state at every point of a sweep (after the switching decision at that point).
[[nodiscard]] std::vector<State> states(const Params& p, std::span<const double> voltage_v,
                                        State initial);
// The resistance the model predicts at every point of a sweep.
[[nodiscard]] std::vector<double> sweep(const Params& p, std::span<const double> voltage_v,
                                        State initial);

[[nodiscard]] const std::vector<ParameterInfo>& parameter_info();
// Validates the data (finite V, R > 0, V not all equal) and fits as described above.
[[nodiscard]] FitResult fit(const Data& data, const FitOptions& options = {});

} // namespace spincim::calib::four_line_rv
