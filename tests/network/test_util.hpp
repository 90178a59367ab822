#pragma once
// Helpers shared by the network-layer tests: scratch files and synthetic CRER tables.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "spincim/analysis/crer_table.hpp"

namespace spincim::network::testing {

using analysis::constant_rer_table;
using analysis::CrerTable;

// A scratch file path unique to the running test process.
inline std::string scratch(const std::string& name) {
    const auto dir = std::filesystem::path(SPINCIM_BINARY_DIR) / "tests" / "network" / "scratch";
    std::filesystem::create_directories(dir);
    return (dir / (std::to_string(::getpid()) + "_" + name)).string();
}

inline void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Synthetic sense-amplifier error model: the decision variable of a row with popcount k is
// (k − N/2) plus Gaussian noise of standard deviation `sigma` (popcount units), so by seed 001
// eq. (7) RER(k) = ½·erfc(|k − N/2| / (√2·σ)); CRER from eq. (8).
inline CrerTable gaussian_table(int n, double sigma) {
    CrerTable t = constant_rer_table(n, 0.0);
    for (int k = 0; k <= n; ++k) {
        const double margin = std::abs(k - n / 2.0);
        const double rer = 0.5 * std::erfc(margin / (std::sqrt(2.0) * sigma));
        const double w = std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) -
                                  std::lgamma(n - k + 1.0) - n * std::log(2.0));
        t.rer[static_cast<std::size_t>(k)] = rer;
        t.crer[static_cast<std::size_t>(k)] = rer * w;
    }
    t.source = "gaussian sigma " + std::to_string(sigma);
    return t;
}

} // namespace spincim::network::testing
