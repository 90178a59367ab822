#include "spincim/calib/tbs_delay.hpp"

#include <cmath>

#include <Eigen/Dense>

#include "data_check.hpp"
#include "solver.hpp"

namespace spincim::calib::tbs_delay {

namespace {

constexpr const char* kName = "tbs_delay";

struct Predict {
    Model model;
    const std::vector<double>* voltage;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        for (std::size_t k = 0; k < voltage->size(); ++k)
            prediction[k] = model.ln_delay(theta, (*voltage)[k]);
        return true;
    }
};

void check(const Data& data) {
    detail::check_length(kName, "delay_s", data.delay_s.size(), data.voltage_v.size());
    detail::check_finite(kName, "voltage_v", data.voltage_v);
    detail::check_positive(kName, "delay_s", data.delay_s);
    detail::check_varies(kName, "voltage_v", data.voltage_v);
}

} // namespace

std::vector<ParameterInfo> parameter_info(const Model& model) {
    std::vector<ParameterInfo> info{{"a", "ln(s)", "ln T_SW at V = 0"},
                                    {"b", "1/V", "d ln T_SW / dV"}};
    if (model.quadratic)
        info.push_back({"c", "1/V^2", "curvature of ln T_SW(V)"});
    return info;
}

std::vector<Parameter> initial_parameters(const Data& data, const Model& model) {
    check(data);
    const std::size_t n = data.voltage_v.size();
    const auto w = detail::weights_or_ones(kName, data.weight, n);
    // Weighted linear least squares on the Vandermonde matrix, solved by column-pivoting QR (so
    // a rank-deficient design still gives finite start values; the fit then names the problem).
    const auto p = static_cast<Eigen::Index>(model.n_parameters());
    Eigen::MatrixXd a(static_cast<Eigen::Index>(n), p);
    Eigen::VectorXd z(static_cast<Eigen::Index>(n));
    for (std::size_t k = 0; k < n; ++k) {
        const auto row = static_cast<Eigen::Index>(k);
        const double sw = std::sqrt(w[k]);
        const double v = data.voltage_v[k];
        a(row, 0) = sw;
        a(row, 1) = sw * v;
        if (model.quadratic)
            a(row, 2) = sw * v * v;
        z(row) = sw * std::log(data.delay_s[k]);
    }
    const Eigen::VectorXd x = a.colPivHouseholderQr().solve(z);
    std::vector<Parameter> out;
    const auto info = parameter_info(model);
    for (std::size_t j = 0; j < info.size(); ++j) {
        const double start = x(static_cast<Eigen::Index>(j));
        out.push_back({info[j].name, info[j].unit, std::isfinite(start) ? start : 0.0});
    }
    return out;
}

FitResult fit(const Data& data, const Model& model, const FitOptions& options) {
    return fit(data, model, initial_parameters(data, model), options);
}

FitResult fit(const Data& data, const Model& model, const std::vector<Parameter>& parameters,
              const FitOptions& options) {
    check(data);
    detail::check_parameter_names(kName, parameters, parameter_info(model));
    const std::size_t n = data.voltage_v.size();
    std::vector<double> z(n);
    for (std::size_t k = 0; k < n; ++k)
        z[k] = std::log(data.delay_s[k]);
    detail::Fitter fitter(kName, parameters, std::move(z),
                          detail::weights_or_ones(kName, data.weight, n), options);
    fitter.add(Predict{model, &data.voltage_v}, 0, n);
    auto result = fitter.solve();
    result.notes.push_back("residuals are ln T_k - ln T(V_k) (natural log of seconds)");
    return result;
}

} // namespace spincim::calib::tbs_delay
