#pragma once
// `sigmoid`: the transfer characteristic of an activation stage,
//
//     V_out = A · tanh((V_in − V0) / s) + B.
//
// Source: seed 004 (Sec. II.A, Fig. 5(b)): the neuron's final stage is a modified CMOS inverter
// with a sigmoidal transfer characteristic; tanh is the symmetric sigmoid with the same four
// degrees of freedom (swing A, centre V0, width s, offset B). A < 0 describes an inverting stage;
// s > 0 (its lower bound) removes the symmetry (A, s) ↔ (−A, −s). The slope at the centre is A/s.

#include <cmath>
#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::sigmoid {

inline constexpr std::size_t kA = 0;  // V
inline constexpr std::size_t kV0 = 1; // V
inline constexpr std::size_t kS = 2;  // V
inline constexpr std::size_t kB = 3;  // V

struct Data {
    std::vector<double> vin_v;  // input voltage, V
    std::vector<double> vout_v; // output voltage, V
    std::vector<double> weight; // optional residual weights; empty = 1
};

struct Model {
    template <typename T>
    T vout(const T* theta, double vin) const {
        using std::tanh;
        return theta[kA] * tanh((vin - theta[kV0]) / theta[kS]) + theta[kB];
    }
};

[[nodiscard]] const std::vector<ParameterInfo>& parameter_info();
// From the data: B = mid-range of V_out, A = ± half its range (sign of the trend), V0 = where
// V_out crosses B, s = half the V_in width of the band |V_out − B| < tanh(1)·|A|.
// Bounds: s ∈ [range(V_in)·1e-6, 100·range(V_in)]; A, V0, B free.
[[nodiscard]] std::vector<Parameter> initial_parameters(const Data& data);
[[nodiscard]] FitResult fit(const Data& data, const FitOptions& options = {});
[[nodiscard]] FitResult fit(const Data& data, const std::vector<Parameter>& parameters,
                            const FitOptions& options = {});

} // namespace spincim::calib::sigmoid
