#include <bit>
#include <cmath>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/network/hardware.hpp"

#include "test_util.hpp"

using namespace spincim;
using namespace spincim::network;

namespace {

// A random network (weights ±1, thresholds near the centre of each pre-activation range).
BnnModel random_model(std::vector<int> widths, int partition, bool real_first, std::uint64_t seed) {
    RandomStream rng(seed, 0, "random_model");
    BnnModel m;
    m.partition = partition;
    for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
        BnnLayer layer;
        layer.input = l == 0 && real_first ? LayerInput::real : LayerInput::binary;
        layer.output = l + 2 == widths.size() ? LayerOutput::score : LayerOutput::sign;
        layer.w.resize(widths[l + 1], widths[l]);
        for (Eigen::Index i = 0; i < layer.w.size(); ++i) {
            layer.w.data()[i] = rng.uniform() < 0.5 ? std::int8_t{1} : std::int8_t{-1};
        }
        for (int j = 0; j < widths[l + 1]; ++j) {
            if (layer.output == LayerOutput::sign) {
                layer.p0.push_back(std::round(rng.normal(0.0, 1.0)));
                layer.p1.push_back(rng.uniform() < 0.8 ? 1.0 : -1.0);
            } else {
                layer.p0.push_back(1.0 + rng.uniform());
                layer.p1.push_back(rng.normal(0.0, 0.5));
            }
        }
        m.layers.push_back(std::move(layer));
    }
    return m;
}

Eigen::MatrixXf random_inputs(int n, int k, std::uint64_t seed) {
    RandomStream rng(seed, 1, "inputs");
    Eigen::MatrixXf x(n, k);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        x.data()[i] = static_cast<float>(rng.uniform());
    }
    return x;
}

} // namespace

TEST_CASE("sub-array counts equal seed 001 Table II and the FC rows of Table III") {
    // Table II (MLP on MNIST): layers 2–3 are 2048×2048, layer 4 is 2048×10.
    const std::vector<std::pair<int, std::vector<long long>>> table2 = {{2048, {64, 256, 1024}},
                                                                        {10, {8, 16, 32}}};
    const int sizes[] = {256, 128, 64};
    for (const auto& [j, counts] : table2) {
        for (std::size_t s = 0; s < 3; ++s) {
            CHECK(subarray_count(2048, j, sizes[s], sizes[s]) == counts[s]);
        }
    }
    // Table III, fully connected layers 7–9: 8192×1024, 1024×1024, 1024×10.
    CHECK(subarray_count(8192, 1024, 256, 256) == 128);
    CHECK(subarray_count(8192, 1024, 128, 128) == 512);
    CHECK(subarray_count(8192, 1024, 64, 64) == 2048);
    CHECK(subarray_count(1024, 1024, 256, 256) == 16);
    CHECK(subarray_count(1024, 1024, 64, 64) == 256);
    CHECK(subarray_count(1024, 10, 256, 256) == 4);
    CHECK(subarray_count(1024, 10, 128, 128) == 8);
    CHECK(subarray_count(1024, 10, 64, 64) == 16);

    // The whole Table II network through map_layers: layer 1 (784×2048, real inputs) is "-".
    BnnModel mlp;
    mlp.partition = 128;
    const int dims[] = {784, 2048, 2048, 2048, 10};
    for (int l = 0; l < 4; ++l) {
        BnnLayer layer;
        layer.input = l == 0 ? LayerInput::real : LayerInput::binary;
        layer.w.resize(dims[l + 1], dims[l]);
        mlp.layers.push_back(std::move(layer));
    }
    const auto map = map_layers(mlp, 128, 128);
    REQUIRE(map.size() == 4);
    CHECK_FALSE(map[0].mapped);
    CHECK(map[0].subarrays == 0);
    CHECK(map[1].subarrays == 256);
    CHECK(map[2].subarrays == 256);
    CHECK(map[3].subarrays == 16);
    CHECK(map[3].column_groups == 16);
    CHECK(map[3].row_groups == 1);
}

TEST_CASE("ideal arrays reproduce the software network bit for bit") {
    // Odd widths exercise partial last groups (100 = 64 + 36) and P < N padding.
    for (const int n_columns : {64, 128}) {
        for (const bool real_first : {true, false}) {
            const BnnModel m = random_model({37, 100, 130, 10}, 64, real_first, 7);
            const Eigen::MatrixXf x = random_inputs(300, 37, 3);
            const HardwareNetwork hw(m, n_columns);
            const auto sw = predict_software(m, x);
            const HardwareRun ideal = hw.infer(x, ErrorModel::ideal(n_columns), 1, 2);
            CHECK(ideal.predicted == sw);
            CHECK(ideal.flips == 0);
            // A per-k table that is zero everywhere is the same as no injection.
            const HardwareRun zero =
                hw.infer(x, ErrorModel::per_k(constant_rer_table(n_columns, 0.0)), 9, 1);
            CHECK(zero.predicted == sw);
            CHECK(zero.flips == 0);
        }
    }
}

TEST_CASE("injection is independent of the thread count and reproducible") {
    const BnnModel m = random_model({64, 128, 128, 10}, 64, true, 11);
    const Eigen::MatrixXf x = random_inputs(200, 64, 5);
    const HardwareNetwork hw(m, 64);
    const ErrorModel e = ErrorModel::per_k(testing::gaussian_table(64, 2.0));
    const HardwareRun a = hw.infer(x, e, 42, 1);
    const HardwareRun b = hw.infer(x, e, 42, 2);
    const HardwareRun c = hw.infer(x, e, 43, 2);
    const HardwareRun d = hw.infer(x, e, 42, 3); // uneven split of the 200 samples
    CHECK(a.predicted == b.predicted);
    CHECK(a.flips == b.flips);
    CHECK(a.predicted == d.predicted);
    CHECK(a.flips == d.flips);
    CHECK(a.flips > 0);
    CHECK(c.flips != a.flips); // a different seed draws different errors
}

TEST_CASE("flip rates follow the flat rate and the per-k table") {
    // Single binary score layer: every row input is a data bit, so the popcount of every row is
    // known in advance and the expected number of flips is Σ_rows RER(k_row).
    const int n = 64;
    const BnnModel m = random_model({150, 10}, 50, false, 21); // groups 50, 50, 50 on 64 columns
    const Eigen::MatrixXf x = random_inputs(2000, 150, 8);
    const HardwareNetwork hw(m, n);
    REQUIRE(hw.rows_per_sample() == 30);

    // Flat rate q: flips ~ Binomial(rows, q); check within 5 standard deviations.
    const double q = 0.03;
    const HardwareRun flat = hw.infer(x, ErrorModel::flat(n, q), 3, 2);
    const double rows = static_cast<double>(flat.row_evaluations);
    REQUIRE(rows == 60000.0);
    CHECK(std::abs(static_cast<double>(flat.flips) - q * rows) <
          5.0 * std::sqrt(rows * q * (1 - q)));

    // Per-k: a steep table with p_max = 0.5 at k = N/2 and rates down to ~1e-100 in the tails.
    const CrerTable table = testing::gaussian_table(n, 1.0);
    double expected = 0.0;
    double variance = 0.0;
    for (Eigen::Index s = 0; s < x.rows(); ++s) {
        for (int j = 0; j < 10; ++j) {
            for (int g = 0; g < 3; ++g) {
                int kk = 0;
                for (int i = 50 * g; i < 50 * g + 50; ++i) {
                    const int bit = x(s, i) >= 0.5F ? 1 : -1;
                    kk += bit == m.layers[0].w(j, i) ? 1 : 0;
                }
                const double p = table.rer[static_cast<std::size_t>(kk + (n - 50) / 2)];
                expected += p;
                variance += p * (1 - p);
            }
        }
    }
    const HardwareRun perk = hw.infer(x, ErrorModel::per_k(table), 4, 2);
    INFO("expected flips " << expected << ", measured " << perk.flips);
    CHECK(std::abs(static_cast<double>(perk.flips) - expected) < 5.0 * std::sqrt(variance));
}

TEST_CASE("row flips are exact Bernoulli draws, also when the first random byte ties") {
    // Each row compares one random byte with the first byte of p and resolves a tie (probability
    // 1/256) with 56 more bits (hardware.cpp, draw_flips). 600,000 rows per rate; the expected
    // flip count is q·rows with binomial spread, checked within 5 standard deviations.
    const int n = 64;
    const BnnModel m = random_model({150, 10}, 50, false, 21);
    const Eigen::MatrixXf x = random_inputs(20000, 150, 9);
    const HardwareNetwork hw(m, n);
    const auto check_rate = [&](double q, std::uint64_t seed) {
        const HardwareRun run = hw.infer(x, ErrorModel::flat(n, q), seed, 2);
        const double rows = static_cast<double>(run.row_evaluations);
        REQUIRE(rows == 600000.0);
        INFO("q = " << q << ": expected " << q * rows << " flips, measured " << run.flips);
        CHECK(std::abs(static_cast<double>(run.flips) - q * rows) <
              5.0 * std::sqrt(rows * q * (1 - q)));
    };
    // q = 1.5/256: half of the tied rows must flip. Never flipping on a tie would give 1/256
    // (2344 flips instead of 3516, 20 sd away), always flipping 2/256 (4688, 20 sd away).
    check_rate(1.5 / 256.0, 5);
    // q = 1e-4 < 1/256: the first byte of p is 0, so every flip comes from a tie resolution
    // (60 expected; none at all if ties were never resolved).
    check_rate(1e-4, 6);
    // q = 0.73: a generic rate with non-zero bits at every position of its binary expansion.
    check_rate(0.73, 7);
    // q = 1: every row flips, deterministically.
    const HardwareRun all = hw.infer(x, ErrorModel::flat(n, 1.0), 8, 1);
    CHECK(all.flips == all.row_evaluations);
}

TEST_CASE("hardware mapping rejects mismatched widths and tables") {
    const BnnModel m = random_model({16, 32, 10}, 128, true, 1);
    CHECK_THROWS_AS(HardwareNetwork(m, 64), InputError); // trained for wider rows
    const HardwareNetwork hw(m, 128);
    const Eigen::MatrixXf x = random_inputs(4, 16, 1);
    CHECK_THROWS_AS(hw.infer(x, ErrorModel::per_k(constant_rer_table(64, 0.1)), 1), InputError);
    CHECK_THROWS_AS(hw.infer(random_inputs(4, 15, 1), ErrorModel::ideal(128), 1), InputError);
    BnnModel unpartitioned = m;
    unpartitioned.partition = 0;
    CHECK_THROWS_AS(HardwareNetwork(unpartitioned, 128), InputError);
}
