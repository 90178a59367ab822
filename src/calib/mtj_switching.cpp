#include "spincim/calib/mtj_switching.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "spincim/core/error.hpp"

#include "data_check.hpp"
#include "solver.hpp"

namespace spincim::calib::mtj_switching {

namespace {

constexpr const char* kName = "mtj_switching";
constexpr double kTau0Lower = 1e-15, kTau0Upper = 1e-3; // s: attempt times are ~1e-12..1e-8 s
constexpr double kDeltaLower = 1.0, kDeltaUpper = 500.0;
constexpr double kDeltaTypical = 40.0; // used only when no thermal points constrain Δ

struct Predict {
    Model model;
    const std::vector<double>* current;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        for (std::size_t k = 0; k < current->size(); ++k)
            prediction[k] = model.ln_time(theta, (*current)[k]);
        return true;
    }
};

void check(const Data& data, const Model& model) {
    const std::size_t n = data.current_a.size();
    detail::check_length(kName, "time_s", data.time_s.size(), n);
    detail::check_positive(kName, "current_a", data.current_a);
    detail::check_positive(kName, "time_s", data.time_s);
    detail::check_varies(kName, "current_a", data.current_a);
    if (!(model.tau_d_s > 0) || !std::isfinite(model.tau_d_s))
        throw InputError(std::string(kName) + " fit: the precession time constant tau_d_s is " +
                         detail::num(model.tau_d_s) + "; it must be finite and > 0");
}

} // namespace

const std::vector<ParameterInfo>& parameter_info() {
    static const std::vector<ParameterInfo> info{
        {"Ic0", "A", "zero-temperature critical current (regime boundary)"},
        {"tau0", "s", "Neel-Brown attempt time"},
        {"Delta", "1", "thermal stability factor E_b/(k_B T)"}};
    return info;
}

std::vector<Parameter> initial_parameters(const Data& data, const Model& model) {
    check(data, model);
    const std::size_t n = data.current_a.size();
    const auto w = detail::weights_or_ones(kName, data.weight, n);
    std::vector<double> z(n);
    for (std::size_t k = 0; k < n; ++k)
        z[k] = std::log(data.time_s[k]);
    std::vector<double> sorted = data.current_a;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

    // Candidate regime boundaries: inside every gap between measured currents, and beyond the
    // data on both sides (all points precessional / all thermal).
    std::vector<double> candidates{0.5 * sorted.front(), 0.9 * sorted.front(), 1.1 * sorted.back(),
                                   2.0 * sorted.back()};
    for (std::size_t g = 0; g + 1 < sorted.size(); ++g)
        for (double f : {0.1, 0.3, 0.5, 0.7, 0.9})
            candidates.push_back(sorted[g] + f * (sorted[g + 1] - sorted[g]));

    double best_cost = std::numeric_limits<double>::infinity();
    double best_ic0 = sorted.back(), best_tau0 = 1e-9, best_delta = kDeltaTypical;
    for (double c : candidates) {
        // Thermal side: ln t = ln τ0 + Δ − (Δ/Ic0)·I is a straight line in I.
        double sw = 0, sx = 0, sz = 0, sxx = 0, sxz = 0;
        std::size_t n_thermal = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const double x = data.current_a[k];
            if (x > c)
                continue;
            ++n_thermal;
            sw += w[k];
            sx += w[k] * x;
            sz += w[k] * z[k];
            sxx += w[k] * x * x;
            sxz += w[k] * x * z[k];
        }
        double delta = kDeltaTypical;
        const double den = sw * sxx - sx * sx;
        if (n_thermal >= 2 && den > 0)
            delta = -c * (sw * sxz - sx * sz) / den; // Δ = −slope·Ic0
        delta = detail::clamp_to(delta, kDeltaLower, kDeltaUpper);
        // ln τ0 as the weighted mean of the thermal points given Δ (1 ns if there are none).
        double ln_tau0 = std::log(1e-9);
        if (n_thermal > 0) {
            double acc = 0;
            for (std::size_t k = 0; k < n; ++k)
                if (data.current_a[k] <= c)
                    acc += w[k] * (z[k] - delta * (1.0 - data.current_a[k] / c));
            ln_tau0 = acc / sw;
        }
        const double tau0 = detail::clamp_to(std::exp(ln_tau0), kTau0Lower, kTau0Upper);
        const double theta[] = {c, tau0, delta};
        double cost = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const double e = z[k] - model.ln_time(theta, data.current_a[k]);
            cost += w[k] * e * e;
        }
        if (cost < best_cost) {
            best_cost = cost;
            best_ic0 = c;
            best_tau0 = tau0;
            best_delta = delta;
        }
    }
    const double ic0_lower = sorted.front() * 1e-3, ic0_upper = sorted.back() * 1e3;
    const auto& info = parameter_info();
    return {
        {info[kIc0].name, info[kIc0].unit, detail::clamp_to(best_ic0, ic0_lower, ic0_upper),
         ic0_lower, ic0_upper},
        {info[kTau0].name, info[kTau0].unit, best_tau0, kTau0Lower, kTau0Upper},
        {info[kDelta].name, info[kDelta].unit, best_delta, kDeltaLower, kDeltaUpper},
    };
}

FitResult fit(const Data& data, const Model& model, const FitOptions& options) {
    return fit(data, model, initial_parameters(data, model), options);
}

FitResult fit(const Data& data, const Model& model, const std::vector<Parameter>& parameters,
              const FitOptions& options) {
    check(data, model);
    detail::check_parameter_names(kName, parameters, parameter_info());
    const std::size_t n = data.current_a.size();
    std::vector<double> z(n);
    for (std::size_t k = 0; k < n; ++k)
        z[k] = std::log(data.time_s[k]);
    detail::Fitter fitter(kName, parameters, std::move(z),
                          detail::weights_or_ones(kName, data.weight, n), options);
    fitter.add(Predict{model, &data.current_a}, 0, n);
    auto result = fitter.solve();
    result.notes.push_back("residuals are ln t_k - ln t(I_k) (natural log of seconds); tau_D = " +
                           detail::num(model.tau_d_s) + " s is held fixed");
    return result;
}

} // namespace spincim::calib::mtj_switching
