#pragma once
// Least-squares fits used to summarise swept measurements (e.g. V_SL against N1, which seed 001
// Eq. (5) predicts to be a straight line).

#include <span>

namespace spincim::analysis {

struct LineFit {
    double slope = 0.0;
    double intercept = 0.0;
    double r_squared = 0.0; // coefficient of determination, 1 − SS_res/SS_tot
    [[nodiscard]] double at(double x) const { return intercept + slope * x; }
};

// Ordinary least squares y ≈ intercept + slope·x over at least two distinct x. Sums are taken
// about the means (centred), which keeps the normal equations well conditioned. Throws
// spincim::InputError for mismatched lengths, fewer than two points, or all x equal.
// If all y are equal, r_squared is 1 (the line explains them exactly).
[[nodiscard]] LineFit fit_line(std::span<const double> x, std::span<const double> y);

} // namespace spincim::analysis
