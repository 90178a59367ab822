#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/data/dataset.hpp"

#include "test_util.hpp"

using namespace spincim;
using namespace spincim::network;
using namespace spincim::data;
using spincim::network::testing::scratch;
using spincim::network::testing::write_text;

namespace {

const std::string digits_path = std::string(SPINCIM_SOURCE_DIR) + "/netlists/data/digits8x8.csv";

void put32(std::vector<unsigned char>& b, std::uint32_t v) {
    b.push_back(static_cast<unsigned char>(v >> 24U));
    b.push_back(static_cast<unsigned char>(v >> 16U));
    b.push_back(static_cast<unsigned char>(v >> 8U));
    b.push_back(static_cast<unsigned char>(v));
}

// IDX files as specified on the MNIST page: magic, big-endian dimensions, unsigned bytes.
std::vector<unsigned char> idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
    std::vector<unsigned char> b;
    put32(b, 0x00000803U);
    put32(b, n);
    put32(b, rows);
    put32(b, cols);
    for (std::uint32_t i = 0; i < n * rows * cols; ++i) {
        b.push_back(static_cast<unsigned char>((i * 37U) % 256U));
    }
    return b;
}

std::vector<unsigned char> idx_labels(std::uint32_t n) {
    std::vector<unsigned char> b;
    put32(b, 0x00000801U);
    put32(b, n);
    for (std::uint32_t i = 0; i < n; ++i) {
        b.push_back(static_cast<unsigned char>(i % 10U));
    }
    return b;
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& b) {
    write_text(path, std::string(b.begin(), b.end()));
}

} // namespace

TEST_CASE("built-in digits data set: 1,797 samples of 8x8 pixels, 10 classes") {
    const Dataset d = load_digits_csv(digits_path);
    // UCI / scikit-learn digits: 1,797 samples, 64 features, 10 classes (sklearn DESCR).
    REQUIRE(d.size() == 1797);
    REQUIRE(d.n_features() == 64);
    REQUIRE(d.n_classes == 10);
    REQUIRE(d.x.minCoeff() >= 0.0F);
    REQUIRE(d.x.maxCoeff() <= 1.0F);
    REQUIRE(d.x.maxCoeff() == 1.0F); // pixel count 16 is present
    // Class sizes from the sklearn DESCR of this data set: 178, 182, 177, 183, 181, 182, 181,
    // 179, 174, 180.
    std::vector<int> counts(10, 0);
    for (int y : d.y) {
        ++counts[static_cast<std::size_t>(y)];
    }
    CHECK(counts == std::vector<int>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180});
    // First sample of digits.csv.gz: a "0" whose row 0 is 0,0,5,13,9,1,0,0.
    CHECK(d.y[0] == 0);
    CHECK(d.x(0, 2) == 5.0F / 16.0F);
    CHECK(d.x(0, 3) == 13.0F / 16.0F);

    const TrainTestSplit s = split_every(d, 4);
    CHECK(s.test.size() == 449); // samples 3, 7, …, 1795
    CHECK(s.train.size() == 1348);
    CHECK(s.test.y[0] == d.y[3]);
}

TEST_CASE("digits CSV with a bad value names file, line and column") {
    const std::string path = scratch("bad_digits.csv");
    std::string text = "px00";
    for (int i = 1; i < 64; ++i) {
        text += ",px" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    }
    text += ",label\n";
    std::string row;
    for (int i = 0; i < 64; ++i) {
        row += (i == 5 ? "17" : "1") + std::string(",");
    }
    text += row + "3\n";
    write_text(path, text);
    try {
        (void)load_digits_csv(path);
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(e.where().file == path);
        CHECK(e.where().line == 2);
        CHECK(e.where().column == 11); // "1,1,1,1,1," precedes the bad value
        CHECK(e.where().key == "px05");
        CHECK(e.exit_code() == ExitCode::bad_input);
    }
}

TEST_CASE("MNIST IDX loader reads generated files") {
    const std::string img = scratch("ok-images.idx");
    const std::string lab = scratch("ok-labels.idx");
    write_bytes(img, idx_images(5, 2, 3));
    write_bytes(lab, idx_labels(5));
    const Dataset d = load_mnist_idx(img, lab);
    REQUIRE(d.size() == 5);
    REQUIRE(d.n_features() == 6);
    CHECK(d.y == std::vector<int>{0, 1, 2, 3, 4});
    // Pixel byte i = (37·i) mod 256, scaled by 1/255: image 1, pixel 2 is byte 8 → 296 mod 256.
    CHECK(d.x(1, 2) == static_cast<float>(296 % 256) / 255.0F);
    CHECK(load_mnist_idx(img, lab, 3).size() == 3);
}

TEST_CASE("MNIST IDX loader rejects wrong magic, truncation and mismatches (exit 2)") {
    const std::string img = scratch("images.idx");
    const std::string lab = scratch("labels.idx");
    write_bytes(lab, idx_labels(4));
    const auto expect_error = [](const std::string& i, const std::string& l,
                                 const std::string& file, const std::string& phrase) {
        try {
            (void)load_mnist_idx(i, l);
            FAIL("expected InputError");
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(e.exit_code() == ExitCode::bad_input);
            CHECK(e.where().file == file);
            CHECK_THAT(e.what(), Catch::Matchers::Contains(phrase));
            CHECK_THAT(e.what(), Catch::Matchers::Contains(file));
        }
    };
    SECTION("wrong magic") {
        auto b = idx_images(4, 2, 2);
        b[3] = 0x01; // 0x00000801 is a label file
        write_bytes(img, b);
        expect_error(img, lab, img, "wrong magic number 0x00000801");
    }
    SECTION("labels given as images") {
        write_bytes(img, idx_images(4, 2, 2));
        expect_error(lab, img, lab, "wrong magic number");
    }
    SECTION("truncated pixel data") {
        auto b = idx_images(4, 2, 2);
        b.resize(16 + 2 * 4 + 1); // two full images and one byte of the third
        write_bytes(img, b);
        expect_error(img, lab, img, "image record 2 (0-based) is incomplete (at byte offset 24)");
    }
    SECTION("truncated header") {
        auto b = idx_images(4, 2, 2);
        b.resize(10);
        write_bytes(img, b);
        expect_error(img, lab, img, "truncated IDX header");
    }
    SECTION("truncated labels") {
        write_bytes(img, idx_images(4, 2, 2));
        auto l = idx_labels(4);
        l.resize(8 + 3);
        write_bytes(lab, l);
        expect_error(img, lab, lab, "label record 3 (0-based) is missing (at byte offset 11)");
    }
    SECTION("count mismatch") {
        write_bytes(img, idx_images(3, 2, 2));
        expect_error(img, lab, img, "holds 3 images but the label file");
    }
    SECTION("label out of range") {
        write_bytes(img, idx_images(4, 2, 2));
        auto l = idx_labels(4);
        l[8 + 2] = 12;
        write_bytes(lab, l);
        expect_error(img, lab, lab, "label 12 of record 2 is not a digit");
    }
    SECTION("missing file") {
        expect_error(img + ".absent", lab, img + ".absent", "cannot open");
    }
}
