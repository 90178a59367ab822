#pragma once
// Reproducible random streams. Every draw in spincim comes from a stream keyed by
// (study seed, sample index, device name), so a Monte Carlo result does not depend on the number
// of worker processes, the order samples ran in, or how often a sweep was resumed.
//
// The generator is SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014) seeded from a hash of the key. Normal variates use the Box–Muller
// transform written out here, because std::normal_distribution's algorithm is left to the
// standard library and would make results differ between library versions.

#include <cstdint>
#include <span>
#include <string_view>

namespace spincim {

// 64-bit FNV-1a hash of a byte string (used to key streams by device name).
[[nodiscard]] std::uint64_t fnv1a64(std::string_view bytes) noexcept;

class RandomStream {
public:
    // Stream for one (seed, sample, device) triple.
    RandomStream(std::uint64_t seed, std::uint64_t sample, std::string_view device) noexcept;
    // Stream for a (seed, sample) pair with no device (e.g. die-to-die variation).
    RandomStream(std::uint64_t seed, std::uint64_t sample) noexcept
        : RandomStream(seed, sample, {}) {}

    // Next raw 64-bit value.
    std::uint64_t next() noexcept;
    // Fills `out` with the next out.size() raw values: exactly the values (and the state) that
    // out.size() calls of next() would give, generated in one loop for bulk consumers.
    void fill(std::span<std::uint64_t> out) noexcept;
    // Uniform on [0, 1) with 53 bits of resolution.
    double uniform() noexcept;
    // Uniform on (0, 1]: safe as the argument of log().
    double uniform_open0() noexcept;
    // Standard normal N(0, 1).
    double normal() noexcept;
    // N(mean, sigma^2).
    double normal(double mean, double sigma) noexcept { return mean + sigma * normal(); }

private:
    std::uint64_t state_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

} // namespace spincim
