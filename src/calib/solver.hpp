#pragma once
// The least-squares engine behind every calib model (private: the only header that includes
// Ceres). A model contributes blocks of predictions through a functor
//
//     template <typename T> bool operator()(const T* theta, T* prediction) const;
//
// called with T = double or a Ceres dual number (ceres::Jet), so its derivatives are exact
// (forward-mode automatic differentiation). The Fitter turns predictions into weighted residuals
// r_k = √w_k (y_k − f_k(θ)), solves with Levenberg–Marquardt and computes the uncertainty report
// documented in include/spincim/calib/fit.hpp.
//
// Parameters are solved for in scaled form u_j = θ_j / c_j, c_j the magnitude of the start value
// (or of a bound). Quantities such as Ic0 ≈ 1e-4 A, τ0 ≈ 1e-9 s and Δ ≈ 60 then all have u ≈ 1,
// which keeps Ceres' relative step and parameter tolerances meaningful for every parameter.

#include <array>
#include <ceres/dynamic_autodiff_cost_function.h>
#include <ceres/dynamic_numeric_diff_cost_function.h>
#include <ceres/jet.h>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::detail {

inline constexpr std::size_t kMaxParameters = 32;
// Derivative directions per forward pass of the dual numbers: every model here has at most 8
// parameters, so one pass gives the whole Jacobian row.
inline constexpr int kJetStride = 8;

// The value part of a number (branch decisions, discontinuous functions).
inline double value_of(double x) {
    return x;
}
template <typename S, int N>
double value_of(const ceres::Jet<S, N>& x) {
    return x.a;
}

// Wraps a model's prediction functor into the residual functor Ceres differentiates.
template <class Model>
class WeightedResidual {
public:
    WeightedResidual(Model model, const double* y, const double* sqrt_w, std::size_t size,
                     const std::array<double, kMaxParameters>& scale, std::size_t n_params)
        : model_(std::move(model)), y_(y), sqrt_w_(sqrt_w), size_(size), scale_(scale),
          n_params_(n_params) {}

    template <typename T>
    bool operator()(T const* const* u, T* residuals) const {
        std::array<T, kMaxParameters> theta{};
        for (std::size_t j = 0; j < n_params_; ++j)
            theta[j] = u[0][j] * scale_[j];
        if (!model_(theta.data(), residuals))
            return false;
        for (std::size_t k = 0; k < size_; ++k)
            residuals[k] = sqrt_w_[k] * (y_[k] - residuals[k]);
        return true;
    }

private:
    Model model_;
    const double* y_;
    const double* sqrt_w_;
    std::size_t size_;
    std::array<double, kMaxParameters> scale_;
    std::size_t n_params_;
};

class Fitter {
public:
    // Checks the parameters (bounds, start values) and the observations; `w` are the weights.
    Fitter(std::string model, std::vector<Parameter> parameters, std::vector<double> y,
           std::vector<double> w, FitOptions options);
    Fitter(const Fitter&) = delete;
    Fitter& operator=(const Fitter&) = delete;

    // Observations [first, first + size) are predicted by `model`. Every observation must be
    // covered by exactly one block before solve().
    template <class Model>
    void add(Model model, std::size_t first, std::size_t size) {
        using Functor = WeightedResidual<Model>;
        auto functor =
            std::make_unique<Functor>(std::move(model), y_.data() + first, sqrt_w_.data() + first,
                                      size, scale_, parameters_.size());
        std::unique_ptr<ceres::DynamicCostFunction> cost;
        if (options_.differentiation == Differentiation::automatic)
            cost = std::make_unique<ceres::DynamicAutoDiffCostFunction<Functor, kJetStride>>(
                functor.release());
        else
            cost = std::make_unique<ceres::DynamicNumericDiffCostFunction<Functor, ceres::CENTRAL>>(
                functor.release());
        cost->AddParameterBlock(static_cast<int>(parameters_.size()));
        cost->SetNumResiduals(static_cast<int>(size));
        blocks_.push_back(Block{std::move(cost), first, size});
    }

    // Runs Levenberg–Marquardt from the start values and returns the full report. Throws
    // InputError if there are fewer points than free parameters or if the model is not finite
    // at the start values; a solver failure is a status in the result, not an exception.
    [[nodiscard]] FitResult solve();

private:
    struct Block {
        std::unique_ptr<ceres::CostFunction> cost;
        std::size_t first;
        std::size_t size;
    };
    // Residuals (and, if `jacobian` is given, the n×p row-major Jacobian ∂r/∂u) at u.
    bool evaluate(const std::vector<double>& u, std::vector<double>& residuals,
                  std::vector<double>* jacobian) const;

    std::string model_;
    std::vector<Parameter> parameters_;
    std::vector<double> y_;
    std::vector<double> w_;
    std::vector<double> sqrt_w_;
    FitOptions options_;
    std::array<double, kMaxParameters> scale_{};
    std::vector<Block> blocks_;
};

} // namespace spincim::calib::detail
