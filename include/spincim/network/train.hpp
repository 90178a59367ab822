#pragma once
// Training of the partitioned BNN (straight-through estimator) and of a float MLP of the same
// shape, in C++ with Eigen. Deterministic: every random draw comes from spincim::RandomStream.
//
// BNN training follows Courbariaux, Hubara et al., "Binarized Neural Networks" (NIPS 2016),
// Algorithm 1: real-valued latent weights clipped to [−1, 1], forward pass with sign(latent),
// batch normalisation before every sign, straight-through estimator (STE) ∂sign(u)/∂u ≈ 1_{|u|≤1},
// Adam (Kingma & Ba, ICLR 2015). The forward pass reproduces the array partitioning exactly:
// each column group's partial sum p_g is binarised (sense amplifier) before the digital sum, so
// the software baseline is the partitioned network. The STE through the sense amplifier uses the
// natural scale of a partial sum of n_g ±1 products, √n_g: ∂b_g/∂p_g ≈ 1_{|p_g|≤√n_g}/√n_g.

#include <cstdint>
#include <vector>

#include "spincim/data/dataset.hpp"
#include "spincim/network/bnn_model.hpp"

namespace spincim::network {

// Names of the layers below that the network code uses as its own.
using data::Dataset;
using data::load_digits_csv;
using data::load_mnist_idx;
using data::load_wine_csv;
using data::random_split;
using data::split_every;
using data::subset;
using data::TrainTestSplit;

struct TrainOptions {
    int epochs = 20;
    int batch_size = 16;
    double learning_rate = 1e-2; // Adam step for latent weights and BN parameters
    double lr_decay = 0.9;       // learning rate multiplied by this after every epoch
    double bn_epsilon = 1e-4;
    std::uint64_t seed = 1; // shuffling and weight initialisation
};

// Trains a BNN with layer widths n_inputs → hidden[0] → … → n_classes. The first layer takes the
// real-valued features, later layers are binary and partitioned with width `partition`
// (0 = unpartitioned). Batch-norm statistics are recomputed over the whole training set with the
// final weights and folded into thresholds (sign layers) or scale/offset (score layer).
[[nodiscard]] BnnModel train_bnn(const Dataset& train, const std::vector<int>& hidden,
                                 int partition, const TrainOptions& options);

// Float MLP of the same shape (ReLU hidden layers, softmax output), the full-precision reference.
struct FloatMlp {
    std::vector<Eigen::MatrixXf> w; // layer l: J×K
    std::vector<Eigen::VectorXf> b;
    [[nodiscard]] std::vector<int> predict(const Eigen::MatrixXf& x) const;
};

[[nodiscard]] FloatMlp train_float_mlp(const Dataset& train, const std::vector<int>& hidden,
                                       const TrainOptions& options);

} // namespace spincim::network
