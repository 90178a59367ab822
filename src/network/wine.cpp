#include "spincim/network/wine.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <string_view>
#include <thread>

#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"

namespace spincim::network {

namespace {

Eigen::Index ix(std::size_t i) {
    return static_cast<Eigen::Index>(i);
}

// Ternarisation of the latent weights (Li, Zhang & Liu 2016, Eq. (5) with a fixed threshold).
Eigen::MatrixXd ternarize(const Eigen::MatrixXd& latent, double threshold) {
    return latent.unaryExpr(
        [threshold](double w) { return std::abs(w) > threshold ? (w > 0 ? 1.0 : -1.0) : 0.0; });
}

// Row-wise softmax in place (shifted by the row maximum for numerical safety).
void softmax_rows(Eigen::MatrixXd& z) {
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
        const double m = z.row(r).maxCoeff();
        z.row(r) = (z.row(r).array() - m).exp().matrix();
        z.row(r) /= z.row(r).sum();
    }
}

// Adam moment estimates for one parameter block (Kingma & Ba 2015, Algorithm 1).
struct AdamState {
    Eigen::MatrixXd m;
    Eigen::MatrixXd v;
    void init(Eigen::Index r, Eigen::Index c) {
        m = Eigen::MatrixXd::Zero(r, c);
        v = Eigen::MatrixXd::Zero(r, c);
    }
    template <class P, class G>
    void step(P& param, const G& grad, double lr, int t) {
        constexpr double beta1 = 0.9;
        constexpr double beta2 = 0.999;
        constexpr double eps = 1e-8;
        m = beta1 * m + (1 - beta1) * grad;
        v = beta2 * v + (1 - beta2) * grad.cwiseProduct(grad);
        const double c1 = 1 - std::pow(beta1, t);
        const double c2 = 1 - std::pow(beta2, t);
        param -= (lr * (m / c1).array() / ((v / c2).array().sqrt() + eps)).matrix();
    }
};

// Mean cross entropy and accuracy of the ternarised network on a whole data set.
std::pair<double, double> evaluate(const Eigen::MatrixXd& x, const std::vector<int>& y,
                                   const Eigen::MatrixXd& q1, const Eigen::VectorXd& b1,
                                   const Eigen::MatrixXd& q2, const Eigen::VectorXd& b2) {
    Eigen::MatrixXd p = mlp_scores(x, q1, b1, q2, b2);
    const double acc = scores_accuracy(p, y);
    softmax_rows(p);
    double loss = 0;
    for (std::size_t s = 0; s < y.size(); ++s)
        loss -= std::log(std::max(p(ix(s), y[s]), 1e-300));
    return {loss / static_cast<double>(y.size()), acc};
}

} // namespace

Eigen::MatrixXd mlp_scores(const Eigen::MatrixXd& x, const Eigen::MatrixXd& u1,
                           const Eigen::VectorXd& b1, const Eigen::MatrixXd& u2,
                           const Eigen::VectorXd& b2) {
    Eigen::MatrixXd a = x * u1;
    a.rowwise() += b1.transpose();
    a = a.array().tanh().matrix();
    Eigen::MatrixXd z = a * u2;
    z.rowwise() += b2.transpose();
    return z;
}

double scores_accuracy(const Eigen::MatrixXd& scores, const std::vector<int>& y) {
    if (y.empty())
        return 0.0;
    std::size_t correct = 0;
    for (std::size_t s = 0; s < y.size(); ++s) {
        Eigen::Index best = 0;
        scores.row(ix(s)).maxCoeff(&best);
        correct += best == y[s] ? 1U : 0U;
    }
    return static_cast<double>(correct) / static_cast<double>(y.size());
}

double software_accuracy(const TernaryMlp& net, const Dataset& data) {
    return scores_accuracy(mlp_scores(data.x.cast<double>(), net.w1, net.b1, net.w2, net.b2),
                           data.y);
}

TernaryMlp train_ternary_mlp(const Dataset& train, const TernaryTrainOptions& o, std::uint64_t seed,
                             std::uint64_t solution) {
    if (o.hidden < 1 || o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0) ||
        !(o.threshold >= 0 && o.threshold < 1) || !(o.init_sigma > 0))
        throw InputError("train_ternary_mlp: hidden, epochs, batch_size, learning_rate and "
                         "init_sigma must be positive and threshold in [0, 1)");
    if (train.size() == 0 || train.n_classes < 2)
        throw InputError("train_ternary_mlp: empty training set");
    const Eigen::MatrixXd x = train.x.cast<double>();
    const Eigen::Index n_in = x.cols();
    const Eigen::Index h = o.hidden;
    const Eigen::Index n_out = train.n_classes;
    const std::size_t n = train.size();

    RandomStream init(seed, solution, "wine.init");
    Eigen::MatrixXd l1(n_in, h);
    Eigen::MatrixXd l2(h, n_out);
    for (Eigen::Index i = 0; i < l1.size(); ++i)
        l1.data()[i] = std::clamp(init.normal(0.0, o.init_sigma), -1.0, 1.0);
    for (Eigen::Index i = 0; i < l2.size(); ++i)
        l2.data()[i] = std::clamp(init.normal(0.0, o.init_sigma), -1.0, 1.0);
    Eigen::VectorXd b1 = Eigen::VectorXd::Zero(h);
    Eigen::VectorXd b2 = Eigen::VectorXd::Zero(n_out);
    AdamState a1;
    AdamState a2;
    AdamState ab1;
    AdamState ab2;
    a1.init(n_in, h);
    a2.init(h, n_out);
    ab1.init(h, 1);
    ab2.init(n_out, 1);

    RandomStream shuffle(seed, solution, "wine.shuffle");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});

    TernaryMlp best;
    double best_acc = -1;
    double best_loss = std::numeric_limits<double>::infinity();
    int t = 0;
    const auto bs = static_cast<std::size_t>(o.batch_size);
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
        for (std::size_t i = n; i > 1; --i) {
            const auto k = static_cast<std::size_t>(shuffle.uniform() * static_cast<double>(i));
            std::swap(order[i - 1], order[std::min(k, i - 1)]);
        }
        for (std::size_t start = 0; start < n; start += bs) {
            const std::size_t m = std::min(bs, n - start);
            Eigen::MatrixXd xb(ix(m), n_in);
            Eigen::MatrixXd yb = Eigen::MatrixXd::Zero(ix(m), n_out);
            for (std::size_t r = 0; r < m; ++r) {
                xb.row(ix(r)) = x.row(ix(order[start + r]));
                yb(ix(r), train.y[order[start + r]]) = 1.0;
            }
            const Eigen::MatrixXd q1 = ternarize(l1, o.threshold);
            const Eigen::MatrixXd q2 = ternarize(l2, o.threshold);
            Eigen::MatrixXd a = xb * q1;
            a.rowwise() += b1.transpose();
            a = a.array().tanh().matrix();
            Eigen::MatrixXd p = a * q2;
            p.rowwise() += b2.transpose();
            softmax_rows(p);
            // Back-propagation of the mean cross entropy; dL/dz2 = (p - y) / m.
            const Eigen::MatrixXd dz2 = (p - yb) / static_cast<double>(m);
            const Eigen::MatrixXd dq2 = a.transpose() * dz2;
            const Eigen::VectorXd db2 = dz2.colwise().sum().transpose();
            const Eigen::MatrixXd dz1 =
                ((dz2 * q2.transpose()).array() * (1.0 - a.array().square())).matrix();
            const Eigen::MatrixXd dq1 = xb.transpose() * dz1;
            const Eigen::VectorXd db1 = dz1.colwise().sum().transpose();
            // Straight-through estimator: the gradient passes where |latent| <= 1.
            const Eigen::MatrixXd g1 = dq1.cwiseProduct(
                l1.unaryExpr([](double w) { return std::abs(w) <= 1 ? 1.0 : 0.0; }));
            const Eigen::MatrixXd g2 = dq2.cwiseProduct(
                l2.unaryExpr([](double w) { return std::abs(w) <= 1 ? 1.0 : 0.0; }));
            ++t;
            a1.step(l1, g1, o.learning_rate, t);
            a2.step(l2, g2, o.learning_rate, t);
            ab1.step(b1, db1, o.learning_rate, t);
            ab2.step(b2, db2, o.learning_rate, t);
            l1 = l1.cwiseMax(-1.0).cwiseMin(1.0);
            l2 = l2.cwiseMax(-1.0).cwiseMin(1.0);
        }
        const Eigen::MatrixXd q1 = ternarize(l1, o.threshold);
        const Eigen::MatrixXd q2 = ternarize(l2, o.threshold);
        const auto [loss, acc] = evaluate(x, train.y, q1, b1, q2, b2);
        if (acc > best_acc || (acc == best_acc && loss < best_loss)) {
            best_acc = acc;
            best_loss = loss;
            best = TernaryMlp{q1, b1, q2, b2};
        }
    }
    return best;
}

std::vector<bool> target_states(const TernaryMlp& net, const WineArrayLayout& layout) {
    const auto n_in = static_cast<std::size_t>(net.n_in());
    const auto h = static_cast<std::size_t>(net.n_hidden());
    const auto n_out = static_cast<std::size_t>(net.n_out());
    if (layout.rows < std::max(n_in, 2 * h) || layout.cols < 2 * h + n_out)
        throw InputError("a " + std::to_string(n_in) + "-" + std::to_string(h) + "-" +
                         std::to_string(n_out) + " network needs at least " +
                         std::to_string(std::max(n_in, 2 * h)) + " rows and " +
                         std::to_string(2 * h + n_out) + " columns, the array has " +
                         std::to_string(layout.rows) + " x " + std::to_string(layout.cols));
    std::vector<bool> on(layout.rows * layout.cols, false);
    const auto at = [&](std::size_t i, std::size_t j) { return i * layout.cols + j; };
    for (std::size_t i = 0; i < n_in; ++i)
        for (std::size_t k = 0; k < h; ++k) {
            const double w = net.w1(ix(i), ix(k));
            on[at(i, 2 * k)] = w > 0.5;
            on[at(i, 2 * k + 1)] = w < -0.5;
        }
    for (std::size_t k = 0; k < h; ++k)
        for (std::size_t m = 0; m < n_out; ++m) {
            const double w = net.w2(ix(k), ix(m));
            on[at(2 * k, 2 * h + m)] = w > 0.5;
            on[at(2 * k + 1, 2 * h + m)] = w < -0.5;
        }
    return on;
}

EffectiveWeights effective_weights(const std::vector<double>& g, const WineArrayLayout& layout,
                                   int n_in, int n_hidden, int n_out, double g_norm) {
    const auto ni = static_cast<std::size_t>(n_in);
    const auto h = static_cast<std::size_t>(n_hidden);
    const auto no = static_cast<std::size_t>(n_out);
    if (g.size() != layout.rows * layout.cols || layout.rows < std::max(ni, 2 * h) ||
        layout.cols < 2 * h + no || !(g_norm > 0))
        throw InputError("effective_weights: the conductance map must have rows x cols entries, "
                         "the network must fit and g_norm must be positive");
    const auto at = [&](std::size_t i, std::size_t j) { return g[i * layout.cols + j]; };
    EffectiveWeights u;
    u.u1.resize(n_in, n_hidden);
    u.u2.resize(n_hidden, n_out);
    for (std::size_t i = 0; i < ni; ++i)
        for (std::size_t k = 0; k < h; ++k)
            u.u1(ix(i), ix(k)) = (at(i, 2 * k) - at(i, 2 * k + 1)) / g_norm;
    for (std::size_t k = 0; k < h; ++k)
        for (std::size_t m = 0; m < no; ++m)
            u.u2(ix(k), ix(m)) = (at(2 * k, 2 * h + m) - at(2 * k + 1, 2 * h + m)) / g_norm;
    return u;
}

double rms_deviation(const TernaryMlp& net, const EffectiveWeights& u) {
    return (net.w1 - u.u1).norm() + (net.w2 - u.u2).norm();
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

GnormSweep sweep_gnorm(const std::vector<TernaryMlp>& nets,
                       const std::vector<std::vector<double>>& maps, const WineArrayLayout& layout,
                       const Dataset& data, const std::vector<double>& g_norm, int threads) {
    if (nets.size() != maps.size() || nets.empty() || g_norm.empty())
        throw InputError("sweep_gnorm: need one conductance map per network and a g_norm grid");
    GnormSweep s;
    s.g_norm = g_norm;
    s.accuracy.assign(g_norm.size(), std::vector<double>(nets.size(), 0.0));
    s.rms.assign(g_norm.size(), std::vector<double>(nets.size(), 0.0));
    const Eigen::MatrixXd x = data.x.cast<double>();
    const auto work = [&](std::size_t first, std::size_t step) {
        for (std::size_t k = first; k < nets.size(); k += step) {
            const TernaryMlp& net = nets[k];
            for (std::size_t gi = 0; gi < g_norm.size(); ++gi) {
                const EffectiveWeights u = effective_weights(
                    maps[k], layout, net.n_in(), net.n_hidden(), net.n_out(), g_norm[gi]);
                s.accuracy[gi][k] =
                    scores_accuracy(mlp_scores(x, u.u1, net.b1, u.u2, net.b2), data.y);
                s.rms[gi][k] = rms_deviation(net, u);
            }
        }
    };
    const auto nt = static_cast<std::size_t>(std::max(1, threads));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < nt; ++t)
        pool.emplace_back(work, t, nt);
    work(0, nt);
    for (auto& th : pool)
        th.join();
    for (std::size_t gi = 0; gi < g_norm.size(); ++gi) {
        s.median_accuracy.push_back(median(s.accuracy[gi]));
        s.median_rms.push_back(median(s.rms[gi]));
    }
    const auto amax = std::max_element(s.median_accuracy.begin(), s.median_accuracy.end());
    s.best_accuracy = static_cast<std::size_t>(amax - s.median_accuracy.begin());
    s.best_accuracy_first = s.best_accuracy;
    s.best_accuracy_last = s.best_accuracy;
    while (s.best_accuracy_last + 1 < g_norm.size() &&
           s.median_accuracy[s.best_accuracy_last + 1] == *amax)
        ++s.best_accuracy_last;
    s.best_rms = static_cast<std::size_t>(
        std::min_element(s.median_rms.begin(), s.median_rms.end()) - s.median_rms.begin());
    return s;
}

} // namespace spincim::network
