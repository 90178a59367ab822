#pragma once
// Mapping of a BNN onto M×N STT-BNN sub-arrays and bit-packed inference with row-error injection.
//
// Mapping (seed 001 Sec. V, Tables II–III): a binary layer with K inputs and J outputs occupies
// ceil(K/N) column groups × ceil(J/M) row groups = ceil(K/N)·ceil(J/M) sub-arrays; each output
// neuron's column group is one sub-array row. A real-input first layer is computed digitally and
// uses no sub-array (Table II, layer 1: "-").
//
// A network partitioned with width P ≤ N puts each P-column group on one N-column row; the N − P
// unused cells of the row are programmed as balanced pairs (weight +1 / −1 with the input line
// held at +1), which adds floor((N − P)/2) XNOR outputs equal to +1 to the row popcount. With that
// padding, k_row = k_g + floor((N − n_g)/2) ≥ N/2 ⇔ 2·k_g ≥ n_g for both parities of N − n_g, so
// the sense-amplifier decision on the padded row equals the partitioned network's decision, and
// the row error rate is looked up at the row popcount k_row.
//
// Error injection (issue 6, item 4): every sub-array row evaluation with row popcount k flips its
// binarised output with probability RER(k) from a crer.csv (per-k injection), or with the flat
// AER for every row (seed 001 Sec. VI method). Draws come from RandomStreams keyed by
// (seed, sample index) and visit rows in a fixed order (layer, neuron, group), so results do not
// depend on the number of threads. To keep the cost per row far below a 64-bit random draw, each
// row takes one random byte and compares it with the first byte of p(k) written in binary; only
// on a tie (probability 1/256) are 56 more bits drawn, from a second stream of the same sample.
// The flip probability is p(k) exactly (a double's 53 bits fit in the 64 compared bits).

#include "spincim/analysis/crer_table.hpp"
#include "spincim/network/bnn_model.hpp"

namespace spincim::network {

// Names of the layers below that the network code uses as its own.
using analysis::constant_rer_table;
using analysis::CrerTable;
using analysis::read_crer_csv;
using analysis::write_crer_csv;

struct LayerMapping {
    int layer = 0;       // 1-based, as in seed 001 Table II
    int k = 0;           // inputs
    int j = 0;           // outputs
    bool mapped = false; // false for a real-input (digital) layer
    long long column_groups = 0;
    long long row_groups = 0;
    long long subarrays = 0;
};

// ceil(K/N)·ceil(J/M).
[[nodiscard]] long long subarray_count(long long k, long long j, int n_columns, int m_rows);

// One entry per layer of a network with the given (input kind, K, J) layers.
[[nodiscard]] std::vector<LayerMapping> map_layers(const BnnModel& model, int n_columns,
                                                   int m_rows);

enum class Injection { none, per_k, flat };

struct ErrorModel {
    Injection mode = Injection::none;
    int n_columns = 0;       // row width N the rates belong to
    std::vector<double> rer; // per_k: RER(k), k = 0 … N
    double flat_rate = 0.0;  // flat: the AER

    [[nodiscard]] static ErrorModel ideal(int n_columns);
    [[nodiscard]] static ErrorModel per_k(const CrerTable& table);
    [[nodiscard]] static ErrorModel flat(int n_columns, double aer);
    // Largest flip probability of any row.
    [[nodiscard]] double p_max() const;
};

struct HardwareRun {
    std::vector<int> predicted;
    std::uint64_t row_evaluations = 0; // sub-array row accumulations performed
    std::uint64_t flips = 0;           // of which had their output flipped
};

// A BNN compiled onto N-column sub-arrays: weights bit-packed into 64-bit words per column group.
class HardwareNetwork {
public:
    // Requires model.partition in 1 … n_columns (the network must be trained for the array).
    HardwareNetwork(const BnnModel& model, int n_columns);

    // Inference of every row of x (samples × features). `threads` ≤ 0 means
    // std::thread::hardware_concurrency().
    [[nodiscard]] HardwareRun infer(const Eigen::MatrixXf& x, const ErrorModel& errors,
                                    std::uint64_t seed, int threads = 1) const;

    // Bit operations of one inference on the arrays: 2 per XNOR-accumulated input bit
    // (seed 001 convention, 2N operations per N-input accumulation).
    [[nodiscard]] double bit_ops_per_sample() const;
    // Sub-array row evaluations of one inference.
    [[nodiscard]] std::uint64_t rows_per_sample() const;

    // The plain loop over the same packed weight bits: XOR + std::popcount of every word of every
    // binary layer for every sample, with no sense amplifier, no injection and no digital
    // combination (the peak a bit-packed inference can reach). Returns a checksum.
    [[nodiscard]] std::uint64_t popcount_sweep(const Eigen::MatrixXf& x, int threads = 1) const;

    [[nodiscard]] int n_columns() const { return n_columns_; }

private:
    struct PackedLayer {
        int k = 0, j = 0, groups = 0, words_per_group = 0, partition = 0;
        std::vector<std::uint64_t> w; // j × groups × words_per_group
        std::vector<int> n_in_group;  // columns of each group
        std::vector<int> pad_ones;    // floor((N − n_g)/2) per group
    };
    // Inference of samples [begin, end); writes predicted[s] and returns the number of flips.
    std::uint64_t run_range(const Eigen::MatrixXf& x, const ErrorModel& errors, std::uint64_t seed,
                            std::size_t begin, std::size_t end, int* predicted) const;

    BnnModel model_;
    int n_columns_;
    std::vector<PackedLayer> packed_; // one per layer; empty entry for a real layer
};

} // namespace spincim::network
