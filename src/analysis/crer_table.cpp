#include "spincim/analysis/crer_table.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string_view>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"

namespace spincim::analysis {

namespace {

// C(N,k)/2^N evaluated through log-gamma so that N = 256 does not overflow.
double binomial_weight(int n, int k) {
    const double lg = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
    return std::exp(lg - n * std::log(2.0));
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

constexpr std::array<const char*, 8> required_columns = {
    "k", "n_samples", "mu_tm_s", "sigma_tm_s", "rer", "crer", "ci_low", "ci_high"};

} // namespace

double CrerTable::aer() const {
    double sum = 0.0;
    for (double c : crer) {
        sum += c;
    }
    return sum;
}

double CrerTable::aer_from_rer() const {
    double sum = 0.0;
    for (int k = 0; k <= n; ++k) {
        sum += rer[static_cast<std::size_t>(k)] * binomial_weight(n, k);
    }
    return sum;
}

CrerTable read_crer_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw InputError("cannot open the CRER table", SourceLocation{path, 0, 0, {}});
    }
    std::string line;
    if (!std::getline(in, line)) {
        throw InputError("empty CRER table: expected the header "
                         "`k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high`",
                         SourceLocation{path, 1, 1, {}});
    }
    const auto header = csv::split(line);
    std::array<int, required_columns.size()> index{};
    index.fill(-1);
    for (std::size_t c = 0; c < header.size(); ++c) {
        const auto name = trim(header[c]);
        for (std::size_t r = 0; r < required_columns.size(); ++r) {
            if (name == required_columns[r]) {
                if (index[r] >= 0) {
                    throw InputError("column `" + std::string(name) + "` appears twice",
                                     SourceLocation{path, 1, 0, std::string(name)});
                }
                index[r] = static_cast<int>(c);
            }
        }
    }
    for (std::size_t r = 0; r < required_columns.size(); ++r) {
        if (index[r] < 0) {
            throw InputError(std::string("missing column `") + required_columns[r] +
                                 "` in the header (expected "
                                 "`k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high`)",
                             SourceLocation{path, 1, 0, required_columns[r]});
        }
    }

    CrerTable t;
    t.source = path;
    int lineno = 1;
    std::vector<double> ci_low;
    while (std::getline(in, line)) {
        ++lineno;
        if (trim(line).empty()) {
            continue;
        }
        const auto fields = csv::split(line);
        if (fields.size() != header.size()) {
            throw InputError("expected " + std::to_string(header.size()) + " fields, found " +
                                 std::to_string(fields.size()),
                             SourceLocation{path, lineno, 0, {}});
        }
        std::array<double, required_columns.size()> v{};
        for (std::size_t r = 0; r < required_columns.size(); ++r) {
            const auto f = trim(fields[static_cast<std::size_t>(index[r])]);
            const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v[r]);
            if (ec != std::errc{} || ptr != f.data() + f.size() || !std::isfinite(v[r])) {
                throw InputError("`" + std::string(f) + "` is not a finite number",
                                 SourceLocation{path, lineno, index[r] + 1, required_columns[r]});
            }
        }
        const auto bad = [&](std::size_t r, const std::string& why) {
            throw InputError(std::string(required_columns[r]) + " = " +
                                 std::string(trim(fields[static_cast<std::size_t>(index[r])])) +
                                 ": " + why,
                             SourceLocation{path, lineno, index[r] + 1, required_columns[r]});
        };
        const int expected_k = static_cast<int>(t.rer.size());
        if (v[0] != static_cast<double>(expected_k)) {
            bad(0, "expected k = " + std::to_string(expected_k) +
                       " (one row per popcount 0..N, in increasing order)");
        }
        if (v[1] < 0.0 || v[1] != std::floor(v[1])) {
            bad(1, "n_samples must be a non-negative integer (0 marks an unsampled row whose rer "
                   "is a bound)");
        }
        if (v[3] < 0.0) {
            bad(3, "a standard deviation cannot be negative");
        }
        for (std::size_t r : {4U, 5U, 6U, 7U}) {
            if (v[r] < 0.0 || v[r] > 1.0) {
                bad(r, "a probability must lie in [0, 1]");
            }
        }
        if (v[6] > v[7]) {
            bad(6, "ci_low is larger than ci_high");
        }
        t.rer.push_back(v[4]);
        t.crer.push_back(v[5]);
    }
    if (t.rer.size() < 2) {
        throw InputError("a CRER table needs the rows k = 0..N with N ≥ 1, found " +
                             std::to_string(t.rer.size()) + " rows",
                         SourceLocation{path, lineno, 0, "k"});
    }
    t.n = static_cast<int>(t.rer.size()) - 1;
    return t;
}

CrerTable constant_rer_table(int n, double rer) {
    if (n < 1 || !(rer >= 0.0 && rer <= 1.0)) {
        throw InputError("constant_rer_table: need N ≥ 1 and 0 ≤ RER ≤ 1");
    }
    CrerTable t;
    t.source = "constant RER " + std::to_string(rer);
    t.n = n;
    for (int k = 0; k <= n; ++k) {
        t.rer.push_back(rer);
        t.crer.push_back(rer * binomial_weight(n, k));
    }
    return t;
}

void write_crer_csv(const CrerTable& table, const std::string& path, int n_samples) {
    std::ostringstream os;
    os << "k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high\n";
    os.precision(17);
    for (int k = 0; k <= table.n; ++k) {
        const auto u = static_cast<std::size_t>(k);
        // The time-margin columns are placeholders (0) for synthetic tables; the confidence
        // interval is the degenerate [rer, rer].
        os << k << ',' << n_samples << ",0,0," << table.rer[u] << ',' << table.crer[u] << ','
           << table.rer[u] << ',' << table.rer[u] << "\n";
    }
    write_file_atomically(path, os.str());
}

} // namespace spincim::analysis
