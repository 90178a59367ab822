#include "spincim/network/metrics.hpp"

#include <array>
#include <cmath>
#include <string>

#include "spincim/core/error.hpp"

namespace spincim::network {

double student_t975(int dof) {
    if (dof < 1) {
        throw InputError("student_t975: degrees of freedom must be ≥ 1, got " +
                         std::to_string(dof));
    }
    // t(0.975, dof) for dof = 1 … 30 (NIST/SEMATECH e-Handbook, Table 1.3.6.7.2).
    static constexpr std::array<double, 30> table = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (dof <= 30) {
        return table[static_cast<std::size_t>(dof - 1)];
    }
    // Large dof: Cornish–Fisher expansion around the normal quantile z = 1.959964
    // (Abramowitz & Stegun 26.7.5), accurate to < 1e-3 for dof > 30.
    const double z = 1.959963984540054;
    const double d = dof;
    return z + (z * z * z + z) / (4.0 * d) +
           (5.0 * std::pow(z, 5) + 16.0 * z * z * z + 3.0 * z) / (96.0 * d * d);
}

MeanCi mean_ci95(const std::vector<double>& values) {
    MeanCi r;
    r.n = static_cast<int>(values.size());
    if (values.empty()) {
        return r;
    }
    double sum = 0.0;
    for (double v : values) {
        sum += v;
    }
    r.mean = sum / r.n;
    if (r.n < 2) {
        r.ci_low = r.ci_high = r.mean;
        return r;
    }
    double ss = 0.0;
    for (double v : values) {
        ss += (v - r.mean) * (v - r.mean);
    }
    r.sd = std::sqrt(ss / (r.n - 1));
    const double half = student_t975(r.n - 1) * r.sd / std::sqrt(static_cast<double>(r.n));
    r.ci_low = r.mean - half;
    r.ci_high = r.mean + half;
    return r;
}

double tops_per_watt(int n_columns, double energy_per_accumulation_j) {
    if (n_columns <= 0 || !(energy_per_accumulation_j > 0.0)) {
        throw InputError("tops_per_watt: need N > 0 and a positive energy per accumulation");
    }
    return ops_per_accumulation(n_columns) / energy_per_accumulation_j / 1e12;
}

double array_tops(int n_columns, int m_rows, double access_time_s) {
    if (n_columns <= 0 || m_rows <= 0 || !(access_time_s > 0.0)) {
        throw InputError("array_tops: need N, M > 0 and a positive access time");
    }
    return m_rows * ops_per_accumulation(n_columns) / access_time_s / 1e12;
}

} // namespace spincim::network
