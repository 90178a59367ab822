#pragma once
// Row error statistics of an STT-BNN sub-array row and the adaptive Monte Carlo sampling plan.
//
// Definitions (seed 001, Sec. IV):
//   TM      = T_SW − T_REF, the time margin of the time-based sense amplifier (Fig. 6(a)).
//   RER(k)  = Pr[row output wrong | N_1 = k]                                       (eq. 7)
//   CRER(k) = RER(k) · C(N,k) / 2^N                                                (eq. 8)
//   AER     = Σ_k CRER(k)                                                          (eq. 9)
//
// Which side of TM is wrong. More XNOR = +1 outputs raise V_SL (eq. 5), which speeds up the
// current-starved inverter, so T_SW shrinks with k. The sense amplifier outputs +1 when
// V_SL ≥ V_SL,50% (Sec. III.A), i.e. when T_SW < T_REF. Hence
//   k < N/2: correct decision −1 ⇔ TM > 0, an error is TM < 0 (the paper's "Pr[TM < 0]");
//   k > N/2: correct decision +1 ⇔ TM < 0, an error is TM > 0.
// With the side sign s = +1 (k < N/2) or −1 (k > N/2) and z = s·μ_TM/σ_TM, eq. (7) becomes
// RER = Φ(−z), which equals the paper's Φ(−|μ|/σ) whenever the mean margin lies on the correct
// side (and exceeds ½ when it does not). A sample with TM exactly 0 (undecided latch) is counted as
// an error on both sides.
//
// The threshold k = N/2 (N even). V_SL equals V_SL,50% there, so the decision has no margin by
// construction; seed 001's Fig. 7 has no point at N/2 and the AER here excludes it. Its binomial
// weight C(N,N/2)/2^N (0.0704 for N = 128) is reported separately (AerEstimate::threshold_weight),
// together with Pr[TM > 0] if samples at N/2 are given (the error rate relative to the paper's
// rule "+1 if V_SL ≥ V_SL,50%", the rule the network layer also applies to k_row = N/2).
//
// Confidence intervals (all two-sided at the given confidence level, q = Φ⁻¹((1+c)/2)):
//   * RER from eq. 7: the sampling distribution of ẑ = x̄/s for normal TM has, to first order
//     (delta method; x̄ and s independent, Var(s) ≈ σ²/(2(n−1))),
//         Var(ẑ) ≈ 1/n + z²/(2(n−1)),
//     so [ẑ − q·sd, ẑ + q·sd] maps monotonically through Φ(−·) to an interval for RER.
//   * Empirical error fraction e/n: Wilson score interval (Wilson 1927) and the exact
//     Clopper–Pearson interval (Clopper & Pearson 1934) from the beta quantiles
//     B(α/2; e, n−e+1) and B(1−α/2; e+1, n−e), with a continued-fraction regularized incomplete
//     beta (DLMF 8.17.22) inverted by bisection.
//   * AER: delta method over the independent per-k estimates,
//         Var(AER) ≈ Σ_k [w_k φ(z_k)]² Var(ẑ_k),  w_k = C(N,k)/2^N,
//     interval AER ± q·sd (lower end clipped at 0), and the upper end raised by the unsampled
//     bound below.
//   * Unsampled k: TM is monotone in V_SL (eq. 5) and V_SL is monotone in k, so RER falls as k
//     moves away from N/2 on either side. An unsampled k farther from N/2 than a sampled k' on the
//     same side therefore has RER(k) ≤ RER(k') ≤ rer_high(k'); the tightest such bound (the
//     minimum over the inner sampled k') is used, or 1 when no inner k' is sampled. The unsampled
//     bound Σ_unsampled w_k·bound_k is added to the AER's upper limit (not to the point value).
//
// All weights are evaluated in log space (lgamma), so N up to (at least) 1024 works.
//
// Two models turn the samples into RER(k) (AerModel):
//   * per_k: eq. 7 as written, μ_TM and σ_TM estimated separately at every k (above).
//   * log_linear: eq. 7 on the log margin ℓ = ln(T_SW/T_REF), whose mean is linear in k and whose
//     standard deviation is the same at every k, fitted to the samples of all k together:
//         ℓ | k ~ N(a + b·(k − N/2), σ²),  RER(k) = Φ(−s·(a + b·(k − N/2))/σ).
//     The decision sign(TM) = sign(ℓ) is unchanged, so this is the same error event. Why ℓ:
//       - M_ST works in weak inversion (V_SL ≈ 0.14 V), where
//         I_starving ∝ exp((V_GS − V_T)/(n·U_T)) and the inverter delay ∝ C·V/I. A Gaussian V_T
//         mismatch is therefore a Gaussian shift of ln T_SW with the same σ at every k, and
//         ln T_SW is linear in V_SL, which is linear in k (eq. 5, for small steps).
//       - The global (die-to-die) corners scale T_SW and T_REF of a die together. TM pools dies of
//         different speed (measured: T_SW 11–26 ns at N = 128), a scale mixture whose fitted normal
//         has σ² = Var(s)·μ₀² + E[s²]·σ₀² and so overstates RER far from N/2; the ratio removes
//         the die's scale.
//     All samples inform the three parameters, so the AER interval narrows much faster than with
//     per-k estimates (measured on the N = 128 sweep: ±11 % against ±23 % from the same 557
//     samples). The check of the model is AerEstimate::expected_errors against observed_errors.
//     Interval: delta method with the OLS covariance σ̂²(AᵀA)⁻¹ of (a, b) and Var(σ̂) ≈
//     σ̂²/(2(n − 2)) (normal theory, independent of (a, b)). Unsampled k ≠ N/2 are predicted by the
//     model (status `extrapolated`); the plan extends the sampled range until their share of the
//     AER is negligible, so no bound is added.

#include <cstddef>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace spincim::analysis {

// Standard normal CDF Φ(x) = ½·erfc(−x/√2) (accurate in both tails).
[[nodiscard]] double normal_cdf(double x);
// Standard normal density φ(x).
[[nodiscard]] double normal_pdf(double x);
// Φ⁻¹(p) for 0 < p < 1 (bisection on normal_cdf, absolute accuracy ~1e-14); InputError otherwise.
[[nodiscard]] double normal_quantile(double p);

// log(C(n,k)/2^n) via lgamma (seed 001 eq. 8 weight); InputError if k > n.
[[nodiscard]] double log_binomial_weight(std::size_t n, std::size_t k);
// C(n,k)/2^n.
[[nodiscard]] double binomial_weight(std::size_t n, std::size_t k);

// Regularized incomplete beta I_x(a, b) for a, b > 0, 0 ≤ x ≤ 1.
[[nodiscard]] double regularized_incomplete_beta(double a, double b, double x);

struct Interval {
    double low = 0.0;
    double high = 0.0;
};

// Wilson score interval for a binomial proportion with `successes` out of `n` (n ≥ 1).
[[nodiscard]] Interval wilson_interval(std::size_t successes, std::size_t n,
                                       double confidence = 0.95);
// Exact (Clopper–Pearson) interval for a binomial proportion (n ≥ 1).
[[nodiscard]] Interval clopper_pearson_interval(std::size_t successes, std::size_t n,
                                                double confidence = 0.95);

// Which side of the decision threshold k lies on: 2k < N, 2k = N, 2k > N.
enum class PopcountSide { below, threshold, above };
[[nodiscard]] PopcountSide popcount_side(std::size_t n, std::size_t k);

// Running summary of the time-margin samples at one popcount k (Welford's algorithm, so rounds of
// a sweep can be merged without keeping the samples).
struct PopcountSamples {
    std::size_t k = 0;
    std::size_t n_samples = 0;
    double mean_s = 0.0;      // mean TM, seconds
    double m2_s2 = 0.0;       // Σ (TM − mean)², s²
    std::size_t negative = 0; // samples with TM < 0
    std::size_t positive = 0; // samples with TM > 0 (the rest are TM = 0)
    // The log margin ℓ = ln(T_SW/T_REF) of the samples added with their times (log_linear model).
    std::size_t log_n = 0;
    double log_mean = 0.0;
    double log_m2 = 0.0;

    void add(double tm_s);
    // A sample with its switching and reference times (TM = t_sw − t_ref); also accumulates ℓ.
    void add(double t_sw_s, double t_ref_s);
    // Combines two summaries of the same k (Chan, Golub & LeVeque 1979 pairwise update).
    void merge(const PopcountSamples& other);
    // Sample standard deviation (n − 1 in the denominator); 0 for fewer than 2 samples.
    [[nodiscard]] double sd_s() const;
    [[nodiscard]] static PopcountSamples from_samples(std::size_t k, std::span<const double> tm_s);
};

enum class PointStatus {
    sampled,      // k ≠ N/2 with samples: eq. 7 estimate with intervals
    bounded,      // k ≠ N/2 without samples (per_k): monotone bound only
    threshold,    // k = N/2: excluded from the AER
    extrapolated, // k ≠ N/2 without samples (log_linear): the fitted model's prediction
};

// How RER(k) is estimated from the samples (header comment).
enum class AerModel { per_k, log_linear };
[[nodiscard]] const char* to_string(AerModel m);
[[nodiscard]] const char* to_string(PointStatus s);

struct RowErrorPoint {
    std::size_t k = 0;
    PointStatus status = PointStatus::bounded;
    std::size_t n_samples = 0;
    std::size_t errors = 0; // samples with TM on the wrong side (ties count as errors)
    double mu_tm_s = 0.0;
    double sigma_tm_s = 0.0;
    double z = 0.0;       // s·μ/σ (see header comment); 0 when not sampled
    double rer = 0.0;     // eq. 7 (sampled), the monotone bound (bounded), Pr[TM > 0] (threshold)
    double rer_low = 0.0; // interval of rer (bounded: [0, bound])
    double rer_high = 0.0;
    double weight = 0.0; // C(N,k)/2^N
    double crer = 0.0;   // rer·weight (eq. 8); 0 for the threshold (excluded)
    double crer_low = 0.0;
    double crer_high = 0.0;
    double rer_empirical = 0.0; // errors / n (0 when not sampled)
    double wilson_low = 0.0, wilson_high = 1.0;
    double cp_low = 0.0, cp_high = 1.0;
    double var_aer = 0.0; // this k's delta-method contribution to Var(AER) (per_k)
    // log_linear: the fitted mean and standard deviation of ℓ = ln(T_SW/T_REF) at this k.
    double mu_log = 0.0;
    double sigma_log = 0.0;
};

struct AerEstimate {
    std::size_t n = 0; // row width N
    double confidence = 0.95;
    std::vector<RowErrorPoint> points; // k = 0 … N
    double aer = 0.0;                  // Σ over sampled k ≠ N/2 of CRER(k) (eq. 9)
    double aer_sd = 0.0;               // delta-method standard error of aer
    double aer_low = 0.0;              // max(0, aer − q·sd)
    double aer_high = 0.0;             // aer + q·sd + unsampled_bound
    double unsampled_bound = 0.0;      // Σ over unsampled k ≠ N/2 of weight·bound
    double threshold_weight = 0.0;     // C(N,N/2)/2^N (0 for odd N)
    double threshold_crer = 0.0;       // threshold rer·weight if sampled (0 otherwise), not in aer
    std::size_t total_samples = 0;
    AerModel model = AerModel::per_k;
    // log_linear: ℓ | k ~ N(log_intercept + log_slope·(k − N/2), log_sigma²).
    double log_intercept = 0.0;
    double log_slope = 0.0;
    double log_sigma = 0.0;
    // Model check over the sampled k ≠ N/2: Σ n_k·RER(k) against the errors counted.
    double expected_errors = 0.0;
    std::size_t observed_errors = 0;

    // (aer_high − aer_low) / (2·aer); +∞ when aer = 0.
    [[nodiscard]] double relative_half_width() const;
};

// Per-k statistics and the AER of one row width N from the summaries given (each k at most once,
// k ≤ N; an entry with 0 samples counts as unsampled; a sampled entry needs ≥ 2 samples).
// log_linear needs every sample's times (log_n == n_samples), at least 3 samples and 2 distinct
// k; the threshold k = N/2 informs the fit too.
[[nodiscard]] AerEstimate estimate_aer(std::size_t n, std::span<const PopcountSamples> samples,
                                       double confidence = 0.95, AerModel model = AerModel::per_k);

// `wanted`, or per_k when it is log_linear and the samples cannot support the fit (fewer than 2
// popcounts or 3 samples): the model a table of these samples can be derived with.
[[nodiscard]] AerModel usable_model(AerModel wanted, std::span<const PopcountSamples> samples);

struct PlanTarget {
    double relative_half_width = 0.10; // of the AER interval
    double confidence = 0.95;
    std::size_t first_span = 4;   // first round: k = N/2 ± 1 … ± first_span
    std::size_t first_round = 32; // samples per k in the first round
    // Samples for a k added by outward extension. 8 suffices: the eq. 7 interval's upper limit,
    // which sets the monotone bound, was measured to lie above the true RER in ≥ 97.5 % of
    // experiments already at n = 8 (z = 1 … 4; the one-sided level of a 95 % interval).
    std::size_t min_per_k = 8;
    std::size_t extend_step = 1; // k's added per side and round while extending
    // The unsampled bound must fall below this fraction of the AER; it widens the interval by
    // half of it, so 0.5 % costs ≈ 2.5 % of the relative half-width budget.
    double negligible_fraction = 0.005;
    double round_fraction = 0.5;   // share of the projected extra samples requested per round
    std::size_t max_total = 20000; // sample budget (all k together)
    AerModel model = AerModel::per_k;
};

struct PlanStep {
    std::map<std::size_t, std::size_t> more; // k → additional samples for the next round
    bool done = false;                       // target met: `more` is empty
    bool budget_exhausted = false;           // max_total reached before the target
    std::string reason;                      // one sentence: why this step
    AerEstimate estimate;                    // the estimate the step was planned from

    [[nodiscard]] std::size_t total_more() const;
};

// The next round of the adaptive plan (pure and deterministic):
//  1. first round: first_round samples at each k = N/2 ± 1 … ± first_span;
//  2. outward extension: on each side whose unsampled bound is ≥ negligible_fraction/2 of the
//     AER, the extend_step innermost unsampled k's get min_per_k samples;
//     (log_linear: while the extrapolated CRER of a side is not negligible);
//  3. precision: while the relative half-width exceeds the target, extra samples by Neyman
//     allocation — minimise Σ m_k subject to Σ_k u_k/(n_k + m_k) ≤ V_target, whose solution is
//     n_k + m_k = max(n_k, λ·√u_k) (u_k = n_k·Var contribution of k, so √u_k is k's share of the
//     AER standard error per √sample); round_fraction of it is requested per round so that later
//     rounds re-plan from better estimates, the full amount once it is at most 10 % of the
//     samples already taken. log_linear has no per-k variance: the total grows by the factor
//     (half-width/target)² that a √n law needs, spread over the sampled k in proportion to the
//     samples they hold (the design of the first rounds is kept);
//  4. budget: never plans beyond max_total; budget_exhausted once it is reached.
[[nodiscard]] PlanStep next_round(std::size_t n, std::span<const PopcountSamples> so_far,
                                  const PlanTarget& target = {});

// Writes the crer.csv that analysis::read_crer_csv reads: the columns
// `k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high` (ci = interval of rer) followed by
// `status,weight,errors,rer_empirical,wilson_low,wilson_high,cp_low,cp_high,crer_low,crer_high`,
// one row per k = 0 … N. Unsampled rows: n_samples = 0, mu/sigma written as 0 placeholders;
// per_k: rer = the monotone bound (a conservative value for error injection), ci = [0, bound], so
// the file's Σ crer equals aer + unsampled_bound; log_linear: the model's rer and interval.
// Threshold row: crer = 0 (excluded from the AER); per_k: rer = Pr[TM > 0] if sampled, else 0.5
// (zero mean margin) with ci = [0, 1]; log_linear: the model's Pr[ℓ > 0]. Empirical columns are
// empty when n_samples = 0. Two last columns, mu_log and sigma_log, hold the log_linear model's
// ℓ mean and standard deviation at k (empty for per_k). Numbers are written in the shortest
// round-trip form.
void write_crer_csv(const AerEstimate& estimate, const std::filesystem::path& path);

} // namespace spincim::analysis
