#include "spincim/network/train.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"

namespace spincim::network {

namespace {

using Mat = Eigen::MatrixXf;
using Vec = Eigen::VectorXf;
using RowVec = Eigen::RowVectorXf;

// Adam optimiser state for one parameter block (Kingma & Ba, ICLR 2015, Algorithm 1 with the
// bias corrections folded into the step size).
struct Adam {
    Mat m;
    Mat v;
    void init(Eigen::Index rows, Eigen::Index cols) {
        m = Mat::Zero(rows, cols);
        v = Mat::Zero(rows, cols);
    }
    void step(Mat& param, const Mat& grad, double lr, int t) {
        constexpr float b1 = 0.9F;
        constexpr float b2 = 0.999F;
        constexpr float eps = 1e-8F;
        m = b1 * m + (1.0F - b1) * grad;
        v = b2 * v + (1.0F - b2) * grad.cwiseProduct(grad);
        const double c1 = 1.0 - std::pow(0.9, t);
        const double c2 = 1.0 - std::pow(0.999, t);
        const auto alpha = static_cast<float>(lr * std::sqrt(c2) / c1);
        param.array() -= alpha * m.array() / (v.array().sqrt() + eps);
    }
};

void check_shape(const Dataset& train, const std::vector<int>& hidden) {
    if (train.size() == 0 || train.n_features() == 0 || train.n_classes < 2) {
        throw InputError("training set is empty or has fewer than two classes");
    }
    for (int h : hidden) {
        if (h <= 0) {
            throw InputError("hidden layer width must be positive, got " + std::to_string(h));
        }
    }
}

std::vector<int> layer_widths(const Dataset& train, const std::vector<int>& hidden) {
    std::vector<int> widths{train.n_features()};
    widths.insert(widths.end(), hidden.begin(), hidden.end());
    widths.push_back(train.n_classes);
    return widths;
}

// Fisher–Yates shuffle driven by a RandomStream.
std::vector<std::size_t> shuffled(std::size_t n, std::uint64_t seed, std::uint64_t epoch) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    RandomStream rng(seed, epoch, "train_shuffle");
    for (std::size_t i = n; i > 1; --i) {
        const auto j = static_cast<std::size_t>(rng.next() % i);
        std::swap(order[i - 1], order[j]);
    }
    return order;
}

Mat gather_rows(const Mat& x, const std::vector<std::size_t>& order, std::size_t b, std::size_t e) {
    Mat out(static_cast<Eigen::Index>(e - b), x.cols());
    for (std::size_t r = b; r < e; ++r) {
        out.row(static_cast<Eigen::Index>(r - b)) = x.row(static_cast<Eigen::Index>(order[r]));
    }
    return out;
}

// Softmax cross-entropy gradient with respect to the logits, averaged over the batch.
Mat softmax_xent_grad(const Mat& logits, const std::vector<int>& y,
                      const std::vector<std::size_t>& order, std::size_t b) {
    Mat g(logits.rows(), logits.cols());
    for (Eigen::Index r = 0; r < logits.rows(); ++r) {
        const float mx = logits.row(r).maxCoeff();
        RowVec e = (logits.row(r).array() - mx).exp().matrix();
        e /= e.sum();
        e(y[order[b + static_cast<std::size_t>(r)]]) -= 1.0F;
        g.row(r) = e / static_cast<float>(logits.rows());
    }
    return g;
}

inline float sign_of(float v) {
    return v >= 0.0F ? 1.0F : -1.0F;
}

struct BinLayer {
    bool real = false;
    Mat wr;          // latent weights J×K in [−1, 1]
    Mat gamma, beta; // 1×J batch-norm affine parameters
    Adam opt_w, opt_g, opt_b;
    // Saved for the backward pass.
    Mat in, wb, ahat, z;
    std::vector<Mat> partial;
    RowVec sigma;
};

// Pre-activation of one layer: full product for real or unpartitioned layers, sum of the
// sense-amplified group partial sums otherwise (seed 001 eq. 6 applied per column group).
Mat preactivation(const Mat& in, const Mat& wb, bool real, int partition,
                  std::vector<Mat>* partial_out) {
    if (real || partition <= 0) {
        return in * wb.transpose();
    }
    const auto k = static_cast<int>(in.cols());
    Mat a = Mat::Zero(in.rows(), wb.rows());
    if (partial_out != nullptr) {
        partial_out->clear();
    }
    for (int g0 = 0; g0 < k; g0 += partition) {
        const int n = std::min(partition, k - g0);
        Mat p = in.middleCols(g0, n) * wb.middleCols(g0, n).transpose();
        a += p.unaryExpr([](float v) { return sign_of(v); });
        if (partial_out != nullptr) {
            partial_out->push_back(std::move(p));
        }
    }
    return a;
}

} // namespace

BnnModel train_bnn(const Dataset& train, const std::vector<int>& hidden, int partition,
                   const TrainOptions& opt) {
    check_shape(train, hidden);
    if (partition < 0) {
        throw InputError("partition width must be ≥ 0, got " + std::to_string(partition));
    }
    const std::vector<int> widths = layer_widths(train, hidden);
    const std::size_t n_layers = widths.size() - 1;
    const auto eps = static_cast<float>(opt.bn_epsilon);

    std::vector<BinLayer> layers(n_layers);
    RandomStream init(opt.seed, 0, "bnn_init");
    for (std::size_t l = 0; l < n_layers; ++l) {
        BinLayer& L = layers[l];
        L.real = l == 0;
        L.wr.resize(widths[l + 1], widths[l]);
        for (Eigen::Index i = 0; i < L.wr.size(); ++i) {
            L.wr.data()[i] = static_cast<float>(init.uniform() * 2.0 - 1.0);
        }
        L.gamma = Mat::Ones(1, widths[l + 1]);
        L.beta = Mat::Zero(1, widths[l + 1]);
        L.opt_w.init(L.wr.rows(), L.wr.cols());
        L.opt_g.init(1, widths[l + 1]);
        L.opt_b.init(1, widths[l + 1]);
    }

    int step = 0;
    double lr = opt.learning_rate;
    const std::size_t n = train.size();
    const auto bs = static_cast<std::size_t>(std::max(1, opt.batch_size));
    for (int epoch = 0; epoch < opt.epochs; ++epoch) {
        const auto order = shuffled(n, opt.seed, static_cast<std::uint64_t>(epoch));
        for (std::size_t b = 0; b < n; b += bs) {
            const std::size_t e = std::min(n, b + bs);
            if (e - b < 2) {
                continue; // batch norm needs two samples
            }
            ++step;
            Mat h = gather_rows(train.x, order, b, e);
            // Forward pass.
            for (std::size_t l = 0; l < n_layers; ++l) {
                BinLayer& L = layers[l];
                L.in = h;
                L.wb = L.wr.unaryExpr([](float v) { return sign_of(v); });
                const Mat a = preactivation(L.in, L.wb, L.real, partition, &L.partial);
                const RowVec mu = a.colwise().mean();
                const Mat centred = a.rowwise() - mu;
                const RowVec var = centred.cwiseProduct(centred).colwise().mean();
                L.sigma = (var.array() + eps).sqrt().matrix();
                L.ahat = centred.array().rowwise() / L.sigma.array();
                L.z = (L.ahat.array().rowwise() * L.gamma.row(0).array()).rowwise() +
                      L.beta.row(0).array();
                if (l + 1 < n_layers) {
                    h = L.z.unaryExpr([](float v) { return sign_of(v); });
                }
            }
            // Backward pass.
            Mat dz = softmax_xent_grad(layers.back().z, train.y, order, b);
            for (std::size_t l = n_layers; l-- > 0;) {
                BinLayer& L = layers[l];
                if (l + 1 < n_layers) {
                    // STE of the activation sign: pass the gradient where |z| ≤ 1.
                    dz = dz.cwiseProduct(
                        L.z.unaryExpr([](float v) { return std::abs(v) <= 1.0F ? 1.0F : 0.0F; }));
                }
                const Mat dgamma = dz.cwiseProduct(L.ahat).colwise().sum();
                const Mat dbeta = dz.colwise().sum();
                // Batch-norm backward (Ioffe & Szegedy, ICML 2015, Sec. 3).
                const Mat dah = dz.array().rowwise() * L.gamma.row(0).array();
                const RowVec m1 = dah.colwise().mean();
                const RowVec m2 = dah.cwiseProduct(L.ahat).colwise().mean();
                Mat da = ((dah.rowwise() - m1) - (L.ahat.array().rowwise() * m2.array()).matrix())
                             .array()
                             .rowwise() /
                         L.sigma.array();
                Mat dw(L.wb.rows(), L.wb.cols());
                Mat dh;
                const bool need_dh = l > 0;
                if (L.real || partition <= 0) {
                    dw = da.transpose() * L.in;
                    if (need_dh) {
                        dh = da * L.wb;
                    }
                } else {
                    if (need_dh) {
                        dh.resize(L.in.rows(), L.in.cols());
                    }
                    const auto k = static_cast<int>(L.in.cols());
                    std::size_t g = 0;
                    for (int g0 = 0; g0 < k; g0 += partition, ++g) {
                        const int cols = std::min(partition, k - g0);
                        // STE of the sense amplifier: hardtanh(p/√n) surrogate.
                        const float c = std::sqrt(static_cast<float>(cols));
                        const Mat dp = da.cwiseProduct(L.partial[g].unaryExpr(
                            [c](float v) { return std::abs(v) <= c ? 1.0F / c : 0.0F; }));
                        dw.middleCols(g0, cols) = dp.transpose() * L.in.middleCols(g0, cols);
                        if (need_dh) {
                            dh.middleCols(g0, cols) = dp * L.wb.middleCols(g0, cols);
                        }
                    }
                }
                L.opt_w.step(L.wr, dw, lr, step);
                L.wr = L.wr.cwiseMax(-1.0F).cwiseMin(1.0F);
                L.opt_g.step(L.gamma, dgamma, lr, step);
                L.opt_b.step(L.beta, dbeta, lr, step);
                if (need_dh) {
                    dz = std::move(dh);
                }
            }
        }
        lr *= opt.lr_decay;
    }

    // Fold: population statistics of every pre-activation over the training set with the final
    // binary weights, then γ(a − μ)/σ + β folded into θ = μ − βσ/γ (sign layers) or into
    // scale = γ/σ, offset = β − γμ/σ (score layer).
    BnnModel model;
    model.partition = partition;
    Mat h = train.x;
    for (std::size_t l = 0; l < n_layers; ++l) {
        BinLayer& L = layers[l];
        const Mat wb = L.wr.unaryExpr([](float v) { return sign_of(v); });
        const Mat a = preactivation(h, wb, L.real, partition, nullptr);
        const Eigen::RowVectorXd mu = a.cast<double>().colwise().mean();
        const Eigen::MatrixXd centred = a.cast<double>().rowwise() - mu;
        const Eigen::RowVectorXd var = centred.cwiseProduct(centred).colwise().mean();
        BnnLayer out;
        out.input = L.real ? LayerInput::real : LayerInput::binary;
        out.output = l + 1 < n_layers ? LayerOutput::sign : LayerOutput::score;
        out.w = wb.cast<std::int8_t>();
        const auto j = static_cast<std::size_t>(wb.rows());
        out.p0.resize(j);
        out.p1.resize(j);
        Mat next(a.rows(), a.cols());
        for (std::size_t jj = 0; jj < j; ++jj) {
            const auto c = static_cast<Eigen::Index>(jj);
            const double sigma = std::sqrt(var(c) + opt.bn_epsilon);
            const double g = L.gamma(0, c);
            const double be = L.beta(0, c);
            if (out.output == LayerOutput::score) {
                out.p0[jj] = g / sigma;
                out.p1[jj] = be - g * mu(c) / sigma;
                continue;
            }
            if (g == 0.0) {
                // Constant output sign(β): a threshold beyond any reachable pre-activation.
                out.p0[jj] = be >= 0.0 ? -1e30 : 1e30;
                out.p1[jj] = 1.0;
            } else {
                out.p0[jj] = mu(c) - be * sigma / g;
                out.p1[jj] = g > 0.0 ? 1.0 : -1.0;
            }
            for (Eigen::Index r = 0; r < a.rows(); ++r) {
                next(r, c) = static_cast<float>(threshold_neuron(a(r, c), out.p0[jj], out.p1[jj]));
            }
        }
        model.layers.push_back(std::move(out));
        h = std::move(next);
    }
    model.validate();
    return model;
}

std::vector<int> FloatMlp::predict(const Eigen::MatrixXf& x) const {
    Mat h = x;
    for (std::size_t l = 0; l < w.size(); ++l) {
        h = (h * w[l].transpose()).rowwise() + b[l].transpose();
        if (l + 1 < w.size()) {
            h = h.cwiseMax(0.0F);
        }
    }
    std::vector<int> out(static_cast<std::size_t>(h.rows()));
    for (Eigen::Index r = 0; r < h.rows(); ++r) {
        Eigen::Index best = 0;
        h.row(r).maxCoeff(&best);
        out[static_cast<std::size_t>(r)] = static_cast<int>(best);
    }
    return out;
}

FloatMlp train_float_mlp(const Dataset& train, const std::vector<int>& hidden,
                         const TrainOptions& opt) {
    check_shape(train, hidden);
    const std::vector<int> widths = layer_widths(train, hidden);
    const std::size_t n_layers = widths.size() - 1;
    FloatMlp net;
    std::vector<Mat> bias(n_layers);
    std::vector<Adam> opt_w(n_layers);
    std::vector<Adam> opt_b(n_layers);
    RandomStream init(opt.seed, 0, "mlp_init");
    for (std::size_t l = 0; l < n_layers; ++l) {
        // He initialisation for ReLU layers (He et al., ICCV 2015, eq. 10).
        const double sd = std::sqrt(2.0 / widths[l]);
        Mat w(widths[l + 1], widths[l]);
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            w.data()[i] = static_cast<float>(init.normal(0.0, sd));
        }
        net.w.push_back(std::move(w));
        bias[l] = Mat::Zero(1, widths[l + 1]);
        opt_w[l].init(widths[l + 1], widths[l]);
        opt_b[l].init(1, widths[l + 1]);
    }
    int step = 0;
    double lr = opt.learning_rate;
    const std::size_t n = train.size();
    const auto bs = static_cast<std::size_t>(std::max(1, opt.batch_size));
    std::vector<Mat> acts(n_layers + 1);
    for (int epoch = 0; epoch < opt.epochs; ++epoch) {
        const auto order = shuffled(n, opt.seed, static_cast<std::uint64_t>(epoch));
        for (std::size_t b = 0; b < n; b += bs) {
            const std::size_t e = std::min(n, b + bs);
            ++step;
            acts[0] = gather_rows(train.x, order, b, e);
            for (std::size_t l = 0; l < n_layers; ++l) {
                Mat z = (acts[l] * net.w[l].transpose()).rowwise() + bias[l].row(0);
                acts[l + 1] = l + 1 < n_layers ? Mat(z.cwiseMax(0.0F)) : z;
            }
            Mat d = softmax_xent_grad(acts[n_layers], train.y, order, b);
            for (std::size_t l = n_layers; l-- > 0;) {
                const Mat dw = d.transpose() * acts[l];
                const Mat db = d.colwise().sum();
                if (l > 0) {
                    d = (d * net.w[l]).cwiseProduct(acts[l].unaryExpr([](float v) {
                        return v > 0.0F ? 1.0F : 0.0F;
                    }));
                }
                opt_w[l].step(net.w[l], dw, lr, step);
                opt_b[l].step(bias[l], db, lr, step);
            }
        }
        lr *= opt.lr_decay;
    }
    for (std::size_t l = 0; l < n_layers; ++l) {
        net.b.emplace_back(bias[l].row(0).transpose());
    }
    return net;
}

} // namespace spincim::network
