// Data and model files of a network study through the CLI (issue 6, acceptance 5 and 7): MNIST
// IDX pairs (LeCun et al., "THE MNIST DATABASE of handwritten digits", file format section) and
// BNN model files (include/spincim/network/bnn_model.hpp) named in the study, checked by
// `spincim check` before anything runs, with messages that name the file and the byte offset,
// line or column of the problem.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using namespace spincim_test;
using Catch::Matchers::Contains;

namespace {

using Bytes = std::vector<unsigned char>;

void put_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        b.push_back(static_cast<unsigned char>((v >> static_cast<unsigned>(shift)) & 0xffU));
}

// A small learnable digit set: class c is a fixed binary prototype (pixel p lit iff the top bit
// of the (p+1)-th state of the Numerical Recipes LCG started at 7919c + 17; any two of the ten
// 6×6 prototypes differ in at least 13 of 36 pixels) with every pixel flipped with probability
// 1/10 by a second LCG, so that a BNN separates the classes well above chance (1/10).
struct Idx {
    Bytes images, labels;
};
Idx idx_pair(std::uint32_t n, std::uint32_t seed, std::uint32_t side = 6) {
    Idx d;
    put_be32(d.images, 0x00000803U);
    put_be32(d.images, n);
    put_be32(d.images, side);
    put_be32(d.images, side);
    put_be32(d.labels, 0x00000801U);
    put_be32(d.labels, n);
    std::uint32_t state = seed;
    const auto next = [&] {
        state = state * 1664525U + 1013904223U; // Numerical Recipes LCG
        return state >> 8U;
    };
    for (std::uint32_t s = 0; s < n; ++s) {
        const std::uint32_t c = s % 10;
        d.labels.push_back(static_cast<unsigned char>(c));
        std::uint32_t proto = 7919U * c + 17U;
        for (std::uint32_t p = 0; p < side * side; ++p) {
            proto = proto * 1664525U + 1013904223U;
            bool lit = (proto >> 31U) != 0;
            if (next() % 10 == 0)
                lit = !lit;
            d.images.push_back(lit ? 255 : 0);
        }
    }
    return d;
}

void write_bytes(const fs::path& p, const Bytes& b) {
    write_file(p, std::string(b.begin(), b.end()));
}

void write_mnist(const fs::path& dir, const Idx& train, const Idx& test) {
    write_bytes(dir / "train-images.idx", train.images);
    write_bytes(dir / "train-labels.idx", train.labels);
    write_bytes(dir / "test-images.idx", test.images);
    write_bytes(dir / "test-labels.idx", test.labels);
}

const std::string kMnistStudy =
    "study: mnist_net\nseed: 3\nnetwork:\n  dataset: mnist\n  mnist:\n"
    "    train_images: train-images.idx\n    train_labels: train-labels.idx\n"
    "    test_images: test-images.idx\n    test_labels: test-labels.idx\n"
    "  hidden: [128]\n  epochs: 6\n  repeats: 2\n  float_reference: false\n"
    "  arrays:\n    - {n: 16, label: ideal}\n";

// `spincim check` of the MNIST study in `dir`: exit code and stderr.
Outcome check_mnist(const fs::path& dir) {
    write_file(dir / "mnist.yaml", kMnistStudy);
    return spincim("check mnist.yaml", dir);
}

// A model file for the digits set (64 real inputs → 16 sign neurons → 10 class scores) with
// partition width 16: weight (j, i) of a layer is −1 iff (i + 2j) mod 3 = 0, thresholds 0 with
// direction 1, class scales 1 and offsets 0. Line numbers: 1 header, 2 partition, 3 layer 1,
// 4–19 its weights, 20–35 its thresholds, 36 layer 2, 37–46 its weights, 47–56 its scores, 57 end.
std::string weights_line(int k, int j) {
    std::string s;
    for (int i = 0; i < k; ++i)
        s += std::string(i ? " " : "") + ((i + 2 * j) % 3 == 0 ? "-1" : "1");
    return s + "\n";
}
std::string digits_model(int k = 64, int partition = 16) {
    std::string s = "spincim-bnn 1\npartition " + std::to_string(partition) + "\n";
    s += "layer real " + std::to_string(k) + " 16 sign\n";
    for (int j = 0; j < 16; ++j)
        s += weights_line(k, j);
    for (int j = 0; j < 16; ++j)
        s += "0 1\n";
    s += "layer binary 16 10 score\n";
    for (int j = 0; j < 10; ++j)
        s += weights_line(16, j);
    for (int j = 0; j < 10; ++j)
        s += "1 0\n";
    return s + "end\n";
}

// The first `lines` lines of a text.
std::string head_lines(const std::string& text, int lines) {
    std::size_t pos = 0;
    for (int i = 0; i < lines; ++i)
        pos = text.find('\n', pos) + 1;
    return text.substr(0, pos);
}

const std::string kDigitsHead = "study: net\nseed: 7\nnetwork:\n  repeats: 2\n"
                                "  float_reference: false\n  compare_flat_aer: false\n";

} // namespace

TEST_CASE("network study on MNIST IDX files: a good pair checks and runs") {
    const auto dir = scratch("mnist_good");
    write_mnist(dir, idx_pair(300, 1), idx_pair(100, 2));
    const Outcome check = check_mnist(dir);
    INFO(check.out << check.err);
    REQUIRE(check.code == 0);
    const Outcome run = spincim("run mnist.yaml -o out", dir);
    INFO(run.out << run.err);
    REQUIRE(run.code == 0);
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK(j["dataset"] == "mnist");
    CHECK(j["n_train"] == 300);
    CHECK(j["n_test"] == 100);
    REQUIRE(j["accuracy"].size() == 1);
    // Ideal arrays reproduce the software network (no injection), and the prototypes with 10 %
    // pixel noise are learnt far above the 10 % of chance (a loose floor: 0.5).
    const auto& ideal = j["accuracy"][0];
    CHECK(double(ideal["accuracy_mean"]) == double(ideal["software_accuracy"]));
    CHECK(double(ideal["software_accuracy"]) > 0.5);
    // The trained model file has the IDX image size as its input width (6 × 6 = 36).
    CHECK_THAT(slurp(dir / "out" / "models" / "bnn_N16.txt"), Contains("layer real 36 128 sign"));
    fs::remove_all(dir);
}

TEST_CASE("bad MNIST IDX files exit 2 naming the file and the byte offset or field") {
    const auto dir = scratch("mnist_bad");
    const Idx train = idx_pair(300, 1);
    const Idx test = idx_pair(100, 2);

    SECTION("truncated image file") {
        // 300 images of 36 bytes after the 16-byte header; cutting 10 bytes leaves record 299
        // incomplete, which starts at byte 16 + 299·36 = 10780.
        Idx cut = train;
        cut.images.resize(cut.images.size() - 10);
        write_mnist(dir, cut, test);
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("train-images.idx: record 299") &&
                              Contains("truncated IDX image file") &&
                              Contains("byte offset 10780") &&
                              Contains("mnist.yaml:6:19: network.mnist.train_images"));
    }
    SECTION("truncated header") {
        Idx cut = test;
        cut.images.resize(10); // magic and count complete, the row count cut after 2 bytes
        write_mnist(dir, train, cut);
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("test-images.idx: row count") &&
                              Contains("truncated IDX header") && Contains("byte offset 10"));
    }
    SECTION("truncated label file") {
        Idx cut = test;
        cut.labels.resize(8 + 40); // header + 40 of 100 labels
        write_mnist(dir, train, cut);
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("test-labels.idx: record 40") &&
                              Contains("truncated IDX label file") && Contains("byte offset 48"));
    }
    SECTION("wrong magic number") {
        Idx bad = train;
        bad.labels[3] = 0x03; // an image-file magic in the label file
        write_mnist(dir, bad, test);
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("train-labels.idx: magic number") &&
                              Contains("wrong magic number 0x00000803") &&
                              Contains("byte offset 0"));
    }
    SECTION("image and label counts differ") {
        Idx bad = train;
        bad.labels = idx_pair(299, 1).labels;
        write_mnist(dir, bad, test);
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("train-images.idx: image count") &&
                              Contains("300 images but the label file") && Contains("299 labels") &&
                              Contains("byte offset 4"));
    }
    SECTION("label outside 0..9") {
        Idx bad = test;
        bad.labels[8 + 17] = 12;
        write_mnist(dir, train, bad);
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("test-labels.idx: record 17") &&
                              Contains("label 12 of record 17 is not a digit") &&
                              Contains("byte offset 25"));
    }
    SECTION("test images of another size than the training images") {
        write_mnist(dir, train, idx_pair(100, 2, 5));
        const Outcome r = check_mnist(dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("mnist.yaml:8:18: network.mnist.test_images") &&
                              Contains("5x5 pixels but the training images 6x6"));
    }
    SECTION("run refuses the same input before writing anything") {
        Idx cut = train;
        cut.images.resize(cut.images.size() - 10);
        write_mnist(dir, cut, test);
        write_file(dir / "mnist.yaml", kMnistStudy);
        const Outcome r = spincim("run mnist.yaml -o out", dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("train-images.idx: record 299"));
        CHECK_FALSE(fs::exists(dir / "out"));
    }
    fs::remove_all(dir);
}

TEST_CASE("a model file replaces training and gives the trained network's accuracy") {
    // Run 1 trains the BNN and saves it; run 2 evaluates that file: the same network on the same
    // test samples must give exactly the same software and ideal-array accuracy, and train none.
    const auto dir = scratch("network_model");
    write_file(dir / "train.yaml",
               kDigitsHead + "  hidden: [32]\n  epochs: 3\n  arrays:\n    - {n: 32, label: a}\n");
    const Outcome trained = spincim("run train.yaml -o first", dir);
    INFO(trained.out << trained.err);
    REQUIRE(trained.code == 0);
    write_file(dir / "given.yaml", kDigitsHead + "  model: first/models/bnn_N32.txt\n"
                                                 "  arrays:\n    - {n: 32, label: a}\n");
    const Outcome check = spincim("check given.yaml", dir);
    INFO(check.out << check.err);
    CHECK(check.code == 0);
    const Outcome given = spincim("run given.yaml -o second", dir);
    INFO(given.out << given.err);
    REQUIRE(given.code == 0);
    const auto a = nlohmann::json::parse(slurp(dir / "first" / "results.json"));
    const auto b = nlohmann::json::parse(slurp(dir / "second" / "results.json"));
    CHECK(double(b["software_accuracy"][0]["accuracy"]) ==
          double(a["software_accuracy"][0]["accuracy"]));
    CHECK(double(b["accuracy"][0]["accuracy_mean"]) == double(a["accuracy"][0]["accuracy_mean"]));
    // The hidden widths come from the model file.
    CHECK(b["parameters"]["network"]["hidden"] == nlohmann::json::array({32}));
    CHECK_FALSE(fs::exists(dir / "second" / "models"));
    fs::remove_all(dir);
}

TEST_CASE("bad model files exit 2 naming the file, line and column") {
    const auto dir = scratch("network_model_bad");
    const auto check_with = [&](const std::string& model, const std::string& extra = {}) {
        write_file(dir / "model.bnn", model);
        write_file(dir / "net.yaml", kDigitsHead + "  model: model.bnn\n" + extra +
                                         "  arrays:\n    - {n: 16}\n    - {n: 64}\n");
        return spincim("check net.yaml", dir);
    };
    {
        const Outcome good = check_with(digits_model());
        INFO(good.out << good.err);
        CHECK(good.code == 0);
    }
    SECTION("truncated file") {
        // Cut after line 10: layer 1's weight rows 1–7 are there, row 8 (line 11) is missing.
        const Outcome r = check_with(head_lines(digits_model(), 10));
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("model.bnn:11:1") && Contains("truncated model file") &&
                              Contains("layer 1 weights row 8") &&
                              Contains("net.yaml:7:10: network.model"));
    }
    SECTION("weight that is not +1 or -1") {
        std::string m = digits_model();
        // Line 5 (layer 1, row 2) starts "1 -1 1 ...": its third weight, at column 6, becomes 2.
        const std::size_t line5 = m.find('\n', m.find("layer real")) + 1;
        const std::size_t row2 = m.find('\n', line5) + 1;
        REQUIRE(m.substr(row2, 8) == "1 -1 1 1");
        m[row2 + 5] = '2';
        const Outcome r = check_with(m);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("model.bnn:5:6: layer 1 weights row 2") &&
                              Contains("weight `2` (input 3) is not +1 or -1"));
    }
    SECTION("layer dimensions that do not chain") {
        std::string m = digits_model();
        m.replace(m.find("layer binary 16 10"), 18, "layer binary 17 10");
        const Outcome r = check_with(m);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("model.bnn:36:14: layer 2") && Contains("wrong dimensions") &&
                              Contains("K = 17"));
    }
    SECTION("input width that does not match the data set") {
        const Outcome r = check_with(digits_model(63));
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("model.bnn:3:12: layer 1 K") &&
                              Contains("K = 63 inputs but the data set has 64 features"));
    }
    SECTION("partition wider than an array") {
        const Outcome r = check_with(digits_model(64, 32)); // arrays of N = 16 and 64
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("model.bnn:2:11: partition") && Contains("P = 32") &&
                              Contains("N = 16"));
    }
    SECTION("hidden widths given beside the model") {
        const Outcome r = check_with(digits_model(), "  hidden: [16]\n");
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("net.yaml:8") && Contains("remove 'hidden'"));
    }
    fs::remove_all(dir);
}
