#include "data_check.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "spincim/core/error.hpp"

namespace spincim::calib::detail {

namespace {

std::string prefix(std::string_view model) {
    return std::string(model) + " fit: ";
}

std::string point(std::size_t k) {
    return "point " + std::to_string(k + 1); // 1-based, as a row number in a data file
}

} // namespace

std::string num(double value, int digits) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    if (digits > 0) {
        char text[64];
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        return text;
    }
    std::array<char, 32> buf{};
    const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    (void)ec; // 32 characters hold the shortest form of any double
    return std::string(buf.data(), ptr);
}

void check_finite(std::string_view model, std::string_view what, std::span<const double> values) {
    for (std::size_t k = 0; k < values.size(); ++k)
        if (!std::isfinite(values[k]))
            throw InputError(prefix(model) + "'" + std::string(what) + "' at " + point(k) + " is " +
                             num(values[k]) + "; every data value must be finite");
}

void check_positive(std::string_view model, std::string_view what, std::span<const double> values) {
    check_finite(model, what, values);
    for (std::size_t k = 0; k < values.size(); ++k)
        if (!(values[k] > 0))
            throw InputError(prefix(model) + "'" + std::string(what) + "' at " + point(k) + " is " +
                             num(values[k]) + "; it must be > 0");
}

void check_length(std::string_view model, std::string_view what, std::size_t size, std::size_t n) {
    if (size != n)
        throw InputError(prefix(model) + "'" + std::string(what) + "' has " + std::to_string(size) +
                         " values for " + std::to_string(n) + " data points");
}

void check_varies(std::string_view model, std::string_view what, std::span<const double> values) {
    if (values.empty())
        return;
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (*lo == *hi)
        throw InputError(prefix(model) + "all " + std::to_string(values.size()) + " values of '" +
                         std::string(what) + "' are equal (" + num(*lo) +
                         "); the fit needs data at more than one input value");
}

std::vector<double> weights_or_ones(std::string_view model, std::span<const double> weights,
                                    std::size_t n) {
    if (weights.empty())
        return std::vector<double>(n, 1.0);
    check_length(model, "weight", weights.size(), n);
    check_positive(model, "weight", weights);
    return {weights.begin(), weights.end()};
}

void check_parameters(std::string_view model, const std::vector<Parameter>& parameters) {
    std::set<std::string> seen;
    for (const auto& p : parameters) {
        const std::string where = prefix(model) + "parameter '" + p.name + "': ";
        if (p.name.empty())
            throw InputError(prefix(model) + "a parameter has an empty name");
        if (!seen.insert(p.name).second)
            throw InputError(where + "the name appears twice");
        if (!std::isfinite(p.start))
            throw InputError(where + "start value " + num(p.start) + " is not finite");
        if (std::isnan(p.lower) || std::isnan(p.upper))
            throw InputError(where + "a bound is NaN");
        if (p.lower > p.upper)
            throw InputError(where + "lower bound " + num(p.lower) + " is above upper bound " +
                             num(p.upper));
        if (p.start < p.lower || p.start > p.upper)
            throw InputError(where + "start value " + num(p.start) + " is outside its bounds [" +
                             num(p.lower) + ", " + num(p.upper) + "]");
    }
}

void check_parameter_names(std::string_view model, const std::vector<Parameter>& parameters,
                           const std::vector<ParameterInfo>& expected) {
    bool same = parameters.size() == expected.size();
    for (std::size_t j = 0; same && j < parameters.size(); ++j)
        same = parameters[j].name == expected[j].name;
    if (!same) {
        std::string want;
        for (const auto& e : expected)
            want += (want.empty() ? "" : ", ") + e.name;
        std::string got;
        for (const auto& p : parameters)
            got += (got.empty() ? "" : ", ") + p.name;
        throw InputError(prefix(model) + "expected the parameters (" + want +
                         ") in this order, got (" + got + ")");
    }
}

double clamp_to(double value, double lower, double upper) {
    return std::min(std::max(value, lower), upper);
}

} // namespace spincim::calib::detail
