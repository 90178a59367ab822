// AER ratios of two Monte Carlo cases with a bootstrap interval (analysis/compare.hpp).
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/analysis/compare.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"

#include "reference.hpp"

using namespace spincim;
using namespace spincim::analysis;
using Catch::Matchers::WithinRel;

namespace {

// A case of the log_linear truth: ℓ ~ Normal(slope·(N/2 − k), σ²) (analysis/error_rate.hpp).
struct Case : LinearMargin {
    Case() : LinearMargin{128, 0.0095, 0.024} {}
};

// `per_k` samples at each k = N/2 ± 1 … ± 6. The die (T_REF scale) and the common normal draw
// come from the stream keyed (seed, k·10⁶ + index), so two cases built with the same seed hold the
// same dies; `own` adds an independent part of ℓ's variance (the devices a case changes).
std::vector<MarginSample> draw(const Case& c, std::uint64_t seed, std::size_t per_k,
                               double own_fraction, std::uint64_t own_seed) {
    std::vector<MarginSample> out;
    const std::size_t half = c.n / 2;
    for (std::size_t j = 1; j <= 6; ++j) {
        for (const std::size_t k : {half - j, half + j}) {
            for (std::uint64_t i = 0; i < per_k; ++i) {
                RandomStream shared(seed, k * 1000000 + i, "die");
                RandomStream own(own_seed, k * 1000000 + i, "own");
                const double t_ref = 11e-9 * std::exp(shared.normal(0.0, 0.3));
                const double mu = c.mu(k);
                const double z = std::sqrt(1.0 - own_fraction) * shared.normal() +
                                 std::sqrt(own_fraction) * own.normal();
                out.push_back({k, i, t_ref * std::exp(mu + c.sigma * z), t_ref});
            }
        }
    }
    return out;
}

} // namespace

TEST_CASE("a case compared with itself: ratio 1, interval [1, 1]") {
    const Case a;
    const auto s = draw(a, 1, 40, 0.0, 0);
    const AerComparison c = compare_aer(128, s, 128, s);
    CHECK(c.paired);
    CHECK(c.samples_a == s.size());
    CHECK(c.ratio == 1.0);
    CHECK(c.ratio_low == 1.0);
    CHECK(c.ratio_high == 1.0);
}

TEST_CASE("paired samples resolve a 15 % AER difference that independent intervals cannot") {
    // b has a 10 % steeper mean margin than a: AER ratio ≈ 0.87 (computed below). Both are drawn
    // from the same dies with 10 % of ℓ's variance their own (measured correlation of paired
    // cases 0.8–0.96 per k).
    const Case a;
    Case b = a;
    b.slope *= 1.1;
    const double truth = b.aer() / a.aer();
    REQUIRE(truth > 0.8);
    REQUIRE(truth < 0.95);
    const auto sa = draw(a, 7, 40, 0.1, 100);
    const auto sb = draw(b, 7, 40, 0.1, 200);
    const AerComparison c = compare_aer(128, sa, 128, sb);
    CHECK(c.paired);
    CHECK(c.ratio_low <= truth);
    CHECK(truth <= c.ratio_high);
    CHECK(c.ratio_high < 1.0); // the difference is resolved
    // The same samples without pairing: each AER alone is known to ~±25 % (480 samples), so
    // their intervals overlap.
    const AerEstimate ea = estimate_aer(128, summarize(sa), 0.95, AerModel::log_linear);
    const AerEstimate eb = estimate_aer(128, summarize(sb), 0.95, AerModel::log_linear);
    CHECK(eb.aer_high > ea.aer_low);
    // Reproducible: the resampling streams are keyed by the seed.
    const AerComparison again = compare_aer(128, sa, 128, sb);
    CHECK(again.ratio_low == c.ratio_low);
    CHECK(again.ratio_high == c.ratio_high);
}

TEST_CASE("cases of different N are resampled independently and cover the true ratio") {
    Case a;
    a.n = 64;
    a.slope = 0.019; // steeper per popcount at smaller N (a larger V_SL step per XNOR output)
    const Case b;
    const double truth = b.aer() / a.aer();
    int covered = 0;
    const int reps = 20;
    for (int r = 0; r < reps; ++r) {
        const auto sa = draw(a, 10 + r, 60, 0.0, 0);
        const auto sb = draw(b, 50 + r, 60, 0.0, 0);
        CompareOptions o;
        o.replicates = 200;
        const AerComparison c = compare_aer(64, sa, 128, sb, o);
        CHECK_FALSE(c.paired);
        covered += c.ratio_low <= truth && truth <= c.ratio_high ? 1 : 0;
    }
    // 95 % intervals: at least 16 of 20 (a binomial(20, 0.95) falls below 16 with p ≈ 0.003).
    CHECK(covered >= 16);
}

TEST_CASE("comparison input errors name the field") {
    const Case a;
    const auto s = draw(a, 1, 10, 0.0, 0);
    CompareOptions o;
    o.replicates = 10;
    try {
        (void)compare_aer(128, s, 128, s, o);
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(e.where().key == "replicates");
    }
    const std::vector<MarginSample> none;
    CHECK_THROWS_AS(compare_aer(128, none, 128, s), InputError);
}
