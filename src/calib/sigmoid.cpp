#include "spincim/calib/sigmoid.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data_check.hpp"
#include "solver.hpp"

namespace spincim::calib::sigmoid {

namespace {

constexpr const char* kName = "sigmoid";

struct Predict {
    const std::vector<double>* vin;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        const Model model;
        for (std::size_t k = 0; k < vin->size(); ++k)
            prediction[k] = model.vout(theta, (*vin)[k]);
        return true;
    }
};

void check(const Data& data) {
    detail::check_length(kName, "vout_v", data.vout_v.size(), data.vin_v.size());
    detail::check_finite(kName, "vin_v", data.vin_v);
    detail::check_finite(kName, "vout_v", data.vout_v);
    detail::check_varies(kName, "vin_v", data.vin_v);
}

} // namespace

const std::vector<ParameterInfo>& parameter_info() {
    static const std::vector<ParameterInfo> info{{"A", "V", "half swing (negative: inverting)"},
                                                 {"V0", "V", "input at the centre"},
                                                 {"s", "V", "input width; slope at V0 is A/s"},
                                                 {"B", "V", "output at the centre"}};
    return info;
}

std::vector<Parameter> initial_parameters(const Data& data) {
    check(data);
    const std::size_t n = data.vin_v.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return data.vin_v[a] < data.vin_v[b]; });
    const auto [lo, hi] = std::minmax_element(data.vout_v.begin(), data.vout_v.end());
    const double b = 0.5 * (*lo + *hi);
    // Sign of the trend: the mean output of the upper half of the inputs against the lower half.
    double low_half = 0, high_half = 0;
    for (std::size_t k = 0; k < n; ++k)
        (2 * k < n ? low_half : high_half) += data.vout_v[order[k]];
    double a = 0.5 * (*hi - *lo) * (high_half >= low_half ? 1.0 : -1.0);
    if (a == 0)
        a = 1.0; // a flat output: any non-zero swing starts the search
    const double vin_lo = data.vin_v[order.front()], vin_hi = data.vin_v[order.back()];
    const double range = vin_hi - vin_lo;
    // Centre: first crossing of B along the sorted inputs (linear interpolation).
    double v0 = 0.5 * (vin_lo + vin_hi);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        const double y0 = data.vout_v[order[k]] - b, y1 = data.vout_v[order[k + 1]] - b;
        if (y0 == 0 || (y0 < 0) != (y1 < 0)) {
            const double x0 = data.vin_v[order[k]], x1 = data.vin_v[order[k + 1]];
            v0 = y0 == y1 ? x0 : x0 + (x1 - x0) * y0 / (y0 - y1);
            break;
        }
    }
    // Width: tanh(±1) bounds the band of inputs within one s of the centre.
    double band_lo = vin_hi, band_hi = vin_lo;
    for (std::size_t k = 0; k < n; ++k)
        if (std::fabs(data.vout_v[k] - b) < std::tanh(1.0) * std::fabs(a)) {
            band_lo = std::min(band_lo, data.vin_v[k]);
            band_hi = std::max(band_hi, data.vin_v[k]);
        }
    const double s_lower = range * 1e-6, s_upper = range * 100.0;
    double s = band_hi > band_lo ? 0.5 * (band_hi - band_lo) : 0.1 * range;
    s = detail::clamp_to(s, s_lower, s_upper);
    const auto& info = parameter_info();
    return {{info[kA].name, info[kA].unit, a},
            {info[kV0].name, info[kV0].unit, v0},
            {info[kS].name, info[kS].unit, s, s_lower, s_upper},
            {info[kB].name, info[kB].unit, b}};
}

FitResult fit(const Data& data, const FitOptions& options) {
    return fit(data, initial_parameters(data), options);
}

FitResult fit(const Data& data, const std::vector<Parameter>& parameters,
              const FitOptions& options) {
    check(data);
    detail::check_parameter_names(kName, parameters, parameter_info());
    const std::size_t n = data.vin_v.size();
    detail::Fitter fitter(kName, parameters, data.vout_v,
                          detail::weights_or_ones(kName, data.weight, n), options);
    fitter.add(Predict{&data.vin_v}, 0, n);
    return fitter.solve();
}

} // namespace spincim::calib::sigmoid
