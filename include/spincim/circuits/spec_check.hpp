#pragma once
// Checks every circuit generator applies to its typed spec before it writes an element: a value
// out of its physical range is an InputError naming the generator and the key
// ("booster: c_boost must be in [1f, 1n], got 5n"), never a netlist ngspice would misread.
// Used by the generators and by the native solvers that take the same specs.

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

namespace spincim::circuits::detail {

class SpecCheck {
public:
    explicit constexpr SpecCheck(const char* generator) : generator_(generator) {}

    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        SourceLocation where;
        where.key = key;
        throw InputError(std::string(generator_).append(": ").append(key).append(" ").append(what),
                         where);
    }
    // lo <= value <= hi, finite.
    void range(const std::string& key, double value, double lo, double hi) const {
        if (!std::isfinite(value) || value < lo || value > hi)
            fail(key, "must be in [" + units::to_eng(lo) + ", " + units::to_eng(hi) + "], got " +
                          units::to_eng(value));
    }
    void positive(const std::string& key, double value) const {
        if (!std::isfinite(value) || value <= 0)
            fail(key, "must be a positive finite number, got " + units::to_eng(value));
    }
    void non_negative(const std::string& key, double value) const {
        if (!std::isfinite(value) || value < 0)
            fail(key, "must be a finite number >= 0, got " + units::to_eng(value));
    }

    // Line drives of an array: none, or one optional voltage per line, each finite and within
    // +-max_abs volts.
    void drives(const std::string& key, const std::vector<std::optional<double>>& drive,
                std::size_t expected, double max_abs) const {
        if (!drive.empty() && drive.size() != expected)
            fail(key, "must have " + std::to_string(expected) + " entries (or none), got " +
                          std::to_string(drive.size()));
        for (std::size_t k = 0; k < drive.size(); ++k)
            if (drive[k] && (!std::isfinite(*drive[k]) || std::abs(*drive[k]) > max_abs))
                fail(key + "[" + std::to_string(k) + "]",
                     "must be a voltage within [-" + units::to_eng(max_abs) + ", " +
                         units::to_eng(max_abs) + "] V, got " + units::to_eng(*drive[k]));
    }

private:
    const char* generator_;
};

// The name of the k-th of a family of elements or nodes: `stem_k`.
inline std::string indexed(const char* stem, std::size_t k) {
    return std::string(stem) + "_" + std::to_string(k);
}

} // namespace spincim::circuits::detail
