#pragma once
// Reference formulas for the error-rate tests, written out independently of the library.
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace spincim::analysis {

// Φ(x) from erfc (A&S 26.2.29).
inline double phi_ref(double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// C(n, k)/2^n (seed 001 eq. 8 weight) from lgamma.
inline double weight_ref(std::size_t n, std::size_t k) {
    const double nd = static_cast<double>(n);
    const double kd = static_cast<double>(k);
    return std::exp(std::lgamma(nd + 1.0) - std::lgamma(kd + 1.0) - std::lgamma(nd - kd + 1.0) -
                    nd * std::log(2.0));
}

// Mean and Σ(x − mean)² by two passes (the check of the one-pass Welford summaries).
inline std::pair<double, double> mean_and_ss(const std::vector<double>& x) {
    double mean = 0.0;
    for (double v : x) {
        mean += v;
    }
    mean /= static_cast<double>(x.size());
    double ss = 0.0;
    for (double v : x) {
        ss += (v - mean) * (v - mean);
    }
    return {mean, ss};
}

// A margin whose mean is slope·(N/2 − k) and whose standard deviation is sigma at every k: its
// RER(k) (eq. 7) and AER (eq. 9, k = N/2 excluded).
struct LinearMargin {
    std::size_t n = 128;
    double slope = 0.0;
    double sigma = 1.0;
    [[nodiscard]] double mu(std::size_t k) const {
        return slope * (0.5 * static_cast<double>(n) - static_cast<double>(k));
    }
    [[nodiscard]] double rer(std::size_t k) const { return phi_ref(-std::abs(mu(k)) / sigma); }
    [[nodiscard]] double aer() const {
        double sum = 0.0;
        for (std::size_t k = 0; k <= n; ++k) {
            if (2 * k != n) {
                sum += weight_ref(n, k) * rer(k);
            }
        }
        return sum;
    }
};

} // namespace spincim::analysis
