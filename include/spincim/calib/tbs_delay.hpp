#pragma once
// `tbs_delay`: the sensing delay of a time-based sense amplifier against its input voltage,
//
//     ln T_SW = a + b·V  (+ c·V²  with `quadratic`).
//
// Source: seed 001 (Pham et al., IEEE JETCAS 12(2), 2022), Sec. III.B and IV: the TBS converts
// V_SL into a starving current I_starving(V) of a current-starved inverter whose delay is
// ∝ 1/I_starving. With the starving transistor near or below threshold, I ∝ exp(V/(n V_T)), so
// ln T_SW is close to linear in V; the optional c·V² term absorbs the bend towards strong
// inversion. The fit is on ln T_SW (residuals ln T_k − (a + b V_k + c V_k²)), so relative delay
// errors weigh the same at every V. The model is linear in its parameters: the start values are
// the exact weighted linear least-squares solution and Levenberg–Marquardt only confirms them.

#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::tbs_delay {

inline constexpr std::size_t kA = 0; // ln(s)
inline constexpr std::size_t kB = 1; // 1/V
inline constexpr std::size_t kC = 2; // 1/V^2 (quadratic only)

struct Data {
    std::vector<double> voltage_v; // input voltage V_SL (or boosted V_SL), V
    std::vector<double> delay_s;   // sensing delay T_SW, s, > 0
    std::vector<double> weight;    // optional weights of the ln T residuals; empty = 1
};

struct Model {
    bool quadratic = false;

    template <typename T>
    T ln_delay(const T* theta, double v) const {
        T out = theta[kA] + theta[kB] * v;
        if (quadratic)
            out += theta[kC] * (v * v);
        return out;
    }
    [[nodiscard]] std::size_t n_parameters() const { return quadratic ? 3 : 2; }
};

[[nodiscard]] std::vector<ParameterInfo> parameter_info(const Model& model);
// Unbounded parameters started at the weighted linear least-squares solution.
[[nodiscard]] std::vector<Parameter> initial_parameters(const Data& data, const Model& model);
[[nodiscard]] FitResult fit(const Data& data, const Model& model, const FitOptions& options = {});
[[nodiscard]] FitResult fit(const Data& data, const Model& model,
                            const std::vector<Parameter>& parameters,
                            const FitOptions& options = {});

} // namespace spincim::calib::tbs_delay
