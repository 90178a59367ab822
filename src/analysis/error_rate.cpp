#include "spincim/analysis/error_rate.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"

namespace spincim::analysis {

namespace {

InputError bad(const std::string& key, const std::string& detail) {
    return InputError(detail, SourceLocation{{}, 0, 0, key});
}

void check_confidence(double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0)) {
        throw bad("confidence", "confidence must lie strictly between 0 and 1, got " +
                                    std::to_string(confidence));
    }
}

// Two-sided normal quantile q = Φ⁻¹((1 + c)/2).
double two_sided_quantile(double confidence) {
    check_confidence(confidence);
    return normal_quantile(0.5 + 0.5 * confidence);
}

// Continued fraction of I_x(a, b) (DLMF 8.17.22), evaluated with the modified Lentz algorithm:
//   I_x(a,b) = x^a (1−x)^b / (a·B(a,b)) · 1/(1 + d1/(1 + d2/(1 + …))),
//   d_{2m}   = m(b−m)x / ((a+2m−1)(a+2m)),
//   d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)).
// It converges quickly for x < (a+1)/(a+b+2); the caller uses the symmetry
// I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
double beta_continued_fraction(double a, double b, double x) {
    constexpr double tiny = 1e-300;
    constexpr double eps = 1e-16;
    double f = 1.0;
    double c = 1.0;
    double d = 0.0;
    for (int j = 1; j <= 10000; ++j) {
        const int m = j / 2;
        const double md = static_cast<double>(m);
        double dj = 0.0;
        if (j % 2 == 0) {
            dj = md * (b - md) * x / ((a + 2.0 * md - 1.0) * (a + 2.0 * md));
        } else {
            dj = -(a + md) * (a + b + md) * x / ((a + 2.0 * md) * (a + 2.0 * md + 1.0));
        }
        d = 1.0 + dj * d;
        if (std::abs(d) < tiny) {
            d = tiny;
        }
        c = 1.0 + dj / c;
        if (std::abs(c) < tiny) {
            c = tiny;
        }
        d = 1.0 / d;
        const double delta = c * d;
        f *= delta;
        if (std::abs(delta - 1.0) < eps) {
            break;
        }
    }
    return f;
}

// x with I_x(a, b) = p, by bisection (I_x is increasing in x).
double inverse_incomplete_beta(double a, double b, double p) {
    double lo = 0.0;
    double hi = 1.0;
    for (int i = 0; i < 200 && hi - lo > 1e-17; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (regularized_incomplete_beta(a, b, mid) < p) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

// Shortest round-trip decimal form of x (locale independent), the tables' number format.
std::string number(double x) {
    return csv::number(x);
}

// Side sign s of eq. 7 (header comment): +1 below the threshold (error is TM < 0), −1 above and
// at the threshold (error is TM > 0 relative to "+1 if V_SL ≥ V_SL,50%").
double side_sign(PopcountSide side) {
    return side == PopcountSide::below ? 1.0 : -1.0;
}

void fill_sampled(RowErrorPoint& p, const PopcountSamples& s, PopcountSide side, double q,
                  double confidence) {
    const double n = static_cast<double>(s.n_samples);
    p.n_samples = s.n_samples;
    p.mu_tm_s = s.mean_s;
    p.sigma_tm_s = s.sd_s();
    p.errors = side == PopcountSide::below ? s.n_samples - s.positive : s.n_samples - s.negative;
    p.rer_empirical = static_cast<double>(p.errors) / n;
    const Interval w = wilson_interval(p.errors, s.n_samples, confidence);
    const Interval cp = clopper_pearson_interval(p.errors, s.n_samples, confidence);
    p.wilson_low = w.low;
    p.wilson_high = w.high;
    p.cp_low = cp.low;
    p.cp_high = cp.high;
    if (p.sigma_tm_s > 0.0) {
        // Eq. 7 with the side sign and the delta-method variance of ẑ = x̄/s.
        p.z = side_sign(side) * p.mu_tm_s / p.sigma_tm_s;
        p.rer = normal_cdf(-p.z);
        const double var_z = 1.0 / n + p.z * p.z / (2.0 * (n - 1.0));
        const double h = q * std::sqrt(var_z);
        p.rer_low = normal_cdf(-p.z - h);
        p.rer_high = normal_cdf(-p.z + h);
        const double slope = p.weight * normal_pdf(p.z);
        p.var_aer = slope * slope * var_z;
    } else {
        // All samples equal: the normal model of eq. 7 degenerates (RER 0 or 1), so the empirical
        // fraction and its exact interval stand in, with the interval's half-width / q as
        // standard error.
        p.z = 0.0;
        p.rer = p.rer_empirical;
        p.rer_low = cp.low;
        p.rer_high = cp.high;
        const double se = p.weight * (cp.high - cp.low) / (2.0 * q);
        p.var_aer = se * se;
    }
}

} // namespace

double normal_cdf(double x) {
    return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

double normal_pdf(double x) {
    return std::exp(-0.5 * x * x) * (std::numbers::inv_sqrtpi / std::numbers::sqrt2);
}

double normal_quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) {
        throw bad("p", "a normal quantile needs 0 < p < 1, got " + std::to_string(p));
    }
    // Φ(−40) and 1 − Φ(40) are far below any representable p in (0, 1) except denormals.
    double lo = -40.0;
    double hi = 40.0;
    for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (normal_cdf(mid) < p) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}

double log_binomial_weight(std::size_t n, std::size_t k) {
    if (k > n) {
        throw bad("k", "popcount k = " + std::to_string(k) +
                           " exceeds the row width N = " + std::to_string(n));
    }
    const double nd = static_cast<double>(n);
    const double kd = static_cast<double>(k);
    return std::lgamma(nd + 1.0) - std::lgamma(kd + 1.0) - std::lgamma(nd - kd + 1.0) -
           nd * std::numbers::ln2;
}

double binomial_weight(std::size_t n, std::size_t k) {
    return std::exp(log_binomial_weight(n, k));
}

double regularized_incomplete_beta(double a, double b, double x) {
    if (!(a > 0.0) || !(b > 0.0) || !std::isfinite(a) || !std::isfinite(b)) {
        throw bad("a, b", "the incomplete beta function needs a > 0 and b > 0");
    }
    if (!(x >= 0.0 && x <= 1.0)) {
        throw bad("x", "the incomplete beta function needs 0 ≤ x ≤ 1, got " + std::to_string(x));
    }
    if (x == 0.0 || x == 1.0) {
        return x;
    }
    if (x > (a + 1.0) / (a + b + 2.0)) {
        return 1.0 - regularized_incomplete_beta(b, a, 1.0 - x);
    }
    const double log_front = a * std::log(x) + b * std::log1p(-x) - std::log(a) -
                             (std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b));
    return std::exp(log_front) / beta_continued_fraction(a, b, x);
}

Interval wilson_interval(std::size_t successes, std::size_t n, double confidence) {
    if (n == 0) {
        throw bad("n_samples", "a binomial interval needs at least one trial");
    }
    if (successes > n) {
        throw bad("errors", "more errors (" + std::to_string(successes) + ") than trials (" +
                                std::to_string(n) + ")");
    }
    const double z = two_sided_quantile(confidence);
    const double nd = static_cast<double>(n);
    const double p = static_cast<double>(successes) / nd;
    const double z2n = z * z / nd;
    // Wilson (1927): centre (p + z²/2n)/(1 + z²/n), half-width
    // z/(1 + z²/n)·√(p(1−p)/n + z²/4n²).
    const double centre = (p + 0.5 * z2n) / (1.0 + z2n);
    const double half = z / (1.0 + z2n) * std::sqrt(p * (1.0 - p) / nd + 0.25 * z2n / nd);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval clopper_pearson_interval(std::size_t successes, std::size_t n, double confidence) {
    if (n == 0) {
        throw bad("n_samples", "a binomial interval needs at least one trial");
    }
    if (successes > n) {
        throw bad("errors", "more errors (" + std::to_string(successes) + ") than trials (" +
                                std::to_string(n) + ")");
    }
    check_confidence(confidence);
    const double alpha = 1.0 - confidence;
    const double e = static_cast<double>(successes);
    const double nd = static_cast<double>(n);
    // Clopper & Pearson (1934): the bounds are beta quantiles,
    // low = B(α/2; e, n−e+1), high = B(1−α/2; e+1, n−e).
    const double low = successes == 0 ? 0.0 : inverse_incomplete_beta(e, nd - e + 1.0, alpha / 2);
    const double high =
        successes == n ? 1.0 : inverse_incomplete_beta(e + 1.0, nd - e, 1.0 - alpha / 2);
    return {low, high};
}

PopcountSide popcount_side(std::size_t n, std::size_t k) {
    if (2 * k < n) {
        return PopcountSide::below;
    }
    return 2 * k == n ? PopcountSide::threshold : PopcountSide::above;
}

void PopcountSamples::add(double tm_s) {
    if (!std::isfinite(tm_s)) {
        throw bad("tm_s",
                  "time margin sample at k = " + std::to_string(k) + " is not a finite number");
    }
    ++n_samples;
    const double delta = tm_s - mean_s;
    mean_s += delta / static_cast<double>(n_samples);
    m2_s2 += delta * (tm_s - mean_s);
    negative += tm_s < 0.0 ? 1U : 0U;
    positive += tm_s > 0.0 ? 1U : 0U;
}

void PopcountSamples::merge(const PopcountSamples& other) {
    if (other.k != k) {
        throw bad("k", "cannot merge the samples of k = " + std::to_string(other.k) +
                           " into those of k = " + std::to_string(k));
    }
    if (other.n_samples == 0) {
        return;
    }
    const double na = static_cast<double>(n_samples);
    const double nb = static_cast<double>(other.n_samples);
    const double delta = other.mean_s - mean_s;
    const double total = na + nb;
    mean_s += delta * nb / total;
    m2_s2 += other.m2_s2 + delta * delta * na * nb / total;
    n_samples += other.n_samples;
    negative += other.negative;
    positive += other.positive;
    if (other.log_n > 0) {
        const double la = static_cast<double>(log_n);
        const double lb = static_cast<double>(other.log_n);
        const double ld = other.log_mean - log_mean;
        log_mean += ld * lb / (la + lb);
        log_m2 += other.log_m2 + ld * ld * la * lb / (la + lb);
        log_n += other.log_n;
    }
}

double PopcountSamples::sd_s() const {
    return n_samples < 2 ? 0.0 : std::sqrt(m2_s2 / static_cast<double>(n_samples - 1));
}

void PopcountSamples::add(double t_sw_s, double t_ref_s) {
    if (!(std::isfinite(t_sw_s) && t_sw_s > 0.0 && std::isfinite(t_ref_s) && t_ref_s > 0.0)) {
        throw bad("t_sw_s", "switching and reference times at k = " + std::to_string(k) +
                                " must be finite and positive, got " + std::to_string(t_sw_s) +
                                " and " + std::to_string(t_ref_s));
    }
    add(t_sw_s - t_ref_s);
    const double ell = std::log(t_sw_s / t_ref_s);
    ++log_n;
    const double delta = ell - log_mean;
    log_mean += delta / static_cast<double>(log_n);
    log_m2 += delta * (ell - log_mean);
}

PopcountSamples PopcountSamples::from_samples(std::size_t k, std::span<const double> tm_s) {
    PopcountSamples s;
    s.k = k;
    for (double x : tm_s) {
        s.add(x);
    }
    return s;
}

const char* to_string(PointStatus s) {
    switch (s) {
    case PointStatus::sampled:
        return "sampled";
    case PointStatus::bounded:
        return "bounded";
    case PointStatus::threshold:
        return "threshold";
    case PointStatus::extrapolated:
        return "extrapolated";
    }
    return "unknown";
}

const char* to_string(AerModel m) {
    switch (m) {
    case AerModel::per_k:
        return "per_k";
    case AerModel::log_linear:
        return "log_linear";
    }
    return "unknown";
}

double AerEstimate::relative_half_width() const {
    if (!(aer > 0.0)) {
        return std::numeric_limits<double>::infinity();
    }
    return (aer_high - aer_low) / (2.0 * aer);
}

namespace {

void bound_unsampled(AerEstimate& est);

// The log_linear model (header comment) fitted to the per-k summaries of ℓ, applied to every k of
// `est`, whose sampled points already hold their per-k and empirical statistics.
void apply_log_linear(AerEstimate& est, const std::vector<const PopcountSamples*>& by_k, double q) {
    const std::size_t n = est.n;
    const double half = 0.5 * static_cast<double>(n);
    // Normal equations of ℓ = a + b·d (d = k − N/2) from the per-k means; the residual sum of
    // squares adds the within-k sums of squares.
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, sy = 0.0, sdy = 0.0;
    std::size_t distinct = 0;
    for (const PopcountSamples* s : by_k) {
        if (s == nullptr || s->n_samples == 0) {
            continue;
        }
        const double nk = static_cast<double>(s->log_n);
        const double d = static_cast<double>(s->k) - half;
        s0 += nk;
        s1 += nk * d;
        s2 += nk * d * d;
        sy += nk * s->log_mean;
        sdy += nk * d * s->log_mean;
        ++distinct;
    }
    if (distinct < 2 || s0 < 3.0) {
        throw bad("samples", "the log_linear model needs samples at 2 or more popcounts and at "
                             "least 3 samples, got " +
                                 std::to_string(distinct) + " popcount(s) and " +
                                 std::to_string(static_cast<std::size_t>(s0)) + " sample(s)");
    }
    const double det = s0 * s2 - s1 * s1;
    const double a = (s2 * sy - s1 * sdy) / det;
    const double b = (s0 * sdy - s1 * sy) / det;
    double rss = 0.0;
    for (const PopcountSamples* s : by_k) {
        if (s == nullptr || s->n_samples == 0) {
            continue;
        }
        const double r = s->log_mean - a - b * (static_cast<double>(s->k) - half);
        rss += s->log_m2 + static_cast<double>(s->log_n) * r * r;
    }
    const double dof = s0 - 2.0;
    const double sigma = std::sqrt(rss / dof);
    if (!(sigma > 0.0) || !std::isfinite(sigma)) {
        throw bad("samples", "the log_linear model needs a spread of the log margin (all samples "
                             "lie on the fitted line)");
    }
    // Cov(a, b) = σ²·(AᵀA)⁻¹ with AᵀA = [[s0, s1], [s1, s2]]; Var(σ̂) ≈ σ²/(2·dof).
    const double var_a = sigma * sigma * s2 / det;
    const double var_b = sigma * sigma * s0 / det;
    const double cov_ab = -sigma * sigma * s1 / det;
    const double var_sigma = sigma * sigma / (2.0 * dof);
    est.log_intercept = a;
    est.log_slope = b;
    est.log_sigma = sigma;

    double ga = 0.0, gb = 0.0, gs = 0.0; // ∂AER/∂(a, b, σ)
    est.aer = 0.0;
    for (RowErrorPoint& p : est.points) {
        const PopcountSide side = popcount_side(n, p.k);
        const double sign = side_sign(side);
        const double d = static_cast<double>(p.k) - half;
        p.mu_log = a + b * d;
        p.sigma_log = sigma;
        p.z = sign * p.mu_log / sigma;
        // z = s·(a + b·d)/σ: ∂z/∂a = s/σ, ∂z/∂b = s·d/σ, ∂z/∂σ = −z/σ.
        const double za = sign / sigma;
        const double zb = sign * d / sigma;
        const double zs = -p.z / sigma;
        const double var_z =
            za * za * var_a + zb * zb * var_b + 2.0 * za * zb * cov_ab + zs * zs * var_sigma;
        const double h = q * std::sqrt(var_z);
        p.rer = normal_cdf(-p.z);
        p.rer_low = normal_cdf(-p.z - h);
        p.rer_high = normal_cdf(-p.z + h);
        p.var_aer = 0.0;
        if (side == PopcountSide::threshold) {
            p.crer = p.crer_low = p.crer_high = 0.0;
            est.threshold_crer = p.rer * p.weight;
            continue;
        }
        p.status = p.n_samples > 0 ? PointStatus::sampled : PointStatus::extrapolated;
        p.crer = p.rer * p.weight;
        p.crer_low = p.rer_low * p.weight;
        p.crer_high = p.rer_high * p.weight;
        est.aer += p.crer;
        const double slope = -p.weight * normal_pdf(p.z);
        ga += slope * za;
        gb += slope * zb;
        gs += slope * zs;
    }
    const double var_aer =
        ga * ga * var_a + gb * gb * var_b + 2.0 * ga * gb * cov_ab + gs * gs * var_sigma;
    est.aer_sd = std::sqrt(var_aer);
    est.aer_low = std::max(0.0, est.aer - q * est.aer_sd);
    est.aer_high = est.aer + q * est.aer_sd;
}

} // namespace

AerEstimate estimate_aer(std::size_t n, std::span<const PopcountSamples> samples, double confidence,
                         AerModel model) {
    if (n < 1) {
        throw bad("n", "the row width N must be at least 1");
    }
    const double q = two_sided_quantile(confidence);
    std::vector<const PopcountSamples*> by_k(n + 1, nullptr);
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const PopcountSamples& s = samples[i];
        const std::string key = "samples[" + std::to_string(i) + "]";
        if (s.k > n) {
            throw bad(key + ".k", "popcount k = " + std::to_string(s.k) +
                                      " exceeds the row width N = " + std::to_string(n));
        }
        if (by_k[s.k] != nullptr) {
            throw bad(key + ".k", "popcount k = " + std::to_string(s.k) +
                                      " appears twice (merge the summaries first)");
        }
        if (s.n_samples == 1) {
            throw bad(key + ".n_samples", "k = " + std::to_string(s.k) +
                                              " has a single sample: eq. 7 needs a standard "
                                              "deviation, i.e. at least 2 samples");
        }
        if (!std::isfinite(s.mean_s)) {
            throw bad(key + ".mean_s", "mean time margin is not finite");
        }
        if (!std::isfinite(s.m2_s2) || s.m2_s2 < 0.0) {
            throw bad(key + ".m2_s2", "sum of squared deviations must be finite and ≥ 0 (a "
                                      "negative sigma is impossible)");
        }
        if (model == AerModel::log_linear && s.log_n != s.n_samples) {
            throw bad(key + ".log_n",
                      "k = " + std::to_string(s.k) + ": " + std::to_string(s.n_samples - s.log_n) +
                          " sample(s) without T_SW and T_REF; the log_linear model needs both");
        }
        if (!std::isfinite(s.log_m2) || s.log_m2 < 0.0 || !std::isfinite(s.log_mean)) {
            throw bad(key + ".log_m2", "log-margin statistics must be finite (and the sum of "
                                       "squares ≥ 0)");
        }
        if (s.negative + s.positive > s.n_samples) {
            throw bad(key + ".negative",
                      "more signed samples (" + std::to_string(s.negative + s.positive) +
                          ") than samples (" + std::to_string(s.n_samples) + ")");
        }
        by_k[s.k] = &s;
    }

    AerEstimate est;
    est.n = n;
    est.confidence = confidence;
    est.model = model;
    est.points.resize(n + 1);
    for (std::size_t k = 0; k <= n; ++k) {
        RowErrorPoint& p = est.points[k];
        p.k = k;
        p.weight = binomial_weight(n, k);
        const PopcountSide side = popcount_side(n, k);
        const PopcountSamples* s = by_k[k];
        const bool sampled = s != nullptr && s->n_samples > 0;
        if (sampled) {
            est.total_samples += s->n_samples;
            fill_sampled(p, *s, side, q, confidence);
        }
        if (side == PopcountSide::threshold) {
            p.status = PointStatus::threshold;
            est.threshold_weight = p.weight;
            if (sampled) {
                est.threshold_crer = p.rer * p.weight;
            } else {
                p.rer = 0.5;
                p.rer_low = 0.0;
                p.rer_high = 1.0;
            }
            p.var_aer = 0.0;
            continue;
        }
        if (sampled) {
            p.status = PointStatus::sampled;
            p.crer = p.rer * p.weight;
            p.crer_low = p.rer_low * p.weight;
            p.crer_high = p.rer_high * p.weight;
            est.aer += p.crer;
        }
    }

    if (model == AerModel::log_linear) {
        apply_log_linear(est, by_k, q);
    } else {
        bound_unsampled(est);
    }
    for (const RowErrorPoint& p : est.points) {
        if (p.status == PointStatus::sampled) {
            est.expected_errors += static_cast<double>(p.n_samples) * p.rer;
            est.observed_errors += p.errors;
        }
    }
    return est;
}

namespace {

// Monotone bound for unsampled k (header comment) and the per_k interval of the AER: walk
// outward from the threshold on each side, carrying the smallest upper RER limit seen so far.
void bound_unsampled(AerEstimate& est) {
    const std::size_t n = est.n;
    const double q = two_sided_quantile(est.confidence);
    const auto bound_side = [&](std::size_t first, bool downward) {
        double bound = 1.0;
        for (std::size_t k = first;; k = downward ? k - 1 : k + 1) {
            RowErrorPoint& p = est.points[k];
            if (p.status == PointStatus::sampled) {
                bound = std::min(bound, p.rer_high);
            } else {
                p.rer = bound;
                p.rer_low = 0.0;
                p.rer_high = bound;
                p.crer = bound * p.weight;
                p.crer_low = 0.0;
                p.crer_high = p.crer;
                est.unsampled_bound += p.crer;
            }
            if ((downward && k == 0) || (!downward && k == n)) {
                break;
            }
        }
    };
    // Nearest popcounts strictly below and above N/2: 2k < N and 2k > N.
    const std::size_t below = (n - 1) / 2;
    const std::size_t above = n / 2 + 1;
    bound_side(below, true);
    if (above <= n) {
        bound_side(above, false);
    }

    double var = 0.0;
    for (const RowErrorPoint& p : est.points) {
        var += p.var_aer;
    }
    est.aer_sd = std::sqrt(var);
    est.aer_low = std::max(0.0, est.aer - q * est.aer_sd);
    est.aer_high = est.aer + q * est.aer_sd + est.unsampled_bound;
}

} // namespace

AerModel usable_model(AerModel wanted, std::span<const PopcountSamples> samples) {
    if (wanted != AerModel::log_linear) {
        return wanted;
    }
    std::size_t ks = 0;
    std::size_t total = 0;
    for (const PopcountSamples& s : samples) {
        ks += s.n_samples > 0 ? 1U : 0U;
        total += s.n_samples;
    }
    return ks >= 2 && total >= 3 ? wanted : AerModel::per_k;
}

std::size_t PlanStep::total_more() const {
    std::size_t t = 0;
    for (const auto& [k, m] : more) {
        t += m;
    }
    return t;
}

namespace {

void validate(const PlanTarget& t) {
    if (!(t.relative_half_width > 0.0) || !std::isfinite(t.relative_half_width)) {
        throw bad("relative_half_width", "the target relative half-width must be > 0");
    }
    check_confidence(t.confidence);
    if (t.first_span < 1) {
        throw bad("first_span", "the first round needs at least one k on each side");
    }
    if (t.first_round < 2) {
        throw bad("first_round", "the first round needs at least 2 samples per k");
    }
    if (t.min_per_k < 2) {
        throw bad("min_per_k", "a sampled k needs at least 2 samples");
    }
    if (t.extend_step < 1) {
        throw bad("extend_step", "outward extension must add at least one k per side");
    }
    if (!(t.negligible_fraction > 0.0 && t.negligible_fraction < 1.0)) {
        throw bad("negligible_fraction", "negligible_fraction must lie in (0, 1)");
    }
    if (!(t.round_fraction > 0.0 && t.round_fraction <= 1.0)) {
        throw bad("round_fraction", "round_fraction must lie in (0, 1]");
    }
    if (t.max_total < 1) {
        throw bad("max_total", "the sample budget must be positive");
    }
}

// Neyman allocation with samples already taken (header comment, step 3): the smallest extra
// samples m_k with Σ u_k/(n_k + m_k) ≤ v_target.
std::map<std::size_t, std::size_t> neyman(const AerEstimate& est, double v_target) {
    std::vector<std::size_t> ks;
    std::vector<double> u;
    std::vector<double> nk;
    double sum_root = 0.0;
    for (const RowErrorPoint& p : est.points) {
        if (p.status == PointStatus::sampled && p.var_aer > 0.0) {
            ks.push_back(p.k);
            nk.push_back(static_cast<double>(p.n_samples));
            u.push_back(p.var_aer * static_cast<double>(p.n_samples));
            sum_root += std::sqrt(u.back());
        }
    }
    std::map<std::size_t, std::size_t> more;
    if (ks.empty()) {
        return more;
    }
    const auto variance_at = [&](double lambda) {
        double v = 0.0;
        for (std::size_t i = 0; i < ks.size(); ++i) {
            v += u[i] / std::max(nk[i], lambda * std::sqrt(u[i]));
        }
        return v;
    };
    double lo = 0.0;
    double hi = sum_root / v_target; // there every k sits at λ√u_k and Σ√u_k/λ = v_target
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (variance_at(mid) > v_target) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    for (std::size_t i = 0; i < ks.size(); ++i) {
        const double extra = hi * std::sqrt(u[i]) - nk[i];
        if (extra > 0.0) {
            more[ks[i]] = static_cast<std::size_t>(std::ceil(extra));
        }
    }
    return more;
}

void apply_budget(PlanStep& step, std::size_t total, std::size_t max_total) {
    if (step.more.empty()) {
        return;
    }
    if (total >= max_total) {
        step.more.clear();
        step.budget_exhausted = true;
        step.reason = "sample budget of " + std::to_string(max_total) +
                      " reached before the target (" + step.reason + ")";
        return;
    }
    const std::size_t remaining = max_total - total;
    const std::size_t wanted = step.total_more();
    if (wanted <= remaining) {
        return;
    }
    // Scale every request down to the remaining budget, then hand out what floor() left over.
    std::size_t given = 0;
    for (auto& [k, m] : step.more) {
        m = m * remaining / wanted;
        given += m;
    }
    for (auto& [k, m] : step.more) {
        if (given == remaining) {
            break;
        }
        ++m;
        ++given;
    }
    std::erase_if(step.more, [](const auto& km) { return km.second == 0; });
    step.reason += " (cut to the remaining budget of " + std::to_string(remaining) + " samples)";
}

} // namespace

PlanStep next_round(std::size_t n, std::span<const PopcountSamples> so_far,
                    const PlanTarget& target) {
    validate(target);
    PlanStep step;
    // Before the first round the log_linear fit has nothing to stand on; the plan only needs the
    // sample counts then, which the per_k estimate carries as well.
    step.estimate = estimate_aer(n, so_far, target.confidence, usable_model(target.model, so_far));
    const AerEstimate& est = step.estimate;
    const std::size_t total = est.total_samples;
    const std::size_t below = (n - 1) / 2;
    const std::size_t above = n / 2 + 1;

    // 1. First round around the threshold.
    for (std::size_t j = 0; j < target.first_span; ++j) {
        for (const bool low_side : {true, false}) {
            if ((low_side && j > below) || (!low_side && above + j > n)) {
                continue;
            }
            const std::size_t k = low_side ? below - j : above + j;
            const std::size_t have = est.points[k].n_samples;
            if (have < target.first_round) {
                step.more[k] = target.first_round - have;
            }
        }
    }
    if (!step.more.empty()) {
        step.reason = "first round: " + std::to_string(target.first_round) +
                      " samples at each k = N/2 ± 1 … ± " + std::to_string(target.first_span);
        apply_budget(step, total, target.max_total);
        return step;
    }

    // 2. Outward extension while a side's unsampled bound is not negligible.
    const double side_limit = 0.5 * target.negligible_fraction * est.aer;
    double outside = 0.0; // CRER of the unsampled k on the sides being extended
    for (const bool low_side : {true, false}) {
        double side_bound = 0.0;
        std::vector<std::size_t> innermost;
        for (std::size_t j = 0;; ++j) {
            if ((low_side && j > below) || (!low_side && above + j > n)) {
                break;
            }
            const RowErrorPoint& p = est.points[low_side ? below - j : above + j];
            if (p.status == PointStatus::bounded || p.status == PointStatus::extrapolated) {
                side_bound += p.crer;
                if (innermost.size() < target.extend_step) {
                    innermost.push_back(p.k);
                }
            }
        }
        if (side_bound > 0.0 && side_bound >= side_limit) {
            outside += side_bound;
            for (std::size_t k : innermost) {
                step.more[k] = target.min_per_k;
            }
        }
    }
    if (!step.more.empty()) {
        step.reason =
            std::string("extending outward: the ") +
            (target.model == AerModel::log_linear ? "extrapolated CRER" : "bound on unsampled k") +
            " (" + std::to_string(outside) + ") is not below " +
            std::to_string(target.negligible_fraction) + " of the AER (" + std::to_string(est.aer) +
            ")";
        apply_budget(step, total, target.max_total);
        return step;
    }

    // 3. Precision of the AER interval.
    const double rhw = est.relative_half_width();
    if (rhw <= target.relative_half_width) {
        step.done = true;
        step.reason = "target met: AER = " + std::to_string(est.aer) + " in [" +
                      std::to_string(est.aer_low) + ", " + std::to_string(est.aer_high) +
                      "], relative half-width " + std::to_string(rhw) + " after " +
                      std::to_string(total) + " samples";
        return step;
    }
    const double q = two_sided_quantile(target.confidence);
    const double allowed = target.relative_half_width * est.aer - 0.5 * est.unsampled_bound;
    if (target.model == AerModel::log_linear) {
        // Every sample informs the fit, so the half-width falls as 1/√(total samples).
        const double factor =
            (rhw / target.relative_half_width) * (rhw / target.relative_half_width);
        const double projected = static_cast<double>(total) * (factor - 1.0);
        const double wanted = 10.0 * projected > static_cast<double>(total)
                                  ? target.round_fraction * projected
                                  : projected;
        for (const RowErrorPoint& p : est.points) {
            if (p.n_samples > 0) {
                const double share = static_cast<double>(p.n_samples) / static_cast<double>(total);
                step.more[p.k] = static_cast<std::size_t>(std::ceil(wanted * share));
            }
        }
        std::erase_if(step.more, [](const auto& km) { return km.second == 0; });
        step.reason = "log_linear model towards relative half-width " +
                      std::to_string(target.relative_half_width) + " (now " + std::to_string(rhw) +
                      ", projected " + std::to_string(static_cast<std::size_t>(projected)) +
                      " more samples, spread like the samples so far)";
    } else if (allowed > 0.0) {
        const double v_target = (allowed / q) * (allowed / q);
        step.more = neyman(est, v_target);
        const std::size_t projected = step.total_more();
        // A large projection comes from estimates that the next round will sharpen: request
        // round_fraction of it; a small remainder (≤ 10 % of the samples taken) is requested
        // whole.
        if (10 * projected > total) {
            for (auto& [k, m] : step.more) {
                m = static_cast<std::size_t>(
                    std::ceil(target.round_fraction * static_cast<double>(m)));
            }
        }
        step.reason = "Neyman allocation towards relative half-width " +
                      std::to_string(target.relative_half_width) + " (now " + std::to_string(rhw) +
                      ", projected " + std::to_string(projected) + " more samples)";
    }
    if (step.more.empty()) {
        // No usable variance model (AER 0, degenerate samples) or a rounding stall: double every
        // sampled k so that the next estimate has more to go on.
        for (const RowErrorPoint& p : est.points) {
            if (p.status == PointStatus::sampled) {
                step.more[p.k] = std::max(p.n_samples, target.min_per_k);
            }
        }
        step.reason = "the AER interval cannot be planned from the current estimate (AER = " +
                      std::to_string(est.aer) + "): doubling the samples of every sampled k";
    }
    apply_budget(step, total, target.max_total);
    return step;
}

void write_crer_csv(const AerEstimate& est, const std::filesystem::path& path) {
    if (est.points.size() != est.n + 1 || est.n < 1) {
        throw bad("points", "an AER estimate must hold the points k = 0 … N (N ≥ 1)");
    }
    std::ostringstream os;
    os << "k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high,status,weight,errors,"
          "rer_empirical,wilson_low,wilson_high,cp_low,cp_high,crer_low,crer_high,mu_log,"
          "sigma_log\n";
    for (const RowErrorPoint& p : est.points) {
        os << p.k << ',' << p.n_samples << ',' << number(p.mu_tm_s) << ',' << number(p.sigma_tm_s)
           << ',' << number(p.rer) << ',' << number(p.crer) << ',' << number(p.rer_low) << ','
           << number(p.rer_high) << ',' << to_string(p.status) << ',' << number(p.weight) << ',';
        if (p.n_samples > 0) {
            os << p.errors << ',' << number(p.rer_empirical) << ',' << number(p.wilson_low) << ','
               << number(p.wilson_high) << ',' << number(p.cp_low) << ',' << number(p.cp_high);
        } else {
            os << ",,,,,";
        }
        os << ',' << number(p.crer_low) << ',' << number(p.crer_high) << ',';
        if (est.model == AerModel::log_linear) {
            os << number(p.mu_log) << ',' << number(p.sigma_log);
        } else {
            os << ',';
        }
        os << '\n';
    }
    write_file_atomically(path, os.str());
}

} // namespace spincim::analysis
