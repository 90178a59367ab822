#pragma once
// `mtj_switching`: mean STT switching time against current, the two regimes of
// models/mtj_stt.sub and spincim::models::switching_time (xsw = 0), with Ic0, τ0 and Δ fitted.
//
//   I > Ic0, precessional (J. Z. Sun, PRB 62, 570 (2000), Eq. (9)):
//       t = τ_D · ln(π / (2 θ0)) / (I/Ic0 − 1),   θ0 = 1/√(2Δ)   (Sun's mean thermal angle)
//   I ≤ Ic0, thermally activated (Néel–Brown with the STT-lowered barrier, R. H. Koch,
//   J. A. Katine, J. Z. Sun, PRL 92, 088302 (2004), Eq. (1)):
//       t = τ0 · exp(Δ (1 − I/Ic0))
//
// τ_D = (1 + α²)/(α γ μ0 H_k) is not a parameter: it is known from the device (`Model::tau_d_s`,
// e.g. from_device()). The switching times span many decades, so the fit is on ln t: residuals
// ln t_k − ln t(I_k), which also makes a relative timing error the same weight at every current.
//
// The two laws are not continuous at Ic0 (τ0 below, +∞ above): data on both sides are needed to
// identify all three parameters. Thermal data alone fix only Δ/Ic0 and ln τ0 + Δ (τ0 and Δ are
// then reported as unidentifiable); precessional data alone leave τ0 free.

#include <cmath>
#include <numbers>
#include <vector>

#include "spincim/calib/fit.hpp"
#include "spincim/models/mtj.hpp"

namespace spincim::calib::mtj_switching {

// Parameter order in FitResult and in the θ arrays below.
inline constexpr std::size_t kIc0 = 0;   // A
inline constexpr std::size_t kTau0 = 1;  // s
inline constexpr std::size_t kDelta = 2; // 1

struct Data {
    std::vector<double> current_a; // |I| in the switching direction, A, > 0
    std::vector<double> time_s;    // mean switching time at that current, s, > 0
    std::vector<double> weight; // optional weights of the ln t residuals (1/σ²_ln t); empty = 1
};

struct Model {
    double tau_d_s = 0.0; // precessional time constant τ_D, s (known, > 0)

    // τ_D of the device `p` (models::precession_time).
    [[nodiscard]] static Model from_device(const models::MtjParams& p) {
        return Model{models::precession_time(p)};
    }

    // ln t at |I| = `current` for θ = {Ic0, τ0, Δ}; T is double or a dual number.
    template <typename T>
    T ln_time(const T* theta, double current) const {
        using std::log;
        using std::sqrt;
        const T& ic0 = theta[kIc0];
        const T& tau0 = theta[kTau0];
        const T& delta = theta[kDelta];
        const T ratio = current / ic0;
        if (ratio > 1.0) {
            // ln(π/(2θ0)) with θ0 = 1/√(2Δ)
            const T l_sun = log(std::numbers::pi * sqrt(2.0 * delta) / 2.0);
            return log(tau_d_s * l_sun) - log(ratio - 1.0);
        }
        return log(tau0) + delta * (1.0 - ratio);
    }
    // t itself, s.
    [[nodiscard]] double time(double ic0, double tau0, double delta, double current) const {
        const double theta[] = {ic0, tau0, delta};
        return std::exp(ln_time(theta, current));
    }
};

[[nodiscard]] const std::vector<ParameterInfo>& parameter_info();

// Start values and bounds derived from the data: Ic0 from a search over candidate regime
// boundaries (each side fitted by its own law), Δ and τ0 from the straight line ln t(I) of the
// thermal points; bounds Ic0 ∈ [I_min/1000, 1000·I_max], τ0 ∈ [1e-15, 1e-3] s, Δ ∈ [1, 500].
[[nodiscard]] std::vector<Parameter> initial_parameters(const Data& data, const Model& model);

// Validates the data (finite, I > 0, t > 0, not all I equal, at least 3 points) and fits.
[[nodiscard]] FitResult fit(const Data& data, const Model& model, const FitOptions& options = {});
[[nodiscard]] FitResult fit(const Data& data, const Model& model,
                            const std::vector<Parameter>& parameters,
                            const FitOptions& options = {});

} // namespace spincim::calib::mtj_switching
