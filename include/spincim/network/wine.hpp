#pragma once
// The Wine classifier of seed 003 (Goodwill et al., "Implementation of a Binary Neural Network on
// a Passive Array of Magnetic Tunnel Junctions", Phys. Rev. Applied 18, 014039 (2022), Secs.
// II.A, II.C and II.D): a 13-6-3 network with weights in {-1, 0, +1}, tanh hidden layer and
// softmax output, trained offline; its mapping onto a 15 x 15 passive MTJ crossbar as pairs of
// excitatory/inhibitory devices; inference through the measured port-to-port conductances with a
// normalisation conductance g_norm (Eq. (2)) and the weight deviation Delta_RMS (Eq. (4)).
//
// Data: M. Forina et al., "Wine", UCI Machine Learning Repository (1991), 178 samples x 13
// attributes, 3 cultivars (netlists/data/wine.csv, made by scripts/make_wine_csv.py).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "spincim/data/dataset.hpp"

namespace spincim::network {

using data::Dataset;
using data::TrainTestSplit;

// A two-layer network with ternary weights: z1 = x W1 + b1, a = tanh(z1), z2 = a W2 + b2,
// p = softmax(z2). W1 is n_in x n_hidden, W2 n_hidden x n_out, entries in {-1, 0, +1}; the
// biases are real (seed 003 Sec. II.A: "adding a bias" after each VMM).
struct TernaryMlp {
    Eigen::MatrixXd w1;
    Eigen::VectorXd b1;
    Eigen::MatrixXd w2;
    Eigen::VectorXd b2;
    [[nodiscard]] int n_in() const { return static_cast<int>(w1.rows()); }
    [[nodiscard]] int n_hidden() const { return static_cast<int>(w1.cols()); }
    [[nodiscard]] int n_out() const { return static_cast<int>(w2.cols()); }
};

// Offline training (seed 003 Sec. II.A, "300 unique weight matrix solutions"): real-valued latent
// weights, forward pass with their ternarisation q(w) = sign(w) if |w| > threshold else 0, cross
// entropy loss, straight-through estimator dq/dw = 1 for |w| <= 1 (Courbariaux et al., NIPS 2016,
// Alg. 1; Li, Zhang & Liu, "Ternary Weight Networks", arXiv:1605.04711), latent weights clipped
// to [-1, 1], Adam (Kingma & Ba, ICLR 2015). The returned weights are those of the epoch with
// the highest training accuracy (lowest loss among ties).
struct TernaryTrainOptions {
    int hidden = 6;
    int epochs = 300;
    int batch_size = 16;
    double learning_rate = 0.01;
    double threshold = 0.5;  // ternarisation threshold on the latent weights
    double init_sigma = 0.5; // latent weights start as N(0, init_sigma^2)
};

// Trains solution number `solution` (its initialisation and shuffling come from
// RandomStream(seed, solution, "wine.init"/"wine.shuffle")).
[[nodiscard]] TernaryMlp train_ternary_mlp(const Dataset& train, const TernaryTrainOptions& options,
                                           std::uint64_t seed, std::uint64_t solution);

// Class scores z2 (samples x n_out) of the network with real-valued weight matrices u1 (n_in x
// n_hidden), u2 (n_hidden x n_out) and the biases of `net`. Passing net.w1/net.w2 gives the
// software network; passing the effective weights U^k of Eq. (2) gives the hardware inference.
[[nodiscard]] Eigen::MatrixXd mlp_scores(const Eigen::MatrixXd& x, const Eigen::MatrixXd& u1,
                                         const Eigen::VectorXd& b1, const Eigen::MatrixXd& u2,
                                         const Eigen::VectorXd& b2);
// Fraction of samples whose largest score is the label.
[[nodiscard]] double scores_accuracy(const Eigen::MatrixXd& scores, const std::vector<int>& y);
[[nodiscard]] double software_accuracy(const TernaryMlp& net, const Dataset& data);

// Seed 003 Sec. II.C, Fig. 3(b): the weight (i, n) of layer 1 is the device pair (row i, column
// 2n) = g_e and (row i, column 2n+1) = g_i ("left-right"); the weight (n, m) of layer 2 is the
// pair (row 2n, column 2H+m) = g_e and (row 2n+1, column 2H+m) = g_i ("up-down"), H = n_hidden.
// A weight +1 is (on, off), -1 (off, on), 0 (off, off); every other device stays off. For
// 13-6-3 this is rows 1-13 x columns 1-12 and rows 1-12 x columns 13-15 of a 15 x 15 array.
struct WineArrayLayout {
    std::size_t rows = 15;
    std::size_t cols = 15;
};

// Target states row-major (i * cols + j), true = on (P). InputError if the network does not fit.
[[nodiscard]] std::vector<bool> target_states(const TernaryMlp& net, const WineArrayLayout& layout);

// Effective dimensionless weights U^k = (G_e - G_i) / g_norm (seed 003 Eq. (2)) from a map of
// port-to-port conductances (S, row-major, layout.rows x layout.cols).
struct EffectiveWeights {
    Eigen::MatrixXd u1; // n_in x n_hidden
    Eigen::MatrixXd u2; // n_hidden x n_out
};
[[nodiscard]] EffectiveWeights effective_weights(const std::vector<double>& conductance,
                                                 const WineArrayLayout& layout, int n_in,
                                                 int n_hidden, int n_out, double g_norm);

// Seed 003 Eq. (4): Delta_RMS = sum_k sqrt(sum_ij (W^k_ij - U^k_ij)^2).
[[nodiscard]] double rms_deviation(const TernaryMlp& net, const EffectiveWeights& u);

// Accuracy and Delta_RMS of every solution at every g_norm (seed 003 Sec. II.D, Figs. 5(a,b)).
struct GnormSweep {
    std::vector<double> g_norm;                // S, the grid
    std::vector<std::vector<double>> accuracy; // [g_norm index][solution]
    std::vector<std::vector<double>> rms;      // [g_norm index][solution]
    std::vector<double> median_accuracy;       // per g_norm
    std::vector<double> median_rms;            // per g_norm
    // Grid index of the largest median accuracy (the first of equal maxima) and the contiguous
    // run of grid indices from it whose median equals that maximum (a plateau when the weights
    // can be scaled a little without changing any decision).
    std::size_t best_accuracy = 0;
    std::size_t best_accuracy_first = 0;
    std::size_t best_accuracy_last = 0;
    std::size_t best_rms = 0; // grid index of the smallest median Delta_RMS
    // xi_norm = g_norm(min RMS) / g_norm(max accuracy) (seed 003 Sec. II.D, Fig. 6(f)).
    [[nodiscard]] double xi_norm() const { return g_norm[best_rms] / g_norm[best_accuracy]; }
};

// `maps[s]` is the conductance map read from the array programmed with `nets[s]`; accuracy on
// `data`. Work is spread over `threads` threads (results do not depend on it).
[[nodiscard]] GnormSweep sweep_gnorm(const std::vector<TernaryMlp>& nets,
                                     const std::vector<std::vector<double>>& maps,
                                     const WineArrayLayout& layout, const Dataset& data,
                                     const std::vector<double>& g_norm, int threads = 1);

// Median of a vector (mean of the two middle values for an even count); 0 for an empty vector.
[[nodiscard]] double median(std::vector<double> values);

} // namespace spincim::network
