// The Wine data set of seed 003 (M. Forina et al., "Wine", UCI Machine Learning Repository
// (1991): 178 samples x 13 attributes, 3 cultivars; netlists/data/wine.csv, made by
// scripts/make_wine_csv.py).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string_view>

#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/data/dataset.hpp"

namespace spincim::data {

namespace {

constexpr int kWineAttributes = 13;
constexpr int kWineClasses = 3;

} // namespace

Dataset load_wine_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw InputError("cannot open the wine data file", SourceLocation{path, 0, 0, {}});
    std::string line;
    int lineno = 0;
    if (!std::getline(in, line))
        throw InputError("empty file: expected a header of 13 attribute names and `label`",
                         SourceLocation{path, 1, 1, {}});
    ++lineno;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    const auto header_view = csv::split(line);
    if (header_view.size() != kWineAttributes + 1 || header_view.back() != "label")
        throw InputError("expected a header of 13 attribute names and `label` (14 columns)",
                         SourceLocation{path, 1, 1, {}});
    const std::vector<std::string> header(header_view.begin(), header_view.end());
    std::vector<double> values;
    std::vector<int> labels;
    while (std::getline(in, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        const auto fields = csv::split(line);
        if (fields.size() != kWineAttributes + 1)
            throw InputError("expected 14 comma-separated values (13 attributes and a label), "
                             "found " +
                                 std::to_string(fields.size()),
                             SourceLocation{path, lineno, 1, {}});
        for (std::size_t c = 0; c < kWineAttributes; ++c) {
            double v = -1;
            const auto f = fields[c];
            const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
            if (ec != std::errc{} || ptr != f.data() + f.size() || !std::isfinite(v) || v < 0)
                throw InputError(
                    "value `" + std::string(f) + "` is not a non-negative number",
                    SourceLocation{path, lineno, csv::column_of(fields, c), header[c]});
            values.push_back(v);
        }
        int label = -1;
        const auto f = fields[kWineAttributes];
        const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), label);
        if (ec != std::errc{} || ptr != f.data() + f.size() || label < 0 || label >= kWineClasses)
            throw InputError(
                "label `" + std::string(f) + "` is not 0, 1 or 2",
                SourceLocation{path, lineno, csv::column_of(fields, kWineAttributes), "label"});
        labels.push_back(label);
    }
    if (labels.size() < 2)
        throw InputError("fewer than two samples after the header",
                         SourceLocation{path, lineno, 1, {}});
    Eigen::MatrixXd x =
        Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            values.data(), static_cast<Eigen::Index>(labels.size()), kWineAttributes);
    // Min-max normalisation of every attribute to [0, 1] (seed 003 Sec. II.A).
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
        const double lo = x.col(c).minCoeff();
        const double hi = x.col(c).maxCoeff();
        if (hi <= lo)
            throw InputError("attribute has the same value in every sample: cannot normalise",
                             SourceLocation{path, 1, 1, header[static_cast<std::size_t>(c)]});
        x.col(c) = ((x.col(c).array() - lo) / (hi - lo)).matrix();
    }
    Dataset d;
    d.name = "wine";
    d.n_classes = kWineClasses;
    d.y = std::move(labels);
    d.x = x.cast<float>();
    return d;
}

TrainTestSplit random_split(const Dataset& data, std::size_t n_test, std::uint64_t seed) {
    if (n_test == 0 || n_test >= data.size())
        throw InputError("random_split: the test set must hold 1 .. " +
                         std::to_string(data.size() - 1) + " samples, got " +
                         std::to_string(n_test));
    // Partial Fisher-Yates shuffle: the first n_test entries of `order` are a uniform random
    // subset.
    std::vector<std::size_t> order(data.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    RandomStream rng(seed, 0, "wine.split");
    for (std::size_t i = 0; i < n_test; ++i) {
        const std::size_t k =
            i + static_cast<std::size_t>(rng.uniform() * static_cast<double>(order.size() - i));
        std::swap(order[i], order[std::min(k, order.size() - 1)]);
    }
    std::vector<bool> is_test(data.size(), false);
    for (std::size_t i = 0; i < n_test; ++i)
        is_test[order[i]] = true;
    std::vector<std::size_t> tr;
    std::vector<std::size_t> te;
    for (std::size_t i = 0; i < data.size(); ++i)
        (is_test[i] ? te : tr).push_back(i);
    return {subset(data, tr), subset(data, te)};
}

} // namespace spincim::data
