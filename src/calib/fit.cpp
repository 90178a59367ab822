#include "spincim/calib/fit.hpp"

#include <cstdio>

namespace spincim::calib {

std::string_view to_string(FitStatus status) {
    switch (status) {
    case FitStatus::converged:
        return "converged";
    case FitStatus::not_converged:
        return "not converged";
    case FitStatus::failed:
        return "failed";
    }
    return "unknown";
}

ExitCode FitResult::exit_code() const {
    return converged() ? ExitCode::ok : ExitCode::simulation_failed;
}

std::size_t FitResult::index(std::string_view name) const {
    for (std::size_t j = 0; j < parameters.size(); ++j)
        if (parameters[j].name == name)
            return j;
    std::string known;
    for (const auto& p : parameters)
        known += (known.empty() ? "" : ", ") + p.name;
    throw InputError(model + " fit: no parameter '" + std::string(name) +
                     "' (parameters: " + known + ")");
}

double FitResult::correlation_of(std::string_view a, std::string_view b) const {
    return correlation[index(a) * parameters.size() + index(b)];
}

std::string FitResult::table() const {
    std::string out = model + " fit: " + std::string(to_string(status)) + " (" +
                      report.termination + " after " + std::to_string(report.iterations) +
                      " iterations: " + report.message + ")\n";
    char line[256];
    std::snprintf(line, sizeof line, "  %-10s %14s %12s  %s\n", "parameter", "value", "std.error",
                  "unit");
    out += line;
    for (std::size_t j = 0; j < parameters.size(); ++j) {
        std::snprintf(
            line, sizeof line, "  %-10s %14.6g %12.3g  %s%s\n", parameters[j].name.c_str(),
            values[j], std_errors[j], parameters[j].unit.c_str(),
            parameters[j].fixed || parameters[j].lower == parameters[j].upper ? " (fixed)" : "");
        out += line;
    }
    std::snprintf(line, sizeof line,
                  "  n = %zu, dof = %zu, rms residual = %.4g, max |residual| = %.4g, R^2 = %.6g\n",
                  n_points, dof, rms_residual, max_abs_residual, r_squared);
    out += line;
    for (const auto& n : notes)
        out += "  note: " + n + "\n";
    for (const auto& w : warnings)
        out += "  warning: " + w + "\n";
    return out;
}

} // namespace spincim::calib
