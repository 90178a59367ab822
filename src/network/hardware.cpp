#include "spincim/network/hardware.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <thread>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"

namespace spincim::network {

long long subarray_count(long long k, long long j, int n_columns, int m_rows) {
    if (k <= 0 || j <= 0 || n_columns <= 0 || m_rows <= 0) {
        throw InputError("subarray_count: dimensions must be positive");
    }
    return ((k + n_columns - 1) / n_columns) * ((j + m_rows - 1) / m_rows);
}

std::vector<LayerMapping> map_layers(const BnnModel& model, int n_columns, int m_rows) {
    if (n_columns <= 0 || m_rows <= 0) {
        throw InputError("sub-array size must be positive, got " + std::to_string(m_rows) + "x" +
                         std::to_string(n_columns));
    }
    // A network partitioned with P < N puts one P-column group on each N-column row.
    const int width = model.partition > 0 ? std::min(model.partition, n_columns) : n_columns;
    std::vector<LayerMapping> out;
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const BnnLayer& layer = model.layers[l];
        LayerMapping m;
        m.layer = static_cast<int>(l) + 1;
        m.k = layer.k();
        m.j = layer.j();
        m.mapped = layer.input == LayerInput::binary;
        if (m.mapped) {
            m.column_groups = (m.k + width - 1) / width;
            m.row_groups = (m.j + m_rows - 1) / m_rows;
            m.subarrays = m.column_groups * m.row_groups;
        }
        out.push_back(m);
    }
    return out;
}

ErrorModel ErrorModel::ideal(int n_columns) {
    ErrorModel e;
    e.mode = Injection::none;
    e.n_columns = n_columns;
    return e;
}

ErrorModel ErrorModel::per_k(const CrerTable& table) {
    ErrorModel e;
    e.mode = Injection::per_k;
    e.n_columns = table.n;
    e.rer = table.rer;
    return e;
}

ErrorModel ErrorModel::flat(int n_columns, double aer) {
    if (!(aer >= 0.0 && aer <= 1.0)) {
        throw InputError("flat error rate must lie in [0, 1], got " + std::to_string(aer));
    }
    ErrorModel e;
    e.mode = Injection::flat;
    e.n_columns = n_columns;
    e.flat_rate = aer;
    return e;
}

double ErrorModel::p_max() const {
    switch (mode) {
    case Injection::none:
        return 0.0;
    case Injection::flat:
        return flat_rate;
    case Injection::per_k:
        return rer.empty() ? 0.0 : *std::max_element(rer.begin(), rer.end());
    }
    return 0.0;
}

HardwareNetwork::HardwareNetwork(const BnnModel& model, int n_columns)
    : model_(model), n_columns_(n_columns) {
    model_.validate();
    if (model_.partition <= 0 || model_.partition > n_columns) {
        throw InputError("the model is partitioned with width " + std::to_string(model_.partition) +
                         " but the sub-arrays have N = " + std::to_string(n_columns) +
                         " columns: train (or export) the network with a partition width of 1.." +
                         std::to_string(n_columns));
    }
    const int p = model_.partition;
    for (const BnnLayer& layer : model_.layers) {
        PackedLayer pl;
        if (layer.input == LayerInput::binary) {
            pl.k = layer.k();
            pl.j = layer.j();
            pl.partition = p;
            pl.groups = group_count(pl.k, p);
            pl.words_per_group = (p + 63) / 64;
            const int wpr = pl.groups * pl.words_per_group;
            pl.w.assign(static_cast<std::size_t>(pl.j) * static_cast<std::size_t>(wpr), 0);
            for (int g = 0; g < pl.groups; ++g) {
                const int n_g = std::min(pl.k, (g + 1) * p) - g * p;
                pl.n_in_group.push_back(n_g);
                pl.pad_ones.push_back((n_columns - n_g) / 2);
            }
            // Bit set = weight +1; padding bits stay 0 in both weights and inputs so that they
            // never count as mismatches.
            for (int jj = 0; jj < pl.j; ++jj) {
                std::uint64_t* row = pl.w.data() + static_cast<std::size_t>(jj) * wpr;
                for (int i = 0; i < pl.k; ++i) {
                    if (layer.w(jj, i) > 0) {
                        const int g = i / p;
                        const int o = i % p;
                        row[g * pl.words_per_group + o / 64] |= std::uint64_t{1} << (o % 64);
                    }
                }
            }
        }
        packed_.push_back(std::move(pl));
    }
}

double HardwareNetwork::bit_ops_per_sample() const {
    double ops = 0.0;
    for (const PackedLayer& pl : packed_) {
        ops += 2.0 * pl.k * static_cast<double>(pl.j);
    }
    return ops;
}

std::uint64_t HardwareNetwork::rows_per_sample() const {
    std::uint64_t rows = 0;
    for (const PackedLayer& pl : packed_) {
        rows += static_cast<std::uint64_t>(pl.groups) * static_cast<std::uint64_t>(pl.j);
    }
    return rows;
}

namespace {

// Bit j of a ±1 vector in the group layout of the layer that consumes it.
inline void set_bit(std::vector<std::uint64_t>& words, int j, int partition, int wpg) {
    const int g = j / partition;
    const int o = j % partition;
    words[static_cast<std::size_t>(g * wpg + o / 64)] |= std::uint64_t{1} << (o % 64);
}

// Number of rows to skip before the next candidate of a Bernoulli(p) process: a geometric
// variate floor(ln U / ln(1 − p)) with U uniform on (0, 1] (inversion method).
inline std::uint64_t geometric_gap(RandomStream& rng, double log1m_p) {
    if (log1m_p == 0.0) {
        return 0;
    }
    const double g = std::floor(std::log(rng.uniform_open0()) / log1m_p);
    return g >= 0x1p62 ? (std::uint64_t{1} << 62U) : static_cast<std::uint64_t>(g);
}

int resolve_threads(int threads) {
    if (threads > 0) {
        return threads;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

template <class Fn>
void parallel_ranges(std::size_t n, int threads, Fn&& fn) {
    const auto t = static_cast<std::size_t>(std::min<std::size_t>(
        static_cast<std::size_t>(resolve_threads(threads)), std::max<std::size_t>(n, 1)));
    if (t <= 1) {
        fn(0, std::size_t{0}, n);
        return;
    }
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < t; ++i) {
        pool.emplace_back([&, i] { fn(i, n * i / t, n * (i + 1) / t); });
    }
    for (auto& th : pool) {
        th.join();
    }
}

} // namespace

std::uint64_t HardwareNetwork::run_range(const Eigen::MatrixXf& x, const ErrorModel& errors,
                                         std::uint64_t seed, std::size_t begin, std::size_t end,
                                         int* predicted) const {
    // Split every row's flip probability p(k) into two independent Bernoulli events,
    // flip = A or B: A with a(k) = min(p(k), p_c) drawn by geometric skipping at rate p_c and
    // thinning (a few draws per 1/p_c rows), B with b(k) = (p(k) − a(k))/(1 − a(k)) drawn
    // directly from 32 random bits, only for the few k near the sense threshold where
    // p(k) > p_c. Then Pr[flip] = a + b − a·b = p(k) exactly (up to 2^-32 rounding of b).
    constexpr double p_c_limit = 1.0 / 64.0;
    const int n = n_columns_;
    std::vector<double> p(static_cast<std::size_t>(n) + 1, 0.0);
    for (std::size_t k = 0; k < p.size(); ++k) {
        p[k] = errors.mode == Injection::flat    ? errors.flat_rate
               : errors.mode == Injection::per_k ? errors.rer[k]
                                                 : 0.0;
    }
    const double p_max = *std::max_element(p.begin(), p.end());
    const bool inject = p_max > 0.0;
    const double p_c = std::min(p_max, p_c_limit);
    std::vector<double> a(p.size());
    std::vector<std::uint64_t> b_threshold(p.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
        a[k] = std::min(p[k], p_c);
        const double b = a[k] < 1.0 ? (p[k] - a[k]) / (1.0 - a[k]) : 0.0;
        b_threshold[k] = static_cast<std::uint64_t>(std::ceil(b * 0x1p32));
    }
    const double log1m_pc = p_c >= 1.0 ? 0.0 : std::log1p(-p_c);

    const int k0 = static_cast<int>(x.cols());
    std::vector<float> row(static_cast<std::size_t>(k0));
    std::vector<double> pre;
    std::vector<std::uint64_t> cur;
    std::vector<std::uint64_t> nxt;
    std::uint64_t flips = 0;

    const auto words_of = [](const PackedLayer& pl) {
        return static_cast<std::size_t>(pl.groups) * static_cast<std::size_t>(pl.words_per_group);
    };

    for (std::size_t s = begin; s < end; ++s) {
        for (int i = 0; i < k0; ++i) {
            row[static_cast<std::size_t>(i)] = x(static_cast<Eigen::Index>(s), i);
        }
        RandomStream rng(seed, s, "stt_bnn_row_errors");
        std::uint64_t skip = inject ? geometric_gap(rng, log1m_pc) : 0;
        std::uint64_t bits = 0; // buffered random bits for the direct draws
        bool have_bits = false;
        for (std::size_t l = 0; l < model_.layers.size(); ++l) {
            const BnnLayer& layer = model_.layers[l];
            const PackedLayer& pl = packed_[l];
            pre.assign(static_cast<std::size_t>(layer.j()), 0.0);
            if (layer.input == LayerInput::real) {
                real_layer_preactivation(layer, row.data(), pre.data());
            } else {
                if (l == 0) {
                    cur.assign(words_of(pl), 0);
                    for (int i = 0; i < k0; ++i) {
                        if (row[static_cast<std::size_t>(i)] >= 0.5F) {
                            set_bit(cur, i, pl.partition, pl.words_per_group);
                        }
                    }
                }
                const int wpg = pl.words_per_group;
                const std::size_t wpr = words_of(pl);
                for (int jj = 0; jj < pl.j; ++jj) {
                    const std::uint64_t* w = pl.w.data() + static_cast<std::size_t>(jj) * wpr;
                    int sum = 0;
                    for (int g = 0; g < pl.groups; ++g) {
                        int mismatches = 0;
                        for (int q = 0; q < wpg; ++q) {
                            mismatches += std::popcount(w[g * wpg + q] ^ cur[g * wpg + q]);
                        }
                        const int n_g = pl.n_in_group[static_cast<std::size_t>(g)];
                        const int k = n_g - mismatches; // XNOR outputs equal to +1
                        int b = sense_amp(k, n_g);
                        if (inject) {
                            const auto k_row = static_cast<std::size_t>(
                                k + pl.pad_ones[static_cast<std::size_t>(g)]);
                            // Direct draw, branch-free: 32 fresh bits per row (a threshold
                            // of 0 never fires), so no data-dependent branch mispredicts.
                            if (!have_bits) {
                                bits = rng.next();
                            }
                            bool flip = (bits & 0xffffffffULL) < b_threshold[k_row];
                            bits >>= 32U;
                            have_bits = !have_bits;
                            if (skip == 0) {
                                flip = flip || a[k_row] >= p_c || rng.uniform() * p_c < a[k_row];
                                skip = geometric_gap(rng, log1m_pc);
                            } else {
                                --skip;
                            }
                            flips += flip ? 1U : 0U;
                            b = flip ? -b : b;
                        }
                        sum += b;
                    }
                    pre[static_cast<std::size_t>(jj)] = sum;
                }
            }
            if (layer.output == LayerOutput::score) {
                predicted[s] = argmax_score(layer, pre.data());
            } else {
                const PackedLayer& next = packed_[l + 1];
                nxt.assign(words_of(next), 0);
                for (int jj = 0; jj < layer.j(); ++jj) {
                    const auto u = static_cast<std::size_t>(jj);
                    if (threshold_neuron(pre[u], layer.p0[u], layer.p1[u]) > 0) {
                        set_bit(nxt, jj, next.partition, next.words_per_group);
                    }
                }
                cur.swap(nxt);
            }
        }
    }
    return flips;
}

HardwareRun HardwareNetwork::infer(const Eigen::MatrixXf& x, const ErrorModel& errors,
                                   std::uint64_t seed, int threads) const {
    if (x.cols() != model_.n_inputs()) {
        throw InputError("data has " + std::to_string(x.cols()) + " features but the model has " +
                         std::to_string(model_.n_inputs()) + " inputs");
    }
    if (errors.mode == Injection::per_k) {
        if (errors.n_columns != n_columns_ ||
            errors.rer.size() != static_cast<std::size_t>(n_columns_) + 1) {
            throw InputError(
                "the CRER table is for rows of N = " + std::to_string(errors.n_columns) +
                " columns but the sub-arrays have N = " + std::to_string(n_columns_));
        }
    }
    const auto n = static_cast<std::size_t>(x.rows());
    HardwareRun run;
    run.predicted.assign(n, -1);
    // Each worker writes its own range of `run.predicted` and its own flip counter.
    std::vector<std::uint64_t> flips(static_cast<std::size_t>(resolve_threads(threads)), 0);
    int* predicted = run.predicted.data();
    parallel_ranges(n, threads, [&](std::size_t t, std::size_t b, std::size_t e) {
        flips[t] = run_range(x, errors, seed, b, e, predicted);
    });
    for (const std::uint64_t f : flips) {
        run.flips += f;
    }
    run.row_evaluations = rows_per_sample() * n;
    return run;
}

std::uint64_t HardwareNetwork::popcount_sweep(const Eigen::MatrixXf& x, int threads) const {
    const auto n = static_cast<std::size_t>(x.rows());
    std::vector<std::uint64_t> sums(static_cast<std::size_t>(resolve_threads(threads)), 0);
    parallel_ranges(n, threads, [&](std::size_t t, std::size_t b, std::size_t e) {
        // Input words: a fixed pseudo-random pattern per layer, XORed with the sample index so
        // that the loop cannot be hoisted out of the sample loop. Popcount cost does not depend
        // on the data.
        std::vector<std::vector<std::uint64_t>> inputs;
        RandomStream pattern(0, 0, "popcount_sweep");
        for (const PackedLayer& pl : packed_) {
            std::vector<std::uint64_t> v(static_cast<std::size_t>(pl.groups) *
                                         static_cast<std::size_t>(pl.words_per_group));
            for (auto& word : v) {
                word = pattern.next();
            }
            inputs.push_back(std::move(v));
        }
        std::uint64_t acc = 0;
        for (std::size_t s = b; s < e; ++s) {
            for (std::size_t l = 0; l < packed_.size(); ++l) {
                const PackedLayer& pl = packed_[l];
                const std::uint64_t* in = inputs[l].data();
                const std::size_t wpr = inputs[l].size();
                for (int jj = 0; jj < pl.j; ++jj) {
                    const std::uint64_t* w = pl.w.data() + static_cast<std::size_t>(jj) * wpr;
                    for (std::size_t q = 0; q < wpr; ++q) {
                        acc += static_cast<std::uint64_t>(std::popcount(w[q] ^ in[q] ^ s));
                    }
                }
            }
        }
        sums[t] = acc;
    });
    std::uint64_t total = 0;
    for (auto v : sums) {
        total += v;
    }
    return total;
}

} // namespace spincim::network
