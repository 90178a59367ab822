#pragma once
// `lif`: leaky integrate-and-fire neuron fitted to a sampled transient,
//
//     dx/dt = −x/τ + g·I(t);   when x reaches θ the neuron spikes and x is reset to x_reset.
//
// (L. Lapicque 1907; in the form of W. Gerstner, W. M. Kistler, "Spiking Neuron Models",
// Cambridge 2002, Sec. 4.1.1, with g = 1/C for a membrane capacitance C.) Parameters: τ (s),
// g (unit of x per unit of I per second, e.g. V/(A·s)) and θ (unit of x).
//
// What is fitted: the membrane trace. The data are samples t_0 < t_1 < … < t_{n−1} of the input
// I(t_k) and of the observed state x(t_k); x(t_0) = x0 and x_reset are known. The input is held
// constant between samples (zero-order hold, as a sampled stimulus is applied), so between events
// the solution is exact:
//     x(t) = x∞ + (x(t_a) − x∞)·exp(−(t − t_a)/τ),   x∞ = g·I_k·τ,
// and a threshold crossing inside an interval is located exactly,
//     t* = t_a + τ·ln((x∞ − x(t_a)) / (x∞ − θ)),
// after which x restarts from x_reset at t* (simulate(), spike_times()).
//
// Resets are taken from the data: a drop of x by more than half its range between two samples
// marks the interval of a spike (the sampling must resolve every spike: at most one per
// interval). The fit places the resets in those intervals and computes each t* from the formula
// above even while a trial parameter set would put it outside its interval; the predictions
// x(t_1) … x(t_{n−1}) are then smooth in (τ, g, θ), so Levenberg–Marquardt cannot be trapped by
// a spike predicted one sample early or late (which the free-running event model would make a
// jump in the residuals). After the fit the free-running model is run with the fitted values
// and a warning is given if it fires in other intervals than the data. What identifies θ is the
// position of each spike inside its interval (seen in the rise after the reset); the
// sub-threshold rise identifies τ and g. Residuals are x_obs(t_k) − x(t_k) for k ≥ 1
// (weight[0] is not used).

#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::lif {

inline constexpr std::size_t kTau = 0;   // s
inline constexpr std::size_t kGain = 1;  // unit(x) / (unit(I)·s)
inline constexpr std::size_t kTheta = 2; // unit(x)

struct Data {
    std::vector<double> time_s; // strictly increasing sample times, s
    std::vector<double> input;  // I(t_k), held until t_{k+1}
    std::vector<double> state;  // observed x(t_k)
    std::vector<double> weight; // optional residual weights (n values, weight[0] unused); empty = 1
    double x0 = 0.0;            // x(t_0), known
    double x_reset = 0.0;       // x just after a spike, known; must be below θ
};

struct Params {
    double tau_s = 0.0;
    double gain = 0.0;
    double threshold = 0.0;
};

// x(t_k) at every sample (k = 0 gives x0) for the inputs of `data`.
[[nodiscard]] std::vector<double> simulate(const Params& p, const Data& data);
// Spike instants t* within [t_0, t_{n−1}].
[[nodiscard]] std::vector<double> spike_times(const Params& p, const Data& data);

[[nodiscard]] const std::vector<ParameterInfo>& parameter_info();
// From the data: τ and g by linear regression of the trapezoidal discretisation
// (x_{k+1} − x_k)/Δt = −(x_k + x_{k+1})/(2τ) + g·I_k over intervals without a reset; θ from the
// samples just before each observed reset (a drop by more than half the range of x).
// Bounds: τ ∈ [10⁻³·min Δt, 10³·(t_{n−1} − t_0)], θ > x_reset, g free.
[[nodiscard]] std::vector<Parameter> initial_parameters(const Data& data);
[[nodiscard]] FitResult fit(const Data& data, const FitOptions& options = {});
[[nodiscard]] FitResult fit(const Data& data, const std::vector<Parameter>& parameters,
                            const FitOptions& options = {});

} // namespace spincim::calib::lif
