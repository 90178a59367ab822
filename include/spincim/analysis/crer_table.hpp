#pragma once
// Row error rates of an STT-BNN sub-array row versus its popcount, as produced by the Monte Carlo
// study (`spincim sweep`, file crer.csv). Definitions from seed 001 Sec. IV:
//   RER(k)  = Pr[time margin < 0 | N_1 = k]                     (eq. 7, one row evaluation)
//   CRER(k) = RER(k) · C(N,k) / 2^N                             (eq. 8)
//   AER     = Σ_k CRER(k)                                       (eq. 9)
//
// File format: CSV with the header `k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high`
// (columns may come in any order; extra columns are ignored), one row per popcount k = 0 … N in
// increasing order. rer, crer, ci_low, ci_high are probabilities in [0, 1] with
// ci_low ≤ ci_high; n_samples is a non-negative integer; mu_tm_s and sigma_tm_s are finite
// (sigma ≥ 0). n_samples = 0 marks a popcount the Monte Carlo did not sample: its rer is the
// monotone upper bound written by analysis::write_crer_csv (RER falls with |k − N/2|), its
// mu_tm_s/sigma_tm_s are placeholders (0).

#include <string>
#include <vector>

namespace spincim::analysis {

struct CrerTable {
    std::string source;       // file the table came from (for messages)
    int n = 0;                // row width N (number of columns)
    std::vector<double> rer;  // RER(k), k = 0 … N
    std::vector<double> crer; // CRER(k), k = 0 … N

    // AER = Σ_k CRER(k) (seed 001 eq. 9).
    [[nodiscard]] double aer() const;
    // Σ_k RER(k)·C(N,k)/2^N computed from the rer column (equals aer() when the file follows
    // eq. 8).
    [[nodiscard]] double aer_from_rer() const;
};

// Reads and validates a crer.csv; InputError names file, line and column on any problem.
[[nodiscard]] CrerTable read_crer_csv(const std::string& path);

// A table with RER(k) = rer for every k and CRER from eq. 8 (flat error model, e.g. RER ≡ 0).
[[nodiscard]] CrerTable constant_rer_table(int n, double rer);

// Writes a table in the crer.csv format (n_samples, mu_tm_s, sigma_tm_s, ci columns filled with
// the given placeholders): used by tests and examples to produce synthetic tables.
void write_crer_csv(const CrerTable& table, const std::string& path, int n_samples = 1000);

} // namespace spincim::analysis
