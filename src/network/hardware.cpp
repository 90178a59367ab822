#include "spincim/network/hardware.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <span>
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

// The bytes of one sample's RandomStream, generated ahead in blocks of whole words
// (RandomStream::fill) and handed out strictly in stream order: byte b of the stream is byte
// b mod 8 of word b / 8, least significant first, on every platform. Every row takes the next
// byte, so the draws depend only on (seed, sample) and the fixed row order.
class ByteStream {
public:
    // Room for requests of up to max_request bytes (and at least 8 KiB).
    explicit ByteStream(std::size_t max_request)
        : words_(2 * (std::max<std::size_t>(max_request, 8192) / 8 + 1)) {}

    void restart(RandomStream rng) {
        rng_ = rng;
        pos_ = 0;
        end_ = 0;
    }
    // The next n ≤ max_request unused bytes.
    const std::uint8_t* take(std::size_t n) {
        if (end_ - pos_ < n) {
            refill();
        }
        const std::uint8_t* out = bytes() + pos_;
        pos_ += n;
        return out;
    }

private:
    const std::uint8_t* bytes() const {
        return reinterpret_cast<const std::uint8_t*>(words_.data());
    }
    void refill() {
        // Keep the word that holds the first unused byte and everything after it.
        const std::size_t first = pos_ / 8;
        const std::size_t keep = end_ / 8 - first;
        std::copy(words_.begin() + static_cast<std::ptrdiff_t>(first),
                  words_.begin() + static_cast<std::ptrdiff_t>(first + keep), words_.begin());
        const std::span<std::uint64_t> fresh = std::span<std::uint64_t>(words_).subspan(keep);
        rng_.fill(fresh);
        if constexpr (std::endian::native == std::endian::big) {
            for (std::uint64_t& w : fresh) {
                w = byte_swap(w);
            }
        }
        pos_ -= 8 * first;
        end_ = 8 * words_.size();
    }
    static std::uint64_t byte_swap(std::uint64_t w) {
        std::uint64_t r = 0;
        for (int b = 0; b < 8; ++b, w >>= 8U) {
            r = (r << 8U) | (w & 0xffU);
        }
        return r;
    }

    RandomStream rng_{0, 0};
    std::vector<std::uint64_t> words_;
    std::size_t pos_ = 0; // next unused byte
    std::size_t end_ = 0; // one past the last generated byte
};

// Outcome of one sub-array row as a function of its XNOR mismatch count m (the row popcount is
// k = n_g − m), per binary layer, indexed by m for the full groups (n_g = P, entries 0 … P)
// followed by m for the last group (entries last_offset + 0 … n_last):
//  * gate: the flip test of the row's random byte u against the flip probability p(k_row)
//    written as a 64-bit binary fraction F = p·2^64 (exact for a double p < 1): low 16 bits
//    F's first byte F_0 (256 for p = 1), high 16 bits the byte value that needs the remaining
//    56 bits (F_0 when they are non-zero, else 256, a value no byte takes), and in bit 32 the
//    fault-free decision (1 for +1), so that a row needs a single table entry;
//  * rest: F's remaining 56 bits F mod 2^56;
//  * count[2m + f]: what the row adds to a neuron's tally when its flip indicator is f, as one
//    64-bit word holding the number of +1 decisions (low half; the fault-free sense-amplifier
//    decision b = +1 iff 2k ≥ n_g, seed 001 eq. (6), inverted by a flip) and the number of flips
//    (high half), so that a row costs one indexed add.
struct LayerTable {
    std::vector<std::uint64_t> gate;
    std::vector<std::uint64_t> rest;
    std::vector<std::uint64_t> count;
    std::uint32_t last_offset = 0;
};

// Random state of one sample: the row bytes, the stream of the rare tie resolutions (kept apart
// so that every row takes exactly one byte of the main stream) and the flip count.
struct Injector {
    explicit Injector(std::size_t max_rows) : bytes(max_rows) {}

    ByteStream bytes;
    RandomStream ties{0, 0};
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
// the rows' table indices idx, with the flip draw of every row. Rows are visited in the fixed
// order (layer, neuron, group), which fixes the order of the random draws.
//
// Flip draw of a row with flip probability p (a Bernoulli(p) variate by lazy comparison of a
// uniform U with the binary expansion of p, here a byte at a time; the bit-by-bit version is the
// classic example of Knuth and Yao, "The complexity of nonuniform random number generation",
// 1976): the row flips iff U < p. U's first byte u decides
// unless it equals p's first byte F_0 (probability 1/256): u < F_0 flips, u > F_0 does not. On a
// tie the next 56 bits of U, one word of the tie stream, are compared with F's remaining 56 bits.
// Hence Pr[flip] = F / 2^64 = p exactly, for one random byte per row plus one word per tie.
inline void draw_flips(const std::uint32_t* idx, int neurons, int groups, const LayerTable& table,
                       Injector& inj, std::uint64_t* tallies) {
    const std::uint64_t* gate = table.gate.data();
    const std::uint8_t* u =
        inj.bytes.take(static_cast<std::size_t>(neurons) * static_cast<std::size_t>(groups));
    for (int n = 0; n < neurons; ++n, idx += groups, u += groups) {
        std::uint64_t tally = 0;
        for (int g = 0; g < groups; ++g) {
            const std::uint32_t i = idx[g];
            const std::uint64_t e = gate[i];
            const std::uint64_t b = u[g];
            std::uint64_t flip = b < (e & 0xffffU) ? 1U : 0U;
            if (b == ((e >> 16U) & 0xffffU)) [[unlikely]] {
                flip = (inj.ties.next() >> 8U) < table.rest[i] ? 1U : 0U;
            }
            // The same word as count[2i + flip]: the decision, inverted by a flip, and the flip.
            tally += ((e >> 32U) ^ flip) | (flip << 32U);
        }
        tallies[n] = tally;
    }
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
    // Flip probability of a row by its row popcount k (flat: the same for every k), as the 64-bit
    // binary fraction F(k) = p(k)·2^64 of draw_flips: first byte and remaining 56 bits.
    const int n = n_columns_;
    std::vector<double> p(static_cast<std::size_t>(n) + 1, 0.0);
    for (std::size_t k = 0; k < p.size(); ++k) {
        p[k] = errors.mode == Injection::flat    ? errors.flat_rate
               : errors.mode == Injection::per_k ? errors.rer[k]
                                                 : 0.0;
    }
    const bool inject = *std::max_element(p.begin(), p.end()) > 0.0;
    std::vector<std::uint32_t> gate(p.size());
    std::vector<std::uint64_t> rest(p.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
        constexpr std::uint32_t never = 256; // no byte equals it: no tie to resolve
        if (p[k] >= 1.0) {
            gate[k] = 256U | (never << 16U);
            rest[k] = 0;
            continue;
        }
        // p·2^64 is exact (a power-of-two scaling of a double below 1) and below 2^64.
        const auto f = static_cast<std::uint64_t>(std::ldexp(std::max(p[k], 0.0), 64));
        const auto first = static_cast<std::uint32_t>(f >> 56U);
        rest[k] = f & ((std::uint64_t{1} << 56U) - 1U);
        gate[k] = first | ((rest[k] != 0 ? first : never) << 16U);
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
    for (std::size_t l = 0; l < packed_.size(); ++l) {
        const PackedLayer& pl = packed_[l];
        if (pl.groups == 0) {
            continue;
        }
        block[l] = std::max(1, block_rows / pl.groups);
        max_block = std::max(max_block, static_cast<std::size_t>(block[l]));
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
                t.gate.push_back(gate[k_row] | (plus << 32U));
                t.rest.push_back(rest[k_row]);
            }
        };
        add_group(pl.n_in_group.front(), pl.pad_ones.front());
        t.last_offset = static_cast<std::uint32_t>(t.gate.size());
        add_group(pl.n_in_group.back(), pl.pad_ones.back());
    }

    const int k0 = static_cast<int>(x.cols());
    std::vector<float> row(static_cast<std::size_t>(k0));
    std::vector<double> pre;
    std::vector<std::uint64_t> cur;
    std::vector<std::uint64_t> nxt;
    std::vector<std::uint32_t> idx(idx_size);
    std::vector<std::uint64_t> tallies(max_block);
    Injector inj(idx_size);

    const auto words_of = [](const PackedLayer& pl) {
        return static_cast<std::size_t>(pl.groups) * static_cast<std::size_t>(pl.words_per_group);
    };

    for (std::size_t s = begin; s < end; ++s) {
        for (int i = 0; i < k0; ++i) {
            row[static_cast<std::size_t>(i)] = x(static_cast<Eigen::Index>(s), i);
        }
        if (inject) {
            inj.bytes.restart(RandomStream(seed, s, "stt_bnn_row_errors"));
            inj.ties = RandomStream(seed, s, "stt_bnn_row_error_ties");
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
