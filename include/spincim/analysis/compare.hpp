#pragma once
// Comparing the AER of two Monte Carlo cases (seed 001 Figs. 8 and 10: AER against N, access
// width and boosting) by the ratio AER_b / AER_a with a bootstrap interval.
//
// Two cases of the same row width N draw their variation from the same stream keys (popcount k,
// sample index), so sample i at k of one case is the same die, row and devices as sample i at k
// of the other, up to what the cases change (access width scales the same normal draws, the
// booster adds its own devices). Their AERs are then strongly correlated (measured 0.8–0.96 per
// k), and the paired bootstrap resamples the common indices of each k jointly for both cases:
// the interval of the ratio reflects the variance of the difference, which is far smaller than
// that of either AER. Cases of different N share nothing and are resampled independently.
//
// The percentile bootstrap (Efron & Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13):
// B replicates, each resampling within every k (stratified, so the design of the adaptive plan is
// kept), re-estimating both AERs with the case's model (estimate_aer) and taking the ratio; the
// interval is the empirical α/2 and 1 − α/2 quantiles. Resampling draws from the RandomStream
// keyed (seed, replicate), so the interval is reproducible.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "spincim/analysis/error_rate.hpp"

namespace spincim::analysis {

// One sense-amplifier sample of a case: popcount, sample index (the stream key with k) and times.
struct MarginSample {
    std::size_t k = 0;
    std::uint64_t index = 0;
    double t_sw_s = 0.0;
    double t_ref_s = 0.0;
};

// Per-k summaries of the samples (PopcountSamples::add(t_sw, t_ref)).
[[nodiscard]] std::vector<PopcountSamples> summarize(std::span<const MarginSample> samples);

struct AerComparison {
    bool paired = false;
    std::size_t samples_a = 0; // samples used (paired: the common (k, index) pairs)
    std::size_t samples_b = 0;
    double aer_a = 0.0; // estimates from the samples used
    double aer_b = 0.0;
    double ratio = 0.0; // aer_b / aer_a
    double ratio_low = 0.0;
    double ratio_high = 0.0;
    std::size_t replicates = 0;
    std::size_t degenerate = 0; // replicates left out: their resampled fit had no spread
};

struct CompareOptions {
    AerModel model = AerModel::log_linear;
    double confidence = 0.95;
    std::size_t replicates = 1000;
    std::uint64_t seed = 1;
};

// AER_b / AER_a of two cases of row widths n_a and n_b. paired = (n_a == n_b): only the (k, index)
// present in both cases are used. InputError if a case cannot be estimated (estimate_aer's rules)
// or its AER is 0, or fewer than half of the replicates give a ratio.
[[nodiscard]] AerComparison compare_aer(std::size_t n_a, std::span<const MarginSample> a,
                                        std::size_t n_b, std::span<const MarginSample> b,
                                        const CompareOptions& options = {});

} // namespace spincim::analysis
