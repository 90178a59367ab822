#pragma once
// Statistics over injection seeds and the throughput/energy figures of merit of an STT-BNN
// array (seed 001 Sec. V and Table IV).

#include <vector>

namespace spincim::network {

struct MeanCi {
    double mean = 0.0;
    double sd = 0.0;     // sample standard deviation
    double ci_low = 0.0; // two-sided 95 % confidence interval of the mean
    double ci_high = 0.0;
    int n = 0;
};

// Mean and Student-t 95 % confidence interval mean ± t(0.975, n−1)·sd/√n of repeated accuracy
// measurements (one per injection seed). With n = 1 the interval is the single value.
[[nodiscard]] MeanCi mean_ci95(const std::vector<double>& values);

// Two-sided 95 % Student-t quantile t(0.975, dof), dof ≥ 1 (tabulated, e.g. NIST/SEMATECH
// e-Handbook of Statistical Methods, Sec. 1.3.6.7.2).
[[nodiscard]] double student_t975(int dof);

// Operations of one N-input row accumulation: N XNORs plus N additions (seed 001 Table IV
// convention: 2N operations per accumulation).
[[nodiscard]] inline double ops_per_accumulation(int n_columns) {
    return 2.0 * n_columns;
}

// Energy efficiency in TOPS/W: (2N operations) / (energy of one accumulation, eq. 10).
// Seed 001 Table IV: 311 TOPS/W for 128×128 with second-order SL boosting.
[[nodiscard]] double tops_per_watt(int n_columns, double energy_per_accumulation_j);

// Peak throughput of one M×N array in TOPS: all M rows accumulate in one access of
// `access_time_s` (seed 001 Sec. III-B: 10 ns; Table IV: 3.28 TOPS for 128×128).
[[nodiscard]] double array_tops(int n_columns, int m_rows, double access_time_s);

// The seed's reported energy efficiency (Table IV, with SL boosting / without).
inline constexpr double seed001_tops_per_watt_boost = 311.0;
inline constexpr double seed001_tops_per_watt_no_boost = 319.0;

} // namespace spincim::network
