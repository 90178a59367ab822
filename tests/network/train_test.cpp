#include <catch2/catch.hpp>

#include "spincim/network/hardware.hpp"
#include "spincim/network/metrics.hpp"
#include "spincim/network/train.hpp"

#include "test_util.hpp"

using namespace spincim;
using namespace spincim::network;

namespace {

const std::string digits_path = std::string(SPINCIM_SOURCE_DIR) + "/netlists/data/digits8x8.csv";

// The test network: 64 real inputs → 256 → 256 → 10, binary layers partitioned for N = 64
// (4 column groups per neuron), default training options (20 epochs, ~3 s).
constexpr int n_columns = 64;
const std::vector<int> hidden = {256, 256};

struct Trained {
    TrainTestSplit data;
    BnnModel model;
};

Trained train_digits() {
    Trained t{split_every(load_digits_csv(digits_path), 4), {}};
    t.model = train_bnn(t.data.train, hidden, n_columns, TrainOptions{});
    return t;
}

MeanCi accuracy_over_seeds(const HardwareNetwork& hw, const Dataset& test, const ErrorModel& e,
                           int repeats, double* flip_rate = nullptr) {
    std::vector<double> acc;
    std::uint64_t flips = 0;
    std::uint64_t rows = 0;
    for (int r = 0; r < repeats; ++r) {
        const HardwareRun run = hw.infer(test.x, e, 1000 + static_cast<std::uint64_t>(r), 2);
        acc.push_back(accuracy(run.predicted, test.y));
        flips += run.flips;
        rows += run.row_evaluations;
    }
    if (flip_rate != nullptr) {
        *flip_rate = static_cast<double>(flips) / static_cast<double>(rows);
    }
    return mean_ci95(acc);
}

} // namespace

TEST_CASE("digits: partitioned BNN within 5 points of the float MLP of the same shape") {
    const TrainTestSplit data = split_every(load_digits_csv(digits_path), 4);
    const BnnModel bnn = train_bnn(data.train, hidden, n_columns, TrainOptions{});
    const FloatMlp mlp = train_float_mlp(data.train, hidden, TrainOptions{});
    const double bnn_acc = accuracy(predict_software(bnn, data.test.x), data.test.y);
    const double mlp_acc = accuracy(mlp.predict(data.test.x), data.test.y);
    WARN("digits test accuracy (449 samples): partitioned BNN (N = 64) "
         << bnn_acc << ", float MLP " << mlp_acc);
    // Issue 6 acceptance 3: the BNN within 5 points of the float model.
    CHECK(bnn_acc >= mlp_acc - 0.05);
    // A float MLP on the 8×8 digits reaches ~97–98 % (scikit-learn documentation examples);
    // anything below 95 % would mean the reference itself is broken.
    CHECK(mlp_acc >= 0.95);
}

TEST_CASE("RER ≡ 0 equals software bit for bit and RER ≡ 0.5 falls to chance") {
    const Trained t = train_digits();
    const HardwareNetwork hw(t.model, n_columns);
    const auto sw = predict_software(t.model, t.data.test.x);
    // Acceptance 1a: identical predictions, sample by sample.
    const HardwareRun zero =
        hw.infer(t.data.test.x, ErrorModel::per_k(constant_rer_table(n_columns, 0.0)), 5, 2);
    CHECK(zero.predicted == sw);
    CHECK(zero.flips == 0);
    // Acceptance 1b: every array output a coin flip → predictions independent of the label;
    // the test set is balanced over 10 classes, so accuracy = 10 % (±3 points).
    const MeanCi half = accuracy_over_seeds(
        hw, t.data.test, ErrorModel::per_k(constant_rer_table(n_columns, 0.5)), 5);
    WARN("RER = 0.5: accuracy " << half.mean << " [" << half.ci_low << ", " << half.ci_high << "]");
    CHECK_THAT(half.mean, Catch::Matchers::WithinAbs(0.10, 0.03));
}

TEST_CASE("accuracy does not increase with AER, per-k vs flat-AER injection") {
    const Trained t = train_digits();
    const HardwareNetwork hw(t.model, n_columns);
    const double sw = accuracy(predict_software(t.model, t.data.test.x), t.data.test.y);
    WARN("software accuracy (no errors) " << sw);
    // Compared between successive synthetic tables (acceptance 2). The error-free software
    // accuracy is not a bound for a single noisy table: at small AER a few flips can turn a
    // wrong prediction right, and the mean over 5 seeds can sit above it within its CI.
    double previous_per_k = 1.0;
    double previous_flat = 1.0;
    double previous_aer = 0.0;
    // Synthetic sense-amplifier noise σ (popcount units): AER grows with σ.
    for (const double sigma : {0.5, 1.0, 2.0, 4.0, 8.0}) {
        const CrerTable table = testing::gaussian_table(n_columns, sigma);
        const double aer = table.aer();
        REQUIRE(aer > previous_aer);
        double flip_rate = 0.0;
        const MeanCi per_k =
            accuracy_over_seeds(hw, t.data.test, ErrorModel::per_k(table), 5, &flip_rate);
        const MeanCi flat =
            accuracy_over_seeds(hw, t.data.test, ErrorModel::flat(n_columns, aer), 5);
        WARN("sigma " << sigma << ": AER " << aer << ", per-k flip rate " << flip_rate
                      << ", accuracy per-k " << per_k.mean << " [" << per_k.ci_low << ", "
                      << per_k.ci_high << "], flat " << flat.mean << " [" << flat.ci_low << ", "
                      << flat.ci_high << "]");
        // Acceptance 2a: non-increasing in AER (both injection methods).
        CHECK(per_k.mean <= previous_per_k);
        CHECK(flat.mean <= previous_flat);
        // Acceptance 2b, expected direction: per-k injection flips rows only near the sense
        // threshold, where a flip moves the digital sum least and which a trained network
        // visits less often than the binomial C(N,k)/2^N weighting of eq. (9) assumes; so the
        // per-k accuracy is at least the flat-AER accuracy.
        CHECK(per_k.mean >= flat.mean);
        previous_per_k = per_k.mean;
        previous_flat = flat.mean;
        previous_aer = aer;
    }
}

TEST_CASE("training is deterministic and a saved model predicts the same") {
    const TrainTestSplit data = split_every(load_digits_csv(digits_path), 4);
    TrainOptions o;
    o.epochs = 2;
    const BnnModel a = train_bnn(data.train, {64}, 32, o);
    const BnnModel b = train_bnn(data.train, {64}, 32, o);
    REQUIRE(a.layers.size() == 2);
    CHECK(a.layers[0].w == b.layers[0].w);
    CHECK(a.layers[1].w == b.layers[1].w);
    CHECK(a.layers[0].p0 == b.layers[0].p0);
    CHECK(a.layers[1].p1 == b.layers[1].p1);
    const std::string path = testing::scratch("trained.bnn");
    save_model(a, path);
    CHECK(predict_software(load_model(path), data.test.x) == predict_software(a, data.test.x));
    o.seed = 2;
    const BnnModel c = train_bnn(data.train, {64}, 32, o);
    CHECK_FALSE(c.layers[0].w == a.layers[0].w);
}
