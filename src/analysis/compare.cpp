#include "spincim/analysis/compare.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"

namespace spincim::analysis {

namespace {

InputError bad(const std::string& key, const std::string& detail) {
    return InputError(detail, SourceLocation{{}, 0, 0, key});
}

using ByK = std::map<std::size_t, std::vector<const MarginSample*>>;

ByK group(std::span<const MarginSample> samples) {
    ByK out;
    for (const MarginSample& s : samples) {
        out[s.k].push_back(&s);
    }
    return out;
}

double aer_of(std::size_t n, const std::vector<PopcountSamples>& summaries,
              const CompareOptions& o) {
    return estimate_aer(n, summaries, o.confidence, usable_model(o.model, summaries)).aer;
}

// Index of a uniform draw in [0, m).
std::size_t pick(RandomStream& rs, std::size_t m) {
    return std::min(m - 1, static_cast<std::size_t>(rs.uniform() * static_cast<double>(m)));
}

} // namespace

std::vector<PopcountSamples> summarize(std::span<const MarginSample> samples) {
    std::map<std::size_t, PopcountSamples> by_k;
    for (const MarginSample& s : samples) {
        PopcountSamples& p = by_k[s.k];
        p.k = s.k;
        p.add(s.t_sw_s, s.t_ref_s);
    }
    std::vector<PopcountSamples> out;
    for (auto& [k, p] : by_k) {
        out.push_back(p);
    }
    return out;
}

AerComparison compare_aer(std::size_t n_a, std::span<const MarginSample> a, std::size_t n_b,
                          std::span<const MarginSample> b, const CompareOptions& o) {
    if (!(o.confidence > 0.0 && o.confidence < 1.0)) {
        throw bad("confidence", "confidence must lie strictly between 0 and 1");
    }
    if (o.replicates < 100) {
        throw bad("replicates", "a bootstrap interval needs at least 100 replicates");
    }
    AerComparison c;
    c.paired = n_a == n_b;
    c.replicates = o.replicates;
    // Strata: per k, the samples of each case (paired: the common indices, in index order).
    std::vector<std::vector<const MarginSample*>> strata_a;
    std::vector<std::vector<const MarginSample*>> strata_b;
    const ByK ga = group(a);
    const ByK gb = group(b);
    if (c.paired) {
        for (const auto& [k, list_a] : ga) {
            const auto it = gb.find(k);
            if (it == gb.end()) {
                continue;
            }
            std::map<std::uint64_t, const MarginSample*> in_b;
            for (const MarginSample* s : it->second) {
                in_b.emplace(s->index, s);
            }
            std::map<std::uint64_t, std::pair<const MarginSample*, const MarginSample*>> both;
            for (const MarginSample* s : list_a) {
                if (const auto m = in_b.find(s->index); m != in_b.end()) {
                    both.emplace(s->index, std::make_pair(s, m->second));
                }
            }
            if (both.size() < 2) {
                continue;
            }
            strata_a.emplace_back();
            strata_b.emplace_back();
            for (const auto& [index, pair] : both) {
                strata_a.back().push_back(pair.first);
                strata_b.back().push_back(pair.second);
            }
        }
    } else {
        for (const auto& [k, list] : ga) {
            strata_a.push_back(list);
        }
        for (const auto& [k, list] : gb) {
            strata_b.push_back(list);
        }
    }
    const auto flatten = [](const std::vector<std::vector<const MarginSample*>>& strata) {
        std::vector<MarginSample> out;
        for (const auto& s : strata) {
            for (const MarginSample* m : s) {
                out.push_back(*m);
            }
        }
        return out;
    };
    const std::vector<MarginSample> used_a = flatten(strata_a);
    const std::vector<MarginSample> used_b = flatten(strata_b);
    c.samples_a = used_a.size();
    c.samples_b = used_b.size();
    c.aer_a = aer_of(n_a, summarize(used_a), o);
    c.aer_b = aer_of(n_b, summarize(used_b), o);
    if (!(c.aer_a > 0.0)) {
        throw bad("aer_a", "the first case has an AER of 0: no ratio");
    }
    c.ratio = c.aer_b / c.aer_a;

    std::vector<double> ratios;
    ratios.reserve(o.replicates);
    std::vector<MarginSample> ra;
    std::vector<MarginSample> rb;
    for (std::size_t r = 0; r < o.replicates; ++r) {
        RandomStream rs(o.seed, r, "bootstrap");
        ra.clear();
        rb.clear();
        if (c.paired) {
            for (std::size_t s = 0; s < strata_a.size(); ++s) {
                const std::size_t m = strata_a[s].size();
                for (std::size_t i = 0; i < m; ++i) {
                    const std::size_t j = pick(rs, m);
                    ra.push_back(*strata_a[s][j]);
                    rb.push_back(*strata_b[s][j]);
                }
            }
        } else {
            for (const auto* strata : {&strata_a, &strata_b}) {
                auto& out = strata == &strata_a ? ra : rb;
                for (const auto& stratum : *strata) {
                    for (std::size_t i = 0; i < stratum.size(); ++i) {
                        out.push_back(*stratum[pick(rs, stratum.size())]);
                    }
                }
            }
        }
        // A replicate of a small stratum can repeat one sample throughout, so that its fit has
        // no spread: such replicates are left out (and counted).
        try {
            const double aa = aer_of(n_a, summarize(ra), o);
            const double ab = aer_of(n_b, summarize(rb), o);
            if (aa > 0.0) {
                ratios.push_back(ab / aa);
            }
        } catch (const InputError&) {
            ++c.degenerate;
        }
    }
    if (ratios.size() < o.replicates / 2) {
        throw bad("aer_a", "fewer than half of the bootstrap replicates give a ratio (" +
                               std::to_string(c.degenerate) +
                               " without a spread of the margin, the rest with AER_a = 0)");
    }
    std::sort(ratios.begin(), ratios.end());
    const double alpha = 1.0 - o.confidence;
    const auto quantile = [&](double p) {
        // Type-7 sample quantile (linear interpolation between order statistics).
        const double h = p * static_cast<double>(ratios.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, ratios.size() - 1);
        return ratios[lo] + (h - static_cast<double>(lo)) * (ratios[hi] - ratios[lo]);
    };
    c.ratio_low = quantile(0.5 * alpha);
    c.ratio_high = quantile(1.0 - 0.5 * alpha);
    return c;
}

} // namespace spincim::analysis
