#include "spincim/units/units.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

#include "spincim/core/error.hpp"
#include "spincim/core/text.hpp"

namespace spincim::units {

namespace {

struct Suffix {
    std::string_view name; // lower case
    double scale;
    int exponent; // scale == 10^exponent
};

// SPICE scale factors (ngspice manual, section 2.3.5 "Syntax of numbers"), minus `mil`, which
// spincim does not accept because nobody means 25.4 µm by it in a study file.
constexpr std::array<Suffix, 9> kSuffixes{{{"f", 1e-15, -15},
                                           {"p", 1e-12, -12},
                                           {"n", 1e-9, -9},
                                           {"u", 1e-6, -6},
                                           {"m", 1e-3, -3},
                                           {"k", 1e3, 3},
                                           {"meg", 1e6, 6},
                                           {"g", 1e9, 9},
                                           {"t", 1e12, 12}}};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace

std::optional<double> try_parse(std::string_view text, std::string* why) {
    auto fail = [&](std::string msg) -> std::optional<double> {
        if (why)
            *why = std::move(msg);
        return std::nullopt;
    };
    if (text.empty())
        return fail("empty value where a number was expected");
    std::string_view body = text;
    if (body.front() == '+')
        body.remove_prefix(1);
    // Reject spellings of non-finite values before from_chars, which accepts them.
    const std::string low = lower(body);
    const std::string_view lowv = low;
    const std::string_view unsigned_low = lowv.starts_with('-') ? lowv.substr(1) : lowv;
    if (unsigned_low.starts_with("nan") || unsigned_low.starts_with("inf"))
        return fail(quote(text) + " is not a finite number");

    double mantissa = 0.0;
    const char* first = body.data();
    const char* last = body.data() + body.size();
    const auto [ptr, ec] = std::from_chars(first, last, mantissa, std::chars_format::general);
    if (ec == std::errc::invalid_argument || ptr == first)
        return fail(quote(text) + " is not a number");
    if (ec == std::errc::result_out_of_range)
        return fail(quote(text) + " is out of the range of a double-precision number");

    const std::string_view rest(ptr, static_cast<std::size_t>(last - ptr));
    if (rest.empty())
        return mantissa;
    if (rest == "M")
        return fail(quote(text) +
                    " is ambiguous: SPICE reads 'M' as milli (1e-3); write 'm' for milli or "
                    "'meg' for mega (1e6)");
    const std::string suffix = lower(rest);
    const Suffix* known = nullptr;
    for (const auto& s : kSuffixes)
        if (suffix == s.name)
            known = &s;
    if (!known) {
        // Say what went wrong in the common cases: `1k5`, `10uF`, `1Farad`.
        std::string hint;
        for (const auto& s : kSuffixes)
            if (suffix.size() > s.name.size() && suffix.starts_with(s.name))
                hint = "; only the suffix '" + std::string(s.name) +
                       "' may follow the number, nothing after it (no units, no digits)";
        return fail(quote(text) + " has an unknown unit suffix " + quote(rest) +
                    " (allowed: f p n u m k meg g t, case-insensitive; m = milli)" + hint);
    }
    // Apply the suffix to the decimal exponent and round once, so that `10u` is exactly the
    // double nearest to 10e-6 (multiplying by 1e-6 would round twice and miss it by an ulp).
    const std::string_view number(first, static_cast<std::size_t>(ptr - first));
    const std::size_t epos = number.find_first_of("eE");
    long exponent = known->exponent;
    if (epos != std::string_view::npos) {
        std::string_view e = number.substr(epos + 1);
        if (!e.empty() && e.front() == '+')
            e.remove_prefix(1);
        long written = 0;
        const auto er = std::from_chars(e.data(), e.data() + e.size(), written);
        if (er.ec != std::errc{} || er.ptr != e.data() + e.size())
            return fail(quote(text) + " is out of the range of a double-precision number");
        exponent += written;
    }
    const std::string scaled = std::string(number.substr(0, epos)) + "e" + std::to_string(exponent);
    double value = 0.0;
    const auto sr = std::from_chars(scaled.data(), scaled.data() + scaled.size(), value);
    if (sr.ec == std::errc::result_out_of_range || !std::isfinite(value))
        return fail(quote(text) + " is out of the range of a double-precision number");
    if (mantissa != 0.0 && value == 0.0)
        return fail(quote(text) + " underflows to zero");
    return value;
}

double parse(std::string_view text) {
    std::string why;
    if (auto v = try_parse(text, &why))
        return *v;
    throw InputError(why);
}

std::string to_spice(double value) {
    if (!std::isfinite(value))
        throw InputError("cannot write a non-finite number into a netlist");
    if (value == 0.0)
        return "0"; // also folds -0
    std::array<char, 32> buf{};
    const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    (void)ec; // 32 bytes always suffice for the shortest form of a double
    return std::string(buf.data(), ptr);
}

std::string to_eng(double value, int digits) {
    if (!std::isfinite(value))
        return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
    if (value == 0.0)
        return "0";
    // Engineering exponent: a multiple of 3 between -15 (f) and 12 (t).
    int exp3 = static_cast<int>(std::floor(std::log10(std::fabs(value)) / 3.0)) * 3;
    exp3 = std::clamp(exp3, -15, 12);
    std::string_view name;
    for (const auto& s : kSuffixes)
        if (std::fabs(std::log10(s.scale) - exp3) < 0.5)
            name = s.name;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, value / std::pow(10.0, exp3));
    return std::string(buf) + std::string(name);
}

} // namespace spincim::units
