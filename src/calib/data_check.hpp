#pragma once
// Input checks shared by the calib models. Every failure is an InputError whose message names the
// model, the data column or parameter, and the offending point.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::detail {

// Every value finite; `what` is the column name as the user knows it (e.g. `time_s`).
void check_finite(std::string_view model, std::string_view what, std::span<const double> values);
// Every value finite and > 0 (for quantities that enter a logarithm or a ratio).
void check_positive(std::string_view model, std::string_view what, std::span<const double> values);
// `values.size() == n`.
void check_length(std::string_view model, std::string_view what, std::size_t size, std::size_t n);
// At least two different values: a fit against an input that never changes cannot tell the
// input's effect from a constant.
void check_varies(std::string_view model, std::string_view what, std::span<const double> values);
// Weights: empty (all 1) or n finite values > 0. Returns the n weights.
[[nodiscard]] std::vector<double> weights_or_ones(std::string_view model,
                                                  std::span<const double> weights, std::size_t n);
// Names unique and non-empty, start/bounds finite where required, lower ≤ start ≤ upper.
void check_parameters(std::string_view model, const std::vector<Parameter>& parameters);
// The parameters' names equal `expected` (same order), so a user-edited list still matches the
// model.
void check_parameter_names(std::string_view model, const std::vector<Parameter>& parameters,
                           const std::vector<ParameterInfo>& expected);

// `value` clamped into [lower, upper] (start values derived from data must respect the bounds).
[[nodiscard]] double clamp_to(double value, double lower, double upper);
// A number for messages: shortest round-trip form (or `digits` significant digits), `nan`/`inf`
// spelled out.
[[nodiscard]] std::string num(double value, int digits = 0);

} // namespace spincim::calib::detail
