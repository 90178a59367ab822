#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/analysis/fit.hpp"
#include "spincim/core/error.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using spincim::analysis::fit_line;

TEST_CASE("an exact line is recovered with R^2 = 1") {
    std::vector<double> x, y;
    for (int k = 0; k <= 64; ++k) {
        x.push_back(k);
        y.push_back(0.0975 + 0.00132 * k);
    }
    const auto f = fit_line(x, y);
    CHECK_THAT(f.slope, WithinRel(0.00132, 1e-12));
    CHECK_THAT(f.intercept, WithinRel(0.0975, 1e-12));
    CHECK_THAT(f.r_squared, WithinAbs(1.0, 1e-12));
    CHECK_THAT(f.at(32), WithinRel(0.0975 + 0.00132 * 32, 1e-12));
}

TEST_CASE("R^2 of a parabola sampled symmetrically is zero") {
    // y = x² on x = −2..2: the best line is flat (slope 0), so it explains none of the variance.
    const std::vector<double> x{-2, -1, 0, 1, 2}, y{4, 1, 0, 1, 4};
    const auto f = fit_line(x, y);
    CHECK_THAT(f.slope, WithinAbs(0.0, 1e-15));
    CHECK_THAT(f.intercept, WithinRel(2.0, 1e-15));
    CHECK_THAT(f.r_squared, WithinAbs(0.0, 1e-15));
}

TEST_CASE("known textbook fit: R^2 from the closed form") {
    // x = 1..5, y = 2, 4, 5, 4, 5: slope = S_xy/S_xx = 6/10, intercept = 4 − 0.6·3 = 2.2,
    // SS_tot = 6, SS_res = 6 − 0.6·6 = 2.4, R² = 0.6.
    const std::vector<double> x{1, 2, 3, 4, 5}, y{2, 4, 5, 4, 5};
    const auto f = fit_line(x, y);
    CHECK_THAT(f.slope, WithinRel(0.6, 1e-14));
    CHECK_THAT(f.intercept, WithinRel(2.2, 1e-14));
    CHECK_THAT(f.r_squared, WithinRel(0.6, 1e-14));
}

TEST_CASE("degenerate fits are refused") {
    const std::vector<double> one{1}, two{1, 1}, three{1, 2, 3};
    CHECK_THROWS_AS(fit_line(one, one), spincim::InputError);
    CHECK_THROWS_AS(fit_line(two, two), spincim::InputError);
    CHECK_THROWS_AS(fit_line(three, two), spincim::InputError);
}
