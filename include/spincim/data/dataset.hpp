#pragma once
// Classification data sets for the network layer: the built-in 8×8 digits set and MNIST IDX files
// that users supply themselves.
//
// Features are real values in [0, 1] (pixel intensity / full scale), one sample per row; the first
// BNN layer takes them as real-valued inputs (seed 001, Table II: layer 1 is not mapped onto the
// array).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace spincim::data {

struct Dataset {
    std::string name;
    Eigen::MatrixXf x;  // samples × features, values in [0, 1]
    std::vector<int> y; // class label of each sample, 0 .. n_classes-1
    int n_classes = 0;

    [[nodiscard]] std::size_t size() const { return y.size(); }
    [[nodiscard]] int n_features() const { return static_cast<int>(x.cols()); }
};

// Reads netlists/data/digits8x8.csv (header `px00..px63,label`, 1,797 rows of 64 pixel counts
// 0..16 and a label 0..9; Alpaydin & Kaynak, UCI 1998, as shipped in scikit-learn). Pixels are
// scaled to [0, 1] by /16. Throws InputError naming file, line and column on bad input.
[[nodiscard]] Dataset load_digits_csv(const std::string& path);

// Reads an MNIST pair of IDX files (LeCun et al., "THE MNIST DATABASE of handwritten digits",
// file format section): images have magic 0x00000803 and big-endian int32 dims (count, rows,
// cols) followed by count·rows·cols unsigned bytes; labels have magic 0x00000801, a count and one
// unsigned byte per label. Pixels are scaled to [0, 1] by /255. At most `max_samples` samples are
// read (0 = all). Throws InputError naming the file and the byte offset / record index of the
// problem (wrong magic, truncated file, count mismatch, label > 9).
[[nodiscard]] Dataset load_mnist_idx(const std::string& images_path, const std::string& labels_path,
                                     std::size_t max_samples = 0);

// Shape of an MNIST IDX pair as its headers announce it: `count` images of rows × cols pixels.
struct IdxShape {
    std::size_t count = 0;
    std::size_t rows = 0;
    std::size_t cols = 0;
};

// Every check of load_mnist_idx (magic numbers, header fields, file sizes against the announced
// counts, image/label count match, labels 0..9) without reading the pixels: validates a study's
// data files before anything runs. Same InputError messages as load_mnist_idx.
[[nodiscard]] IdxShape check_mnist_idx(const std::string& images_path,
                                       const std::string& labels_path);

// Shape of the built-in digits set (load_digits_csv): 8×8 pixels, classes 0..9.
inline constexpr int digits_features = 64;
inline constexpr int digits_classes = 10;

struct TrainTestSplit {
    Dataset train;
    Dataset test;
};

// Deterministic split: sample i (0-based) goes to the test set when i % every == every-1
// (every = 4: 25 % test). Both halves keep the original sample order.
[[nodiscard]] TrainTestSplit split_every(const Dataset& data, int every = 4);

// The samples with the given indices, in that order.
[[nodiscard]] Dataset subset(const Dataset& data, const std::vector<std::size_t>& indices);

// Reads netlists/data/wine.csv (header: 13 attribute names, then `label`; 178 rows of 13
// non-negative numbers and a label 0..2) and normalises every attribute to [0, 1] by its minimum
// and maximum over all samples (seed 003 Sec. II.A: "normalized to be between 0 and 1").
// InputError names the file, line, column and attribute of a bad value.
[[nodiscard]] Dataset load_wine_csv(const std::string& path);

// Random split into `n_test` test samples and the rest for training (seed 003: 148 training /
// 30 test samples), drawn from RandomStream(seed, 0, "wine.split"); both halves keep the original
// sample order.
[[nodiscard]] TrainTestSplit random_split(const Dataset& data, std::size_t n_test,
                                          std::uint64_t seed);

} // namespace spincim::data
