#include "spincim/core/random.hpp"

#include <cmath>
#include <numbers>

namespace spincim {

std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL; // FNV offset basis
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL; // FNV prime
    }
    return h;
}

namespace {
// SplitMix64 output function: a bijective 64-bit mixer.
std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
} // namespace

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t sample,
                           std::string_view device) noexcept
    // Chain the key parts through the mixer so that (a, b) and (b, a) give unrelated streams.
    : state_(mix64(mix64(mix64(seed ^ 0x5350494e43494d31ULL) ^ sample) ^ fnv1a64(device))) {}

std::uint64_t RandomStream::next() noexcept {
    state_ += 0x9e3779b97f4a7c15ULL; // golden-ratio increment of SplitMix64
    return mix64(state_);
}

void RandomStream::fill(std::span<std::uint64_t> out) noexcept {
    // SplitMix64's i-th output depends only on state + i·gamma, so the values are independent of
    // each other and the loop is bounded by the mixer's throughput rather than its latency.
    constexpr std::uint64_t gamma = 0x9e3779b97f4a7c15ULL;
    std::uint64_t s = state_;
    std::size_t i = 0;
    const std::size_t n = out.size();
    for (; i + 4 <= n; i += 4) {
        out[i] = mix64(s + gamma);
        out[i + 1] = mix64(s + 2 * gamma);
        out[i + 2] = mix64(s + 3 * gamma);
        out[i + 3] = mix64(s + 4 * gamma);
        s += 4 * gamma;
    }
    for (; i < n; ++i) {
        s += gamma;
        out[i] = mix64(s);
    }
    state_ = s;
}

double RandomStream::uniform() noexcept {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double RandomStream::uniform_open0() noexcept {
    return (static_cast<double>(next() >> 11) + 1.0) * 0x1.0p-53;
}

double RandomStream::normal() noexcept {
    // Box–Muller: two independent uniforms give two independent standard normals.
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform_open0()));
    const double phi = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(phi);
    has_spare_ = true;
    return r * std::cos(phi);
}

} // namespace spincim
