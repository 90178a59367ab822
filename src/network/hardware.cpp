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

// The words of one sample's RandomStream, generated ahead in blocks and handed out strictly in
// stream order. Every consumer below takes its words from here in the order it would have called
// the stream, so the draws are exactly those of calling RandomStream directly; generating them in
// a tight loop keeps the out-of-line call away from the per-row loop.
class StreamBuffer {
public:
    // Room for requests of up to max_request words (and at least 1024).
    explicit StreamBuffer(std::size_t max_request)
        : words_(2 * std::max<std::size_t>(max_request, 1024)) {}

    void restart(std::uint64_t seed, std::uint64_t sample) {
        rng_ = RandomStream(seed, sample, "stt_bnn_row_errors");
        pos_ = 0;
        end_ = 0;
    }
    // The next unused word; at least n ≤ max_request words follow it. The caller hands back how
    // many it used through consumed().
    const std::uint64_t* reserve(std::size_t n) {
        if (end_ - pos_ < n) {
            refill();
        }
        return words_.data() + pos_;
    }
    void consumed(const std::uint64_t* next_unused) {
        pos_ = static_cast<std::size_t>(next_unused - words_.data());
    }

private:
    void refill() {
        std::copy(words_.begin() + static_cast<std::ptrdiff_t>(pos_),
                  words_.begin() + static_cast<std::ptrdiff_t>(end_), words_.begin());
        std::size_t i = end_ - pos_;
        std::uint64_t* out = words_.data();
        const std::size_t capacity = words_.size();
        RandomStream local = rng_; // a local copy keeps the loop's state out of *this
        for (; (capacity - i) % 4 != 0; ++i) {
            out[i] = local.next();
        }
        for (; i < capacity; i += 4) {
            out[i] = local.next();
            out[i + 1] = local.next();
            out[i + 2] = local.next();
            out[i + 3] = local.next();
        }
        rng_ = local;
        pos_ = 0;
        end_ = capacity;
    }

    RandomStream rng_{0, 0};
    std::vector<std::uint64_t> words_;
    std::size_t pos_ = 0; // next unused word
    std::size_t end_ = 0; // one past the last generated word
};

// RandomStream::uniform() and uniform_open0() (core/random.cpp) applied to a buffered word: its
// 53 high bits scaled to [0, 1) and (0, 1].
inline double uniform_of(std::uint64_t word) {
    return static_cast<double>(word >> 11U) * 0x1.0p-53;
}
inline double uniform_open0_of(std::uint64_t word) {
    return (static_cast<double>(word >> 11U) + 1.0) * 0x1.0p-53;
}

// Number of rows to skip before the next candidate of a Bernoulli(p) process: a geometric
// variate floor(ln U / ln(1 − p)) with U uniform on (0, 1] (inversion method). Takes one word
// from *src unless p is so small that ln(1 − p) rounds to 0.
inline std::uint64_t geometric_gap(const std::uint64_t*& src, double log1m_p) {
    if (log1m_p == 0.0) {
        return 0;
    }
    const double g = std::floor(std::log(uniform_open0_of(*src++)) / log1m_p);
    return g >= 0x1p62 ? (std::uint64_t{1} << 62U) : static_cast<std::uint64_t>(g);
}

// Outcome of one sub-array row as a function of its XNOR mismatch count m (the row popcount is
// k = n_g − m), per binary layer, indexed by m for the full groups (n_g = P, entries 0 … P)
// followed by m for the last group (entries last_offset + 0 … n_last):
//  * threshold: 32-bit threshold of the direct flip draw at k_row = k + pad (see run_range);
//  * a: the thinned flip rate a(k_row);
//  * count[2m + f]: what the row adds to a neuron's tally when its flip indicator is f, as one
//    64-bit word holding the number of +1 decisions (low half; the fault-free sense-amplifier
//    decision b = +1 iff 2k ≥ n_g, seed 001 eq. (6), inverted by a flip) and the number of flips
//    (high half), so that a row costs one indexed add.
struct LayerTable {
    std::vector<std::uint64_t> threshold;
    std::vector<double> a;
    std::vector<std::uint64_t> count;
    std::uint32_t last_offset = 0;
};

// Flip state of one sample: the geometric skip counter of the thinned events, the buffered 32-bit
// half of a direct-draw word, and the flip count.
struct Injector {
    explicit Injector(std::size_t max_groups) : words(3 * max_groups) {}

    StreamBuffer words;
    double p_c = 0.0;
    double log1m_pc = 0.0;
    std::uint64_t skip = 0;
    std::uint64_t bits = 0;
    bool have_bits = false;
    std::uint64_t flips = 0;
};

// Table indices (mismatch counts Σ_q popcount(w ^ x), plus the offset of the last group) of the
// groups [0, groups) of one weight row. Wpg > 0 fixes the words per group at compile time; Wpg = 0
// reads it from wpg.
template <int Wpg>
inline void row_mismatches(const std::uint64_t* w, const std::uint64_t* x, int groups, int wpg,
                           std::uint32_t last_offset, std::uint32_t* idx) {
    if constexpr (Wpg == 1) {
        int g = 0;
        for (; g + 2 <= groups; g += 2) {
            idx[g] = static_cast<std::uint32_t>(std::popcount(w[g] ^ x[g]));
            idx[g + 1] = static_cast<std::uint32_t>(std::popcount(w[g + 1] ^ x[g + 1]));
        }
        if (g < groups) {
            idx[g] = static_cast<std::uint32_t>(std::popcount(w[g] ^ x[g]));
        }
    } else {
        const int words = Wpg > 0 ? Wpg : wpg;
        for (int g = 0; g < groups; ++g) {
            const std::uint64_t* wg = w + static_cast<std::ptrdiff_t>(g) * words;
            const std::uint64_t* xg = x + static_cast<std::ptrdiff_t>(g) * words;
            int m = 0;
            for (int q = 0; q < words; ++q) {
                m += std::popcount(wg[q] ^ xg[q]);
            }
            idx[g] = static_cast<std::uint32_t>(m);
        }
    }
    idx[groups - 1] += last_offset;
}

// Tallies (see LayerTable::count) of `neurons` consecutive neurons of `groups` rows each, from
// the rows' table indices idx, with the flip draws of every row. Rows are visited in the fixed
// order (layer, neuron, group), which fixes the order of the random draws.
inline void draw_flips(const std::uint32_t* idx, int neurons, int groups, const LayerTable& table,
                       Injector& inj, std::uint64_t* tallies) {
    constexpr std::uint64_t low32 = 0xffffffffULL;
    const std::uint64_t* threshold = table.threshold.data();
    const std::uint64_t* count = table.count.data();
    std::uint64_t skip = inj.skip;
    std::uint64_t bits = inj.bits;
    bool have_bits = inj.have_bits;
    std::uint64_t tally = 0;
    // A row that is not a thinning candidate flips iff its 32 direct bits r < threshold (a
    // threshold of 0 never fires, so every row takes its 32 bits and no branch depends on k).
    const auto direct_row = [&](std::uint32_t i, std::uint64_t r) {
        tally += count[2 * std::size_t{i} + (r < threshold[i] ? 1U : 0U)];
    };
    for (int n = 0; n < neurons; ++n, idx += groups) {
        // A row takes at most 3 words: its direct draw, the thinning uniform, the next gap.
        const std::uint64_t* src = inj.words.reserve(3 * static_cast<std::size_t>(groups));
        int g = 0;
        while (true) {
            // Rows before the next thinning candidate: direct draws only, two rows per word (low
            // half first), continuing a word whose high half is still unused.
            const int e =
                skip < static_cast<std::uint64_t>(groups - g) ? g + static_cast<int>(skip) : groups;
            skip -= static_cast<std::uint64_t>(e - g);
            if (have_bits && g < e) {
                direct_row(idx[g], bits);
                have_bits = false;
                ++g;
            }
            for (; g + 2 <= e; g += 2) {
                const std::uint64_t word = *src++;
                direct_row(idx[g], word & low32);
                direct_row(idx[g + 1], word >> 32U);
            }
            if (g < e) {
                const std::uint64_t word = *src++;
                direct_row(idx[g], word & low32);
                bits = word >> 32U;
                have_bits = true;
                ++g;
            }
            if (g == groups) {
                break;
            }
            // The candidate row (skip reached 0): its direct draw, then thinning with acceptance
            // a(k)/p_c, then the gap to the next candidate.
            std::uint64_t r = bits;
            if (!have_bits) {
                const std::uint64_t word = *src++;
                r = word & low32;
                bits = word >> 32U;
            }
            have_bits = !have_bits;
            const std::uint32_t i = idx[g];
            const double a = table.a[i];
            const bool flip = r < threshold[i] || a >= inj.p_c || uniform_of(*src++) * inj.p_c < a;
            skip = geometric_gap(src, inj.log1m_pc);
            tally += count[2 * std::size_t{i} + (flip ? 1U : 0U)];
            ++g;
        }
        inj.words.consumed(src);
        tallies[n] = tally;
        tally = 0;
    }
    inj.skip = skip;
    inj.bits = bits;
    inj.have_bits = have_bits;
}

// Pre-activations a_j = Σ_g b_g = 2·(+1 decisions) − G of every neuron of one binary layer, in
// blocks of neurons: XOR-popcount of every row of the block, then the flip draws of the block's
// rows in order, then each neuron's tally (see LayerTable::count).
template <int Wpg, bool Inject>
void binary_layer(const std::uint64_t* w, const std::uint64_t* x, int j, int groups, int wpg,
                  const LayerTable& table, Injector& inj, std::uint32_t* idx,
                  std::uint64_t* tallies, int block, double* pre) {
    const std::size_t wpr = static_cast<std::size_t>(groups) * static_cast<std::size_t>(wpg);
    const std::uint64_t* count = table.count.data();
    for (int j0 = 0; j0 < j; j0 += block) {
        const int j1 = std::min(j, j0 + block);
        for (int jj = j0; jj < j1; ++jj) {
            row_mismatches<Wpg>(w + static_cast<std::size_t>(jj) * wpr, x, groups, wpg,
                                table.last_offset,
                                idx + static_cast<std::ptrdiff_t>(jj - j0) * groups);
        }
        if constexpr (Inject) {
            draw_flips(idx, j1 - j0, groups, table, inj, tallies);
        } else {
            const std::uint32_t* row = idx;
            for (int n = 0; n < j1 - j0; ++n, row += groups) {
                std::uint64_t tally = 0;
                for (int g = 0; g < groups; ++g) {
                    tally += count[2 * std::size_t{row[g]}];
                }
                tallies[n] = tally;
            }
        }
        for (int jj = j0; jj < j1; ++jj) {
            const std::uint64_t tally = tallies[jj - j0];
            inj.flips += tally >> 32U;
            pre[jj] = 2.0 * static_cast<double>(tally & 0xffffffffULL) - groups;
        }
    }
}

template <bool Inject>
void binary_layer_dispatch(const std::uint64_t* w, const std::uint64_t* x, int j, int groups,
                           int wpg, const LayerTable& table, Injector& inj, std::uint32_t* idx,
                           std::uint64_t* tallies, int block, double* pre) {
    switch (wpg) {
    case 1:
        binary_layer<1, Inject>(w, x, j, groups, wpg, table, inj, idx, tallies, block, pre);
        break;
    case 2:
        binary_layer<2, Inject>(w, x, j, groups, wpg, table, inj, idx, tallies, block, pre);
        break;
    case 4:
        binary_layer<4, Inject>(w, x, j, groups, wpg, table, inj, idx, tallies, block, pre);
        break;
    default:
        binary_layer<0, Inject>(w, x, j, groups, wpg, table, inj, idx, tallies, block, pre);
        break;
    }
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

    // Row outcomes by mismatch count, per binary layer: k = n_g − m XNOR outputs are +1, the
    // padded row holds k_row = k + floor((N − n_g)/2) (header comment).
    std::vector<LayerTable> tables(packed_.size());
    // Neurons per block of binary_layer: about block_rows rows, so that the block's table indices
    // stay in L1 and the per-block work is spread over many rows.
    constexpr int block_rows = 512;
    std::vector<int> block(packed_.size(), 1);
    std::size_t idx_size = 1;
    std::size_t max_block = 1;
    std::size_t max_groups = 1;
    for (std::size_t l = 0; l < packed_.size(); ++l) {
        const PackedLayer& pl = packed_[l];
        if (pl.groups == 0) {
            continue;
        }
        block[l] = std::max(1, block_rows / pl.groups);
        max_block = std::max(max_block, static_cast<std::size_t>(block[l]));
        max_groups = std::max(max_groups, static_cast<std::size_t>(pl.groups));
        idx_size = std::max(idx_size, static_cast<std::size_t>(block[l]) *
                                          static_cast<std::size_t>(pl.groups));
        LayerTable& t = tables[l];
        const auto add_group = [&](int n_g, int pad) {
            for (int m = 0; m <= n_g; ++m) {
                const int k = n_g - m;
                const auto k_row = static_cast<std::size_t>(k + pad);
                const std::uint64_t plus = sense_amp(k, n_g) > 0 ? 1U : 0U;
                t.count.push_back(plus);
                t.count.push_back((std::uint64_t{1} << 32U) | (1U - plus));
                t.threshold.push_back(inject ? b_threshold[k_row] : 0);
                t.a.push_back(a[k_row]);
            }
        };
        add_group(pl.n_in_group.front(), pl.pad_ones.front());
        t.last_offset = static_cast<std::uint32_t>(t.threshold.size());
        add_group(pl.n_in_group.back(), pl.pad_ones.back());
    }

    const int k0 = static_cast<int>(x.cols());
    std::vector<float> row(static_cast<std::size_t>(k0));
    std::vector<double> pre;
    std::vector<std::uint64_t> cur;
    std::vector<std::uint64_t> nxt;
    std::vector<std::uint32_t> idx(idx_size);
    std::vector<std::uint64_t> tallies(max_block);
    Injector inj(max_groups);
    inj.p_c = p_c;
    inj.log1m_pc = p_c >= 1.0 ? 0.0 : std::log1p(-p_c);

    const auto words_of = [](const PackedLayer& pl) {
        return static_cast<std::size_t>(pl.groups) * static_cast<std::size_t>(pl.words_per_group);
    };

    for (std::size_t s = begin; s < end; ++s) {
        for (int i = 0; i < k0; ++i) {
            row[static_cast<std::size_t>(i)] = x(static_cast<Eigen::Index>(s), i);
        }
        if (inject) {
            inj.words.restart(seed, s);
            const std::uint64_t* src = inj.words.reserve(1);
            inj.skip = geometric_gap(src, inj.log1m_pc);
            inj.words.consumed(src);
            inj.have_bits = false;
        }
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
                if (inject) {
                    binary_layer_dispatch<true>(pl.w.data(), cur.data(), pl.j, pl.groups,
                                                pl.words_per_group, tables[l], inj, idx.data(),
                                                tallies.data(), block[l], pre.data());
                } else {
                    binary_layer_dispatch<false>(pl.w.data(), cur.data(), pl.j, pl.groups,
                                                 pl.words_per_group, tables[l], inj, idx.data(),
                                                 tallies.data(), block[l], pre.data());
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
    return inj.flips;
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
