#pragma once
// Binary neural network (BNN) model: fully connected layers with ±1 weights and ±1 activations,
// batch normalisation folded into per-neuron thresholds (Courbariaux, Hubara et al., "Binarized
// Neural Networks", NIPS 2016, Sec. 1.1 and 2.5), partitioned the way it is mapped onto M×N STT-BNN
// sub-arrays (seed 001, Sec. III-A and Tables II–III).
//
// Layer semantics (x = layer input, W = J×K weight matrix, entries ±1):
//
//  * `real` input layer (only the first layer may be one): a_j = Σ_i W_ji x_i in full precision,
//    computed digitally (seed 001 Table II, layer 1: "-", not mapped onto the array).
//  * `binary` input layer with partition width P > 0: the K inputs are split into G = ceil(K/P)
//    column groups g = [gP, min(gP+P, K)) of n_g columns. Each group is one sub-array row: its
//    XNOR-popcount k_g = #{i in g : W_ji = x_i} is binarised by the sense amplifier,
//    b_g = +1 if 2·k_g ≥ n_g else −1 (seed 001 eq. (6): OUT = +1 iff V_SL ≥ V_SL,50%, i.e. at least
//    half of the XNOR outputs are +1). The groups are combined digitally by summing the binary
//    partial results: a_j = Σ_g b_g ∈ {−G, …, G}.
//  * `binary` input layer with P = 0 (unpartitioned, software only): a_j = Σ_i W_ji x_i = 2k − K.
//
//  Output of a `sign` layer: y_j = +1 iff dir_j·(a_j − θ_j) ≥ 0, else −1 (batch norm folded:
//  γ(a−μ)/σ + β ≥ 0 ⇔ a ≥ μ − βσ/γ for γ > 0, direction reversed for γ < 0).
//  Output of the last (`score`) layer: class score_j = scale_j·a_j + offset_j; the predicted class
//  is the first index of the largest score.
//
// Model file format (text, UTF-8/ASCII, '#' starts a comment, blank lines ignored):
//
//     spincim-bnn 1                 magic and format version
//     partition P                   column-group width of binary layers (0 = unpartitioned)
//     layer IN K J OUT              IN: real|binary, OUT: sign|score (score only on the last layer)
//     <J lines of K weights>        each weight the integer 1 or -1 (also written +1), separated by
//                                   blanks; line j holds the weights of output neuron j
//     <J lines of 2 numbers>        OUT = sign:  theta_j dir_j   (dir_j is 1 or -1)
//                                   OUT = score: scale_j offset_j
//     ... more `layer` blocks ...
//     end
//
// Rules checked by load_model(): layer 1 may be real or binary, later layers are binary; each
// layer's K equals the previous layer's J; every layer but the last is `sign`, the last is
// `score`; numbers are finite. Violations, truncated files and non-±1 weights throw InputError
// naming the file, line and column.

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "spincim/core/error.hpp"

namespace spincim::network {

enum class LayerInput { real, binary };
enum class LayerOutput { sign, score };

struct BnnLayer {
    LayerInput input = LayerInput::binary;
    LayerOutput output = LayerOutput::sign;
    // J×K, entries exactly +1 or −1 (int8 to keep memory small for 2048×2048 layers).
    Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> w;
    // sign layers: threshold θ_j and direction dir_j (±1); score layers: scale_j and offset_j.
    std::vector<double> p0;
    std::vector<double> p1;
    // Where K and J were read (file, line, column) when the layer came from load_model(); empty
    // otherwise. Lets a caller that checks the shape against a data set point at the number.
    SourceLocation k_source;
    SourceLocation j_source;

    [[nodiscard]] int k() const { return static_cast<int>(w.cols()); }
    [[nodiscard]] int j() const { return static_cast<int>(w.rows()); }
};

struct BnnModel {
    int partition = 0; // column-group width P of binary layers, 0 = unpartitioned
    std::vector<BnnLayer> layers;
    SourceLocation partition_source; // where P was read (load_model), else empty

    [[nodiscard]] int n_inputs() const { return layers.empty() ? 0 : layers.front().k(); }
    [[nodiscard]] int n_classes() const { return layers.empty() ? 0 : layers.back().j(); }
    // Throws InputError (with `source` as file name) when the model breaks a rule above.
    void validate(const std::string& source = {}) const;
};

// Number of column groups G = ceil(K/P) of a binary layer (1 when P = 0).
[[nodiscard]] int group_count(int k, int partition);

// Sense-amplifier decision of one group (seed 001 eq. (6)): +1 iff 2·k ≥ n.
[[nodiscard]] inline int sense_amp(int popcount, int n_columns) {
    return 2 * popcount >= n_columns ? 1 : -1;
}

// Digital combination of a sign layer: +1 iff dir·(a − θ) ≥ 0.
[[nodiscard]] inline int threshold_neuron(double a, double theta, double dir) {
    return dir * (a - theta) >= 0.0 ? 1 : -1;
}

// First-layer pre-activations of a real layer for one sample (double precision, the same
// arithmetic in the software and the hardware model so that they agree bit for bit).
void real_layer_preactivation(const BnnLayer& layer, const float* x, double* a);

// Index of the largest class score (first one on ties).
[[nodiscard]] int argmax_score(const BnnLayer& score_layer, const double* a);

// Reference (straightforward, not bit-packed) software inference of the partitioned network.
[[nodiscard]] std::vector<int> predict_software(const BnnModel& model, const Eigen::MatrixXf& x);

// Fraction of predictions equal to the labels.
[[nodiscard]] double accuracy(const std::vector<int>& predicted, const std::vector<int>& labels);

void save_model(const BnnModel& model, const std::string& path);
[[nodiscard]] BnnModel load_model(const std::string& path);

} // namespace spincim::network
