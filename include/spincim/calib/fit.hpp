#pragma once
// Weighted nonlinear least squares with bounds, and the uncertainty report every calibrated
// behavioural model carries (issue 14).
//
// Problem. Given observations y_k with weights w_k > 0 (k = 1..n; w_k = 1/σ_k² when the
// measurement errors σ_k are known, 1 otherwise) and a model f_k(θ) with p parameters,
//     minimise  S(θ) = Σ_k w_k (y_k − f_k(θ))²   subject to  lower_j ≤ θ_j ≤ upper_j.
// The minimiser is Levenberg–Marquardt (K. Levenberg, Q. Appl. Math. 2, 164 (1944);
// D. W. Marquardt, J. SIAM 11, 431 (1963)) as implemented by Ceres Solver, with the bounds
// enforced by projection; derivatives come from automatic differentiation (dual numbers).
//
// Uncertainty. With J_kj = ∂f_k/∂θ_j at the optimum θ̂ and W = diag(w), the asymptotic covariance
// of θ̂ is
//     Cov(θ̂) = s² (JᵀWJ)⁻¹,   s² = S(θ̂) / (n − p)
// (D. M. Bates, D. G. Watts, "Nonlinear Regression Analysis and Its Applications", Wiley 1988,
// Sec. 2.3.1; with `absolute_weights` the factor s² is left out because the w_k are then exact
// inverse variances). The standard errors are the square roots of its diagonal, the correlation
// matrix is Cov_ij / (σ_i σ_j). Both are linearisations: good when the noise is small compared
// to the curvature of the model, which is what the tests check by recovering known parameters.
//
// Identifiability. (JᵀWJ)⁻¹ exists only if the columns of W^½J are linearly independent. The
// fitter takes the singular value decomposition of W^½J with unit-norm columns (so that units do
// not matter): a singular value below `singular_threshold` times the largest one means a
// direction in parameter space that the data cannot see; the parameters with a visible weight in
// the corresponding right singular vector are named in a warning and get an infinite standard
// error. A ratio below `ill_conditioned_threshold` only warns (the σ are finite but large and the
// correlations close to ±1).

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/core/error.hpp"

namespace spincim::calib {

// Name, unit and meaning of a model parameter (for tables and help text).
struct ParameterInfo {
    std::string name;
    std::string unit;
    std::string description;
};

// One fitted parameter: its start value and bounds. lower ≤ start ≤ upper is required; infinite
// bounds mean unbounded. A parameter with `fixed` set, or with lower == upper, is held at `start`
// (it still appears in the result, with a standard error of 0).
struct Parameter {
    std::string name;
    std::string unit;
    double start = 0.0;
    double lower = -std::numeric_limits<double>::infinity();
    double upper = std::numeric_limits<double>::infinity();
    bool fixed = false;
};

enum class Differentiation {
    automatic,      // exact derivatives by forward-mode automatic differentiation (default)
    numeric_central // central finite differences (the reference the benchmark compares with)
};

struct FitOptions {
    int max_iterations = 200;
    // Ceres' convergence tests: relative change of the cost, max-norm of the projected gradient,
    // relative size of the step.
    double function_tolerance = 1e-14;
    double gradient_tolerance = 1e-14;
    double parameter_tolerance = 1e-12;
    // Levenberg–Marquardt starts with the damping μ0 = 1/initial_trust_region_radius relative
    // to the diagonal of JᵀJ (columns scaled to unit norm). Ceres' default (1e4) starts with
    // almost Gauss–Newton steps; from a start value far off those can jump onto a bound where
    // the model goes flat (a*exp(-t/tau) from tau = 3.3 tau_true: 47 of 100 noise seeds ended
    // at tau's lower bound), while μ0 = 1 recovered all 100 for ~2 more iterations.
    double initial_trust_region_radius = 1.0;
    Differentiation differentiation = Differentiation::automatic;
    // True if the weights are exact inverse variances 1/σ_k²: the covariance is then (JᵀWJ)⁻¹
    // without the factor s² estimated from the residuals.
    bool absolute_weights = false;
    // Singular-value ratios (smallest/largest, columns scaled to unit norm) below which a
    // parameter combination is reported as not identifiable / as poorly identified.
    double singular_threshold = 1e-8;
    double ill_conditioned_threshold = 1e-5;
};

enum class FitStatus {
    converged,     // a convergence test was met
    not_converged, // the iteration limit was reached first: the values are the last iterate
    failed         // the solver stopped on an error (e.g. the model became non-finite)
};

// What the solver said: Ceres' own summary, so that a failure can be reported in its words.
struct ConvergenceReport {
    std::string brief;         // Ceres BriefReport(): one line
    std::string full;          // Ceres FullReport(): the complete table
    std::string termination;   // CONVERGENCE, NO_CONVERGENCE, FAILURE, USER_SUCCESS, USER_FAILURE
    std::string message;       // why it stopped
    int iterations = 0;        // successful + unsuccessful steps
    double initial_cost = 0.0; // Ceres' cost, ½·S(θ)
    double final_cost = 0.0;
};

struct FitResult {
    std::string model; // model name, e.g. `sigmoid`
    FitStatus status = FitStatus::failed;

    // One entry per parameter, in the model's order.
    std::vector<Parameter> parameters; // the start values and bounds used
    std::vector<double> values;        // θ̂ (for a fit that did not converge: the last iterate)
    // Standard errors: +inf for a parameter the data cannot identify, NaN when there are no
    // degrees of freedom to estimate s², 0 for a fixed parameter.
    std::vector<double> std_errors;
    // Correlation matrix, p×p row-major; NaN in the rows/columns of unidentified or fixed
    // parameters (except the diagonal 1 of a free parameter).
    std::vector<double> correlation;

    // Goodness of fit. Residuals e_k = y_k − f_k(θ̂) are in the observation space of the model
    // (e.g. ln t for switching times); rms and max are unweighted.
    std::vector<double> fitted;     // f_k(θ̂)
    double weighted_ssr = 0.0;      // S(θ̂) = Σ w_k e_k²
    double residual_variance = 0.0; // s² = S(θ̂)/(n − p_free)
    double rms_residual = 0.0;      // sqrt(Σ e_k² / n)
    double max_abs_residual = 0.0;  // max |e_k|
    double r_squared =
        0.0; // 1 − S(θ̂)/Σ w_k (y_k − ȳ_w)², ȳ_w the weighted mean; NaN if y is constant
    std::size_t n_points = 0;
    std::size_t n_free = 0; // parameters that were fitted (not fixed)
    std::size_t dof = 0;    // n_points − n_free

    std::vector<std::string> unidentified; // parameters the data cannot determine
    std::vector<std::string> warnings;     // complete sentences naming parameters
    std::vector<std::string> notes;        // how particular values were obtained (model-specific)
    ConvergenceReport report;

    [[nodiscard]] bool converged() const { return status == FitStatus::converged; }
    // ExitCode::ok for a converged fit, ExitCode::simulation_failed (3) otherwise.
    [[nodiscard]] ExitCode exit_code() const;
    // Index of a parameter by name; throws InputError naming the known parameters.
    [[nodiscard]] std::size_t index(std::string_view name) const;
    [[nodiscard]] double value(std::string_view name) const { return values[index(name)]; }
    [[nodiscard]] double std_error(std::string_view name) const { return std_errors[index(name)]; }
    [[nodiscard]] double correlation_of(std::string_view a, std::string_view b) const;
    // A readable multi-line report: status, parameter table, goodness of fit, warnings.
    [[nodiscard]] std::string table() const;
};

[[nodiscard]] std::string_view to_string(FitStatus status);

} // namespace spincim::calib
