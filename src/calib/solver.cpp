#include "solver.hpp"

#include <algorithm>
#include <ceres/manifold.h>
#include <ceres/problem.h>
#include <ceres/solver.h>
#include <cmath>
#include <cstdio>
#include <limits>

#include <Eigen/Dense>

#include "spincim/core/error.hpp"

#include "data_check.hpp"

namespace spincim::calib::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A parameter whose squared weight in the null space of the scaled Jacobian exceeds this is
// named as unidentifiable (|v_j| > 0.1: unrelated parameters have |v_j| near machine epsilon).
constexpr double kNullSpaceWeight = 1e-2;

// Scale c_j of a parameter: the magnitude of its start value, else of its bounds, else 1.
double scale_of(const Parameter& p) {
    if (p.start != 0.0)
        return std::fabs(p.start);
    if (std::isfinite(p.lower) && std::isfinite(p.upper) && p.upper > p.lower)
        return p.upper - p.lower;
    if (std::isfinite(p.upper) && p.upper != 0.0)
        return std::fabs(p.upper);
    if (std::isfinite(p.lower) && p.lower != 0.0)
        return std::fabs(p.lower);
    return 1.0;
}

bool is_fixed(const Parameter& p) {
    return p.fixed || p.lower == p.upper;
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t k = 0; k < names.size(); ++k)
        out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + ("'" + names[k] + "'");
    return out;
}

std::string sci(double value, int digits = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    return buf;
}

FitStatus status_of(ceres::TerminationType t) {
    switch (t) {
    case ceres::CONVERGENCE:
    case ceres::USER_SUCCESS:
        return FitStatus::converged;
    case ceres::NO_CONVERGENCE:
        return FitStatus::not_converged;
    default:
        return FitStatus::failed;
    }
}

} // namespace

Fitter::Fitter(std::string model, std::vector<Parameter> parameters, std::vector<double> y,
               std::vector<double> w, FitOptions options)
    : model_(std::move(model)), parameters_(std::move(parameters)), y_(std::move(y)),
      w_(std::move(w)), options_(options) {
    check_parameters(model_, parameters_);
    if (parameters_.empty())
        throw InputError(model_ + " fit: no parameters to fit");
    if (parameters_.size() > kMaxParameters)
        throw InputError(model_ + " fit: " + std::to_string(parameters_.size()) +
                         " parameters; at most " + std::to_string(kMaxParameters) +
                         " are supported");
    check_finite(model_, "observation", y_);
    if (w_.empty())
        w_.assign(y_.size(), 1.0);
    check_length(model_, "weight", w_.size(), y_.size());
    check_positive(model_, "weight", w_);
    if (options_.max_iterations < 1)
        throw InputError(model_ + " fit: max_iterations must be at least 1");
    sqrt_w_.resize(w_.size());
    for (std::size_t k = 0; k < w_.size(); ++k)
        sqrt_w_[k] = std::sqrt(w_[k]);
    for (std::size_t j = 0; j < parameters_.size(); ++j)
        scale_[j] = scale_of(parameters_[j]);
}

bool Fitter::evaluate(const std::vector<double>& u, std::vector<double>& residuals,
                      std::vector<double>* jacobian) const {
    const std::size_t p = parameters_.size();
    residuals.assign(y_.size(), kNaN);
    if (jacobian)
        jacobian->assign(y_.size() * p, 0.0);
    const double* blocks[] = {u.data()};
    for (const auto& b : blocks_) {
        double* jac_rows = jacobian ? jacobian->data() + b.first * p : nullptr;
        double* jacobians[] = {jac_rows};
        if (!b.cost->Evaluate(blocks, residuals.data() + b.first, jacobian ? jacobians : nullptr))
            return false;
    }
    return true;
}

FitResult Fitter::solve() {
    const std::size_t n = y_.size();
    const std::size_t p = parameters_.size();

    // Every observation in exactly one block (a model bug otherwise, not a user error).
    std::vector<int> covered(n, 0);
    for (const auto& b : blocks_)
        for (std::size_t k = b.first; k < b.first + b.size && k < n; ++k)
            ++covered[k];
    if (std::any_of(covered.begin(), covered.end(), [](int c) { return c != 1; }))
        throw Error(model_ + " fit: internal error: the residual blocks do not cover the data");

    std::vector<int> fixed_indices;
    std::vector<std::string> free_names;
    for (std::size_t j = 0; j < p; ++j) {
        if (is_fixed(parameters_[j]))
            fixed_indices.push_back(static_cast<int>(j));
        else
            free_names.push_back(parameters_[j].name);
    }
    const std::size_t n_free = free_names.size();
    if (n < n_free)
        throw InputError(model_ + " fit: " + std::to_string(n) + " data point" +
                         (n == 1 ? "" : "s") + " cannot determine " + std::to_string(n_free) +
                         " free parameters (" + quoted_list(free_names) +
                         "); give at least as many points as parameters");

    std::vector<double> u(p);
    for (std::size_t j = 0; j < p; ++j)
        u[j] = parameters_[j].start / scale_[j];

    std::vector<double> r;
    const bool start_ok = evaluate(u, r, nullptr);
    for (std::size_t k = 0; k < n; ++k)
        if (!start_ok || !std::isfinite(r[k])) {
            std::string starts;
            for (const auto& q : parameters_)
                starts += (starts.empty() ? "" : ", ") + q.name + " = " + num(q.start);
            throw InputError(model_ + " fit: the model is not finite at point " +
                             std::to_string(k + 1) + " with the start values (" + starts +
                             "); choose other start values");
        }

    ceres::Problem::Options problem_options;
    problem_options.cost_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
    ceres::Problem problem(problem_options);
    problem.AddParameterBlock(u.data(), static_cast<int>(p));
    for (const auto& b : blocks_)
        problem.AddResidualBlock(b.cost.get(), nullptr, u.data());
    for (std::size_t j = 0; j < p; ++j) {
        const auto& q = parameters_[j];
        if (is_fixed(q))
            continue;
        const int jj = static_cast<int>(j);
        if (std::isfinite(q.lower))
            problem.SetParameterLowerBound(u.data(), jj, q.lower / scale_[j]);
        if (std::isfinite(q.upper))
            problem.SetParameterUpperBound(u.data(), jj, q.upper / scale_[j]);
    }
    if (fixed_indices.size() == p)
        problem.SetParameterBlockConstant(u.data());
    else if (!fixed_indices.empty())
        problem.SetManifold(u.data(),
                            new ceres::SubsetManifold(static_cast<int>(p), fixed_indices));

    ceres::Solver::Options so;
    so.minimizer_type = ceres::TRUST_REGION;
    so.trust_region_strategy_type = ceres::LEVENBERG_MARQUARDT;
    so.linear_solver_type = ceres::DENSE_QR;
    so.max_num_iterations = options_.max_iterations;
    so.initial_trust_region_radius = options_.initial_trust_region_radius;
    so.function_tolerance = options_.function_tolerance;
    so.gradient_tolerance = options_.gradient_tolerance;
    so.parameter_tolerance = options_.parameter_tolerance;
    so.num_threads = 1;
    so.logging_type = ceres::SILENT;
    so.minimizer_progress_to_stdout = false;
    ceres::Solver::Summary summary;
    ceres::Solve(so, &problem, &summary);

    FitResult out;
    out.model = model_;
    out.parameters = parameters_;
    out.status = status_of(summary.termination_type);
    out.report.brief = summary.BriefReport();
    out.report.full = summary.FullReport();
    out.report.termination = ceres::TerminationTypeToString(summary.termination_type);
    out.report.message = summary.message;
    out.report.iterations = summary.num_successful_steps + summary.num_unsuccessful_steps;
    out.report.initial_cost = summary.initial_cost;
    out.report.final_cost = summary.final_cost;
    out.n_points = n;
    out.n_free = n_free;
    out.dof = n - n_free;
    out.values.resize(p);
    for (std::size_t j = 0; j < p; ++j)
        out.values[j] = is_fixed(parameters_[j]) ? parameters_[j].start : u[j] * scale_[j];

    if (out.status == FitStatus::not_converged)
        out.warnings.push_back("the solver did not converge within " +
                               std::to_string(options_.max_iterations) + " iterations (" +
                               summary.message + "); the values are the last iterate");
    else if (out.status == FitStatus::failed)
        out.warnings.push_back("the solver failed (" + summary.message +
                               "); the values are the last accepted iterate");

    // Residuals and Jacobian at the final point.
    std::vector<double> jac;
    if (!evaluate(u, r, &jac) ||
        !std::all_of(r.begin(), r.end(), [](double x) { return std::isfinite(x); })) {
        out.status = FitStatus::failed;
        out.warnings.push_back("the model is not finite at the final parameter values");
        out.std_errors.assign(p, kNaN);
        out.correlation.assign(p * p, kNaN);
        out.fitted.assign(n, kNaN);
        out.weighted_ssr = out.residual_variance = out.rms_residual = out.max_abs_residual =
            out.r_squared = kNaN;
        return out;
    }

    // Goodness of fit.
    out.fitted.resize(n);
    double wssr = 0, sse = 0, emax = 0, sw = 0, swy = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const double e = r[k] / sqrt_w_[k];
        out.fitted[k] = y_[k] - e;
        wssr += r[k] * r[k];
        sse += e * e;
        emax = std::max(emax, std::fabs(e));
        sw += w_[k];
        swy += w_[k] * y_[k];
    }
    const double ybar = swy / sw;
    double sst = 0;
    for (std::size_t k = 0; k < n; ++k)
        sst += w_[k] * (y_[k] - ybar) * (y_[k] - ybar);
    out.weighted_ssr = wssr;
    out.rms_residual = std::sqrt(sse / static_cast<double>(n));
    out.max_abs_residual = emax;
    out.r_squared = sst > 0 ? 1.0 - wssr / sst : kNaN;
    out.residual_variance = out.dof > 0 ? wssr / static_cast<double>(out.dof) : kNaN;
    if (out.dof == 0 && n_free > 0 && !options_.absolute_weights)
        out.warnings.push_back("as many data points as free parameters: no degrees of freedom "
                               "are left to estimate the noise, so the standard errors are NaN");

    // Covariance from the SVD of the column-normalised weighted Jacobian A = W^½ J D⁻¹ over the
    // free parameters: (AᵀA)⁻¹ = V Σ⁻² Vᵀ on the identifiable subspace, then
    // Cov(θ) = s² D⁻¹ (AᵀA)⁺ D⁻¹. (∂r/∂u = −W^½ J c, the sign drops out of the products.)
    out.std_errors.assign(p, 0.0);
    out.correlation.assign(p * p, kNaN);
    std::vector<std::size_t> free_index;
    for (std::size_t j = 0; j < p; ++j)
        if (!is_fixed(parameters_[j]))
            free_index.push_back(j);
    const auto q = static_cast<Eigen::Index>(n_free);
    if (q > 0) {
        Eigen::MatrixXd a(static_cast<Eigen::Index>(n), q);
        Eigen::VectorXd d(q);
        for (Eigen::Index c = 0; c < q; ++c) {
            const std::size_t j = free_index[static_cast<std::size_t>(c)];
            for (std::size_t k = 0; k < n; ++k)
                a(static_cast<Eigen::Index>(k), c) = jac[k * p + j] / scale_[j];
            const double norm = a.col(c).norm();
            d(c) = norm > 0 ? norm : 1.0;
            a.col(c) /= d(c);
        }
        const Eigen::JacobiSVD<Eigen::MatrixXd> svd(a, Eigen::ComputeFullV);
        const Eigen::VectorXd& sv = svd.singularValues();
        const Eigen::MatrixXd& v = svd.matrixV();
        const double smax = sv.size() > 0 ? sv(0) : 0.0;

        Eigen::VectorXd null_weight = Eigen::VectorXd::Zero(q);
        Eigen::MatrixXd cov_s = Eigen::MatrixXd::Zero(q, q);
        for (Eigen::Index i = 0; i < sv.size(); ++i) {
            const double ratio = smax > 0 ? sv(i) / smax : 0.0;
            const Eigen::VectorXd vi = v.col(i);
            if (ratio <= options_.singular_threshold) {
                null_weight += vi.cwiseAbs2();
                std::vector<std::string> involved;
                std::string direction;
                for (Eigen::Index c = 0; c < q; ++c)
                    if (vi(c) * vi(c) > kNullSpaceWeight) {
                        involved.push_back(free_names[static_cast<std::size_t>(c)]);
                        direction += (direction.empty() ? "" : ", ") + sci(vi(c), 2) + " " +
                                     free_names[static_cast<std::size_t>(c)];
                    }
                out.warnings.push_back(
                    (involved.size() == 1 ? "parameter " : "parameters ") + quoted_list(involved) +
                    " cannot be identified from these data: the Jacobian at the fit is rank "
                    "deficient (smallest/largest singular value of the column-scaled Jacobian " +
                    sci(ratio) + "), so moving along (" + direction +
                    ") in column-scaled units leaves every prediction unchanged. " +
                    (involved.size() == 1
                         ? std::string("Its standard error is reported as infinite; fix it or "
                                       "add data that depend on it.")
                         : std::string("Their standard errors are reported as infinite; fix "
                                       "one of them or add data that separate them.")));
                continue;
            }
            if (ratio <= options_.ill_conditioned_threshold) {
                std::vector<std::string> involved;
                for (Eigen::Index c = 0; c < q; ++c)
                    if (vi(c) * vi(c) > kNullSpaceWeight)
                        involved.push_back(free_names[static_cast<std::size_t>(c)]);
                out.warnings.push_back(
                    (involved.size() == 1 ? "parameter " : "parameters ") + quoted_list(involved) +
                    (involved.size() == 1 ? " is" : " are") +
                    " poorly identified: the column-scaled Jacobian is nearly singular "
                    "(singular value ratio " +
                    sci(ratio) +
                    "); their standard errors are large and their correlations close to +-1.");
            }
            cov_s += vi * vi.transpose() / (sv(i) * sv(i));
        }

        const double s2 = options_.absolute_weights ? 1.0 : out.residual_variance;
        for (Eigen::Index c = 0; c < q; ++c) {
            const std::size_t j = free_index[static_cast<std::size_t>(c)];
            if (null_weight(c) > kNullSpaceWeight) {
                out.unidentified.push_back(parameters_[j].name);
                out.std_errors[j] = kInf;
                continue;
            }
            out.std_errors[j] = std::sqrt(s2 * cov_s(c, c)) / d(c);
            out.correlation[j * p + j] = 1.0;
        }
        for (Eigen::Index c1 = 0; c1 < q; ++c1)
            for (Eigen::Index c2 = 0; c2 < q; ++c2) {
                if (c1 == c2 || null_weight(c1) > kNullSpaceWeight ||
                    null_weight(c2) > kNullSpaceWeight)
                    continue;
                const std::size_t j1 = free_index[static_cast<std::size_t>(c1)];
                const std::size_t j2 = free_index[static_cast<std::size_t>(c2)];
                out.correlation[j1 * p + j2] =
                    cov_s(c1, c2) / std::sqrt(cov_s(c1, c1) * cov_s(c2, c2));
            }
        for (std::size_t j = 0; j < p; ++j)
            if (out.std_errors[j] == kInf)
                out.correlation[j * p + j] = kNaN;
    }

    // A parameter that ended on a bound: the linearised σ treats the bound as inactive.
    for (std::size_t j : free_index) {
        const auto& par = parameters_[j];
        const double tol = 1e-9 * std::max(1.0, std::fabs(u[j]));
        const bool at_lower = std::isfinite(par.lower) && u[j] - par.lower / scale_[j] <= tol;
        const bool at_upper = std::isfinite(par.upper) && par.upper / scale_[j] - u[j] <= tol;
        if (at_lower || at_upper)
            out.warnings.push_back("parameter '" + par.name + "' ended at its " +
                                   (at_lower ? "lower" : "upper") + " bound " +
                                   num(at_lower ? par.lower : par.upper) +
                                   ": the data pull it beyond; widen the bound if that is "
                                   "physical. Its standard error assumes the bound is inactive.");
    }
    return out;
}

} // namespace spincim::calib::detail
