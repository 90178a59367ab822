#include "spincim/calib/lif.hpp"

#include <algorithm>
#include <cmath>

#include "spincim/core/error.hpp"

#include "data_check.hpp"
#include "solver.hpp"

namespace spincim::calib::lif {

namespace {

constexpr const char* kName = "lif";
// A parameter set that fires more often than this within one sample interval is rejected as a
// trial step (it would make the evaluation arbitrarily slow).
constexpr int kMaxSpikesPerInterval = 1000;

// The model's domain: a positive leak time and a threshold above the reset level.
template <typename T>
bool in_domain(const T* theta, const Data& d) {
    return detail::value_of(theta[kTau]) > 0 && detail::value_of(theta[kTheta]) > d.x_reset;
}

// The event-driven exact solution described in the header, for samples 1..m−1 of `d`.
// Returns false for parameters outside the model's domain (τ ≤ 0, θ ≤ x_reset, runaway firing).
template <typename T>
bool integrate(const T* theta, const Data& d, std::size_t m, T* out, std::vector<double>* spikes) {
    using std::exp;
    using std::log;
    const T& tau = theta[kTau];
    const T& gain = theta[kGain];
    const T& th = theta[kTheta];
    if (!in_domain(theta, d))
        return false;
    T x = T(d.x0);
    T t_a = T(d.time_s[0]); // instant at which x is known (moves with a spike)
    for (std::size_t k = 0; k + 1 < m; ++k) {
        const T x_inf = gain * d.input[k] * tau;
        const double t_end = d.time_s[k + 1];
        for (int count = 0;; ++count) {
            if (count > kMaxSpikesPerInterval)
                return false;
            if (detail::value_of(x) >= detail::value_of(th)) {
                // Already at threshold (x0 ≥ θ): spike at once.
                if (spikes)
                    spikes->push_back(detail::value_of(t_a));
                x = T(d.x_reset);
                continue;
            }
            const T x_end = x_inf + (x - x_inf) * exp(-(t_end - t_a) / tau);
            if (detail::value_of(x_end) < detail::value_of(th)) {
                x = x_end;
                t_a = T(t_end);
                break;
            }
            // x rises monotonically towards x∞ > θ: the crossing instant is exact.
            t_a = t_a + tau * log((x_inf - x) / (x_inf - th));
            if (spikes)
                spikes->push_back(detail::value_of(t_a));
            x = T(d.x_reset);
        }
        out[k] = x;
    }
    return true;
}

// The same solution with the resets placed in the sample intervals where the data show them
// (`reset_after[k]`: a reset between samples k and k+1). The crossing instant t* of such an
// interval is computed from the same formula even when it falls outside the interval, and no
// other interval resets; the predictions are then smooth in (τ, g, θ) everywhere, so
// Levenberg–Marquardt cannot be trapped by a spike predicted one sample early or late. At a fit
// whose crossings lie inside their intervals (checked afterwards) this equals integrate().
template <typename T>
bool integrate_aligned(const T* theta, const Data& d, const std::vector<bool>& reset_after,
                       T* out) {
    if (!in_domain(theta, d))
        return false;
    using std::exp;
    using std::log;
    const T& tau = theta[kTau];
    const T& gain = theta[kGain];
    const T& th = theta[kTheta];
    T x = T(d.x0);
    for (std::size_t k = 0; k + 1 < d.time_s.size(); ++k) {
        const T x_inf = gain * d.input[k] * tau;
        const double t_end = d.time_s[k + 1];
        if (reset_after[k]) {
            const T ratio = (x_inf - x) / (x_inf - th);
            if (!(detail::value_of(ratio) > 0))
                return false;
            const T t_star = d.time_s[k] + tau * log(ratio);
            x = x_inf + (d.x_reset - x_inf) * exp(-(t_end - t_star) / tau);
        } else {
            x = x_inf + (x - x_inf) * exp(-(t_end - d.time_s[k]) / tau);
        }
        out[k] = x;
    }
    return true;
}

struct Predict {
    const Data* data;
    const std::vector<bool>* reset_after;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        return integrate_aligned(theta, *data, *reset_after, prediction);
    }
};

void check(const Data& d) {
    const std::size_t n = d.time_s.size();
    if (n < 2)
        throw InputError(std::string(kName) + " fit: a transient needs at least two samples, got " +
                         std::to_string(n));
    detail::check_length(kName, "input", d.input.size(), n);
    detail::check_length(kName, "state", d.state.size(), n);
    detail::check_finite(kName, "time_s", d.time_s);
    detail::check_finite(kName, "input", d.input);
    detail::check_finite(kName, "state", d.state);
    detail::check_varies(kName, "time_s", d.time_s);
    if (!std::isfinite(d.x0) || !std::isfinite(d.x_reset))
        throw InputError(std::string(kName) + " fit: x0 and x_reset must be finite");
    for (std::size_t k = 0; k + 1 < n; ++k)
        if (!(d.time_s[k + 1] > d.time_s[k]))
            throw InputError(std::string(kName) + " fit: 'time_s' must increase strictly; point " +
                             std::to_string(k + 2) + " (" + detail::num(d.time_s[k + 1]) +
                             " s) does not come after point " + std::to_string(k + 1) + " (" +
                             detail::num(d.time_s[k]) + " s)");
}

// reset_after[k]: the data drop between samples k and k+1 by more than half the range of x (a
// reset; the jump is far above any plausible noise).
std::vector<bool> observed_resets(const Data& d) {
    const auto [lo, hi] = std::minmax_element(d.state.begin(), d.state.end());
    const double drop = 0.5 * (*hi - std::min(*lo, d.x_reset));
    std::vector<bool> out(d.state.size(), false);
    for (std::size_t k = 0; k + 1 < d.state.size(); ++k)
        out[k] = drop > 0 && d.state[k] - d.state[k + 1] > drop;
    return out;
}

} // namespace

std::vector<double> simulate(const Params& p, const Data& data) {
    check(data);
    const double theta[] = {p.tau_s, p.gain, p.threshold};
    std::vector<double> out(data.time_s.size());
    out[0] = data.x0;
    if (!integrate(theta, data, data.time_s.size(), out.data() + 1, nullptr))
        throw InputError(std::string(kName) + ": tau must be > 0 and the threshold above x_reset");
    return out;
}

std::vector<double> spike_times(const Params& p, const Data& data) {
    check(data);
    const double theta[] = {p.tau_s, p.gain, p.threshold};
    std::vector<double> x(data.time_s.size()), spikes;
    if (!integrate(theta, data, data.time_s.size(), x.data(), &spikes))
        throw InputError(std::string(kName) + ": tau must be > 0 and the threshold above x_reset");
    return spikes;
}

const std::vector<ParameterInfo>& parameter_info() {
    static const std::vector<ParameterInfo> info{
        {"tau", "s", "leak time constant"},
        {"g", "x/(I*s)", "input gain (1/C for a membrane capacitance C)"},
        {"theta", "x", "firing threshold"}};
    return info;
}

std::vector<Parameter> initial_parameters(const Data& data) {
    check(data);
    const std::size_t n = data.time_s.size();
    const auto reset_after = observed_resets(data);
    std::vector<std::size_t> resets;
    for (std::size_t k = 0; k < n; ++k)
        if (reset_after[k])
            resets.push_back(k);

    // Trapezoidal regression y = −u/τ + g·I with y = Δx/Δt, u = (x_k + x_{k+1})/2.
    double suu = 0, sui = 0, sii = 0, suy = 0, siy = 0;
    double min_dt = data.time_s[1] - data.time_s[0];
    for (std::size_t k = 0; k + 1 < n; ++k) {
        const double dt = data.time_s[k + 1] - data.time_s[k];
        min_dt = std::min(min_dt, dt);
        if (reset_after[k])
            continue;
        const double u = 0.5 * (data.state[k] + data.state[k + 1]);
        const double y = (data.state[k + 1] - data.state[k]) / dt;
        const double i = data.input[k];
        suu += u * u;
        sui += u * i;
        sii += i * i;
        suy += u * y;
        siy += i * y;
    }
    const double span = data.time_s.back() - data.time_s.front();
    double tau = 0.1 * span, gain = 0.0;
    const double det = suu * sii - sui * sui;
    if (det > 0) {
        const double minus_inv_tau = (suy * sii - siy * sui) / det;
        const double g = (siy * suu - suy * sui) / det;
        if (minus_inv_tau < 0) {
            tau = -1.0 / minus_inv_tau;
            gain = g;
        }
    }
    if (gain == 0.0 && sii > 0)
        gain = siy / sii; // no leak visible: the pure-integrator slope
    const double tau_lower = 1e-3 * min_dt, tau_upper = 1e3 * span;
    tau = detail::clamp_to(tau, tau_lower, tau_upper);

    // θ: half a step above the last sample before each reset (the crossing lies inside the
    // interval), averaged over the resets; without resets, above every observed value.
    const double x_max = *std::max_element(data.state.begin(), data.state.end());
    const double range = std::max(x_max - data.x_reset, 1e-12 * std::max(1.0, std::fabs(x_max)));
    double theta = x_max + 0.1 * range;
    if (!resets.empty()) {
        double acc = 0;
        for (std::size_t b : resets) {
            const double rise = b > 0 ? data.state[b] - data.state[b - 1] : 0.0;
            acc += data.state[b] + 0.5 * std::max(rise, 0.0);
        }
        theta = acc / static_cast<double>(resets.size());
    }
    const double theta_lower = data.x_reset + 1e-9 * range;
    theta = std::max(theta, data.x_reset + 0.01 * range);
    // The aligned model needs x∞ above θ in every reset interval; if the start values miss that,
    // lower θ towards x_reset until they do (a start value only has to lie in the right basin).
    std::vector<double> x(n);
    for (int tries = 0; tries < 60; ++tries) {
        const double th[] = {tau, gain, theta};
        if (integrate_aligned(th, data, reset_after, x.data()))
            break;
        theta = data.x_reset + 0.9 * (theta - data.x_reset);
    }
    const auto& info = parameter_info();
    return {{info[kTau].name, info[kTau].unit, tau, tau_lower, tau_upper},
            {info[kGain].name, info[kGain].unit, gain},
            {info[kTheta].name, info[kTheta].unit, std::max(theta, theta_lower), theta_lower}};
}

FitResult fit(const Data& data, const FitOptions& options) {
    return fit(data, initial_parameters(data), options);
}

FitResult fit(const Data& data, const std::vector<Parameter>& parameters,
              const FitOptions& options) {
    check(data);
    detail::check_parameter_names(kName, parameters, parameter_info());
    if (!data.weight.empty()) {
        detail::check_length(kName, "weight", data.weight.size(), data.time_s.size());
        (void)detail::weights_or_ones(kName, {data.weight.begin() + 1, data.weight.end()},
                                      data.time_s.size() - 1);
    }
    const std::size_t n = data.time_s.size();
    const auto reset_after = observed_resets(data);
    std::vector<double> y(data.state.begin() + 1, data.state.end());
    std::vector<double> w;
    if (!data.weight.empty())
        w.assign(data.weight.begin() + 1, data.weight.end());
    detail::Fitter fitter(kName, parameters, std::move(y), std::move(w), options);
    fitter.add(Predict{&data, &reset_after}, 0, n - 1);
    FitResult result = fitter.solve();
    const auto n_resets = std::count(reset_after.begin(), reset_after.end(), true);
    result.notes.push_back("residuals are x_obs(t_k) - x(t_k) for k >= 1, with the " +
                           std::to_string(n_resets) +
                           " resets placed in the sample intervals where the data drop");

    // The aligned model equals the event-driven one only if the fitted neuron fires exactly in
    // the observed intervals: compare.
    const Params fitted{result.values[kTau], result.values[kGain], result.values[kTheta]};
    const double th[] = {fitted.tau_s, fitted.gain, fitted.threshold};
    std::vector<double> x(n), spikes;
    if (integrate(th, data, n, x.data(), &spikes)) {
        std::vector<bool> fired(n, false);
        for (double t : spikes) {
            const auto it = std::upper_bound(data.time_s.begin(), data.time_s.end(), t);
            const auto k =
                static_cast<std::size_t>(std::max<long>(0, it - data.time_s.begin() - 1));
            fired[std::min(k, n - 1)] = true;
        }
        std::size_t mismatched = 0;
        for (std::size_t k = 0; k + 1 < n; ++k)
            mismatched += fired[k] != reset_after[k] ? 1 : 0;
        if (mismatched > 0 || static_cast<std::ptrdiff_t>(spikes.size()) != n_resets)
            result.warnings.push_back(
                "the fitted neuron fires " + std::to_string(spikes.size()) +
                " times where the "
                "data show " +
                std::to_string(n_resets) + " resets (" + std::to_string(mismatched) +
                " sample intervals differ): the model does not describe this transient, or the "
                "sampling does not resolve every spike");
    }
    return result;
}

} // namespace spincim::calib::lif
