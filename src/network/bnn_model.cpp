#include "spincim/network/bnn_model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"

namespace spincim::network {

int group_count(int k, int partition) {
    if (partition <= 0) {
        return 1;
    }
    return (k + partition - 1) / partition;
}

void BnnModel::validate(const std::string& source) const {
    const auto fail = [&](const std::string& what) {
        throw InputError("invalid BNN model: " + what, SourceLocation{source, 0, 0, {}});
    };
    if (layers.empty()) {
        fail("no layers");
    }
    if (partition < 0) {
        fail("negative partition width " + std::to_string(partition));
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const BnnLayer& layer = layers[l];
        const std::string name = "layer " + std::to_string(l + 1) + ": ";
        if (layer.k() <= 0 || layer.j() <= 0) {
            fail(name + "empty weight matrix");
        }
        if (l > 0 && layer.input != LayerInput::binary) {
            fail(name + "only the first layer may take real-valued inputs");
        }
        if (l > 0 && layer.k() != layers[l - 1].j()) {
            fail(name + "has " + std::to_string(layer.k()) + " inputs but layer " +
                 std::to_string(l) + " has " + std::to_string(layers[l - 1].j()) + " outputs");
        }
        const bool last = l + 1 == layers.size();
        if (last != (layer.output == LayerOutput::score)) {
            fail(name + (last ? "the last layer must be `score`"
                              : "only the last layer may be "
                                "`score`"));
        }
        if (layer.p0.size() != static_cast<std::size_t>(layer.j()) ||
            layer.p1.size() != static_cast<std::size_t>(layer.j())) {
            fail(name + "needs one pair of threshold/scale parameters per output");
        }
        for (Eigen::Index r = 0; r < layer.w.rows(); ++r) {
            for (Eigen::Index c = 0; c < layer.w.cols(); ++c) {
                if (layer.w(r, c) != 1 && layer.w(r, c) != -1) {
                    fail(name + "weight (" + std::to_string(r + 1) + ", " + std::to_string(c + 1) +
                         ") is not +1 or -1");
                }
            }
        }
        for (int jj = 0; jj < layer.j(); ++jj) {
            const auto u = static_cast<std::size_t>(jj);
            if (!std::isfinite(layer.p0[u]) || !std::isfinite(layer.p1[u])) {
                fail(name + "non-finite parameter of output " + std::to_string(jj + 1));
            }
            if (layer.output == LayerOutput::sign && layer.p1[u] != 1.0 && layer.p1[u] != -1.0) {
                fail(name + "direction of output " + std::to_string(jj + 1) + " is not 1 or -1");
            }
        }
    }
}

void real_layer_preactivation(const BnnLayer& layer, const float* x, double* a) {
    const int k = layer.k();
    for (int jj = 0; jj < layer.j(); ++jj) {
        double sum = 0.0;
        const std::int8_t* w = layer.w.data() + static_cast<std::ptrdiff_t>(jj) * k;
        for (int i = 0; i < k; ++i) {
            sum += w[i] > 0 ? static_cast<double>(x[i]) : -static_cast<double>(x[i]);
        }
        a[jj] = sum;
    }
}

int argmax_score(const BnnLayer& score_layer, const double* a) {
    int best = 0;
    double best_score = 0.0;
    for (int jj = 0; jj < score_layer.j(); ++jj) {
        const auto u = static_cast<std::size_t>(jj);
        const double s = score_layer.p0[u] * a[jj] + score_layer.p1[u];
        if (jj == 0 || s > best_score) {
            best = jj;
            best_score = s;
        }
    }
    return best;
}

std::vector<int> predict_software(const BnnModel& model, const Eigen::MatrixXf& x) {
    if (x.cols() != model.n_inputs()) {
        throw InputError("data has " + std::to_string(x.cols()) + " features but the model has " +
                         std::to_string(model.n_inputs()) + " inputs");
    }
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> xr = x;
    std::vector<int> predicted(static_cast<std::size_t>(x.rows()));
    std::vector<int> act;
    std::vector<double> a;
    for (Eigen::Index s = 0; s < x.rows(); ++s) {
        const float* row = xr.data() + s * xr.cols();
        // Binary first layer: features are binarised at mid-scale (≥ 0.5 → +1).
        act.assign(static_cast<std::size_t>(x.cols()), 0);
        for (Eigen::Index i = 0; i < x.cols(); ++i) {
            act[static_cast<std::size_t>(i)] = row[i] >= 0.5F ? 1 : -1;
        }
        for (const BnnLayer& layer : model.layers) {
            a.assign(static_cast<std::size_t>(layer.j()), 0.0);
            if (layer.input == LayerInput::real) {
                real_layer_preactivation(layer, row, a.data());
            } else {
                const int k = layer.k();
                const int p = model.partition > 0 ? model.partition : k;
                for (int jj = 0; jj < layer.j(); ++jj) {
                    const std::int8_t* w = layer.w.data() + static_cast<std::ptrdiff_t>(jj) * k;
                    int sum = 0;
                    for (int g0 = 0; g0 < k; g0 += p) {
                        const int g1 = std::min(k, g0 + p);
                        int partial = 0;
                        for (int i = g0; i < g1; ++i) {
                            partial += w[i] * act[static_cast<std::size_t>(i)];
                        }
                        if (model.partition > 0) {
                            // popcount k_g = (partial + n_g)/2, sense amplifier eq. (6).
                            sum += sense_amp((partial + (g1 - g0)) / 2, g1 - g0);
                        } else {
                            sum += partial;
                        }
                    }
                    a[static_cast<std::size_t>(jj)] = sum;
                }
            }
            if (layer.output == LayerOutput::score) {
                predicted[static_cast<std::size_t>(s)] = argmax_score(layer, a.data());
            } else {
                act.assign(static_cast<std::size_t>(layer.j()), 0);
                for (std::size_t jj = 0; jj < act.size(); ++jj) {
                    act[jj] = threshold_neuron(a[jj], layer.p0[jj], layer.p1[jj]);
                }
            }
        }
    }
    return predicted;
}

double accuracy(const std::vector<int>& predicted, const std::vector<int>& labels) {
    if (predicted.size() != labels.size() || labels.empty()) {
        throw InputError("accuracy: " + std::to_string(predicted.size()) + " predictions for " +
                         std::to_string(labels.size()) + " labels");
    }
    std::size_t hits = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        hits += predicted[i] == labels[i] ? 1U : 0U;
    }
    return static_cast<double>(hits) / static_cast<double>(labels.size());
}

namespace {} // namespace

void save_model(const BnnModel& model, const std::string& path) {
    model.validate(path);
    std::ostringstream os;
    os << "# spincim BNN model (format: include/spincim/network/bnn_model.hpp)\n";
    os << "spincim-bnn 1\n";
    os << "partition " << model.partition << "\n";
    for (std::size_t l = 0; l < model.layers.size(); ++l) {
        const BnnLayer& layer = model.layers[l];
        os << "layer " << (layer.input == LayerInput::real ? "real" : "binary") << ' ' << layer.k()
           << ' ' << layer.j() << ' ' << (layer.output == LayerOutput::sign ? "sign" : "score")
           << "\n";
        for (Eigen::Index r = 0; r < layer.w.rows(); ++r) {
            for (Eigen::Index c = 0; c < layer.w.cols(); ++c) {
                os << (c == 0 ? "" : " ") << (layer.w(r, c) > 0 ? "1" : "-1");
            }
            os << "\n";
        }
        for (std::size_t jj = 0; jj < layer.p0.size(); ++jj) {
            os << csv::number(layer.p0[jj]) << ' ' << csv::number(layer.p1[jj]) << "\n";
        }
    }
    os << "end\n";
    write_file_atomically(path, os.str());
}

namespace {

struct Token {
    std::string_view text;
    int column = 0;
};

// Reads the model file line by line; comments ('#' to end of line) and blank lines are skipped.
class ModelReader {
public:
    explicit ModelReader(std::string path) : path_(std::move(path)), in_(path_) {
        if (!in_) {
            throw InputError("cannot open the model file", SourceLocation{path_, 0, 0, {}});
        }
    }

    // Next non-empty line split into tokens; `what` says what was expected (for truncation).
    std::vector<Token> next(const std::string& what) {
        while (std::getline(in_, line_)) {
            ++lineno_;
            const std::size_t hash = line_.find('#');
            if (hash != std::string::npos) {
                line_.erase(hash);
            }
            std::vector<Token> tokens;
            std::size_t i = 0;
            while (i < line_.size()) {
                while (i < line_.size() &&
                       (line_[i] == ' ' || line_[i] == '\t' || line_[i] == '\r')) {
                    ++i;
                }
                const std::size_t start = i;
                while (i < line_.size() && line_[i] != ' ' && line_[i] != '\t' &&
                       line_[i] != '\r') {
                    ++i;
                }
                if (i > start) {
                    tokens.push_back({std::string_view(line_).substr(start, i - start),
                                      static_cast<int>(start) + 1});
                }
            }
            if (!tokens.empty()) {
                return tokens;
            }
        }
        throw InputError("truncated model file: it ends before " + what,
                         SourceLocation{path_, lineno_ + 1, 1, what});
    }

    [[noreturn]] void fail(const std::string& what, int column, const std::string& key = {}) const {
        throw InputError(what, SourceLocation{path_, lineno_, column, key});
    }

    void expect_count(const std::vector<Token>& t, std::size_t n, const std::string& what) const {
        if (t.size() != n) {
            const int col = t.size() > n ? t[n].column : static_cast<int>(line_.size()) + 1;
            fail("expected " + what + " (" + std::to_string(n) + " fields), found " +
                     std::to_string(t.size()) + " fields",
                 col);
        }
    }

    int to_int(const Token& t, const std::string& key) const {
        int v = 0;
        const auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        if (ec != std::errc{} || ptr != t.text.data() + t.text.size()) {
            // Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict, GCC PR 105329) on
            // `"literal" + std::string`.
            fail(std::string("`").append(t.text).append("` is not an integer"), t.column, key);
        }
        return v;
    }

    double to_double(const Token& t, const std::string& key) const {
        double v = 0.0;
        std::string_view s = t.text;
        if (!s.empty() && s.front() == '+') {
            s.remove_prefix(1);
        }
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v)) {
            // Built with append(): GCC 12 at -O3 warns falsely (-Wrestrict, GCC PR 105329) on
            // `"literal" + std::string`.
            fail(std::string("`").append(t.text).append("` is not a finite number"), t.column, key);
        }
        return v;
    }

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] SourceLocation at(const Token& t, const std::string& key) const {
        return SourceLocation{path_, lineno_, t.column, key};
    }

private:
    std::string path_;
    std::ifstream in_;
    std::string line_;
    int lineno_ = 0;
};

} // namespace

BnnModel load_model(const std::string& path) {
    ModelReader rd(path);
    BnnModel model;
    {
        const auto t = rd.next("the header `spincim-bnn 1`");
        if (t[0].text != "spincim-bnn") {
            rd.fail("not a spincim BNN model: expected the header `spincim-bnn 1`", t[0].column);
        }
        rd.expect_count(t, 2, "`spincim-bnn 1`");
        if (rd.to_int(t[1], "version") != 1) {
            rd.fail("unsupported model format version `" + std::string(t[1].text) + "`",
                    t[1].column, "version");
        }
    }
    {
        const auto t = rd.next("the line `partition P`");
        if (t[0].text != "partition") {
            rd.fail("expected `partition P`", t[0].column);
        }
        rd.expect_count(t, 2, "`partition P`");
        model.partition = rd.to_int(t[1], "partition");
        model.partition_source = rd.at(t[1], "partition");
        if (model.partition < 0) {
            rd.fail("partition width must be ≥ 0", t[1].column, "partition");
        }
    }
    while (true) {
        const auto t = rd.next("`layer ...` or `end`");
        if (t[0].text == "end") {
            rd.expect_count(t, 1, "`end`");
            break;
        }
        if (t[0].text != "layer") {
            rd.fail("expected `layer IN K J OUT` or `end`, found `" + std::string(t[0].text) + "`",
                    t[0].column);
        }
        rd.expect_count(t, 5, "`layer IN K J OUT`");
        const int index = static_cast<int>(model.layers.size()) + 1;
        const std::string lkey = "layer " + std::to_string(index);
        BnnLayer layer;
        if (t[1].text == "real") {
            layer.input = LayerInput::real;
        } else if (t[1].text == "binary") {
            layer.input = LayerInput::binary;
        } else {
            rd.fail("layer input must be `real` or `binary`, found `" + std::string(t[1].text) +
                        "`",
                    t[1].column, lkey);
        }
        if (index > 1 && layer.input == LayerInput::real) {
            rd.fail("only the first layer may take real-valued inputs", t[1].column, lkey);
        }
        const int k = rd.to_int(t[2], lkey + " K");
        const int j = rd.to_int(t[3], lkey + " J");
        if (k <= 0 || j <= 0 || static_cast<long long>(k) * j > (1LL << 28)) {
            rd.fail("layer dimensions " + std::to_string(k) + "x" + std::to_string(j) +
                        " are not positive or too large",
                    t[2].column, lkey);
        }
        if (!model.layers.empty() && model.layers.back().j() != k) {
            rd.fail("wrong dimensions: layer " + std::to_string(index) + " has K = " +
                        std::to_string(k) + " inputs but layer " + std::to_string(index - 1) +
                        " has J = " + std::to_string(model.layers.back().j()) + " outputs",
                    t[2].column, lkey);
        }
        if (!model.layers.empty() && model.layers.back().output == LayerOutput::score) {
            rd.fail("a `score` layer must be the last layer", t[0].column, lkey);
        }
        if (t[4].text == "sign") {
            layer.output = LayerOutput::sign;
        } else if (t[4].text == "score") {
            layer.output = LayerOutput::score;
        } else {
            rd.fail("layer output must be `sign` or `score`, found `" + std::string(t[4].text) +
                        "`",
                    t[4].column, lkey);
        }
        layer.w.resize(j, k);
        layer.k_source = rd.at(t[2], lkey + " K");
        layer.j_source = rd.at(t[3], lkey + " J");
        for (int r = 0; r < j; ++r) {
            const std::string wkey = lkey + " weights row " + std::to_string(r + 1);
            const auto wt = rd.next(wkey);
            rd.expect_count(wt, static_cast<std::size_t>(k),
                            wkey + ": " + std::to_string(k) + " weights");
            for (int c = 0; c < k; ++c) {
                const std::string_view s = wt[static_cast<std::size_t>(c)].text;
                std::int8_t v = 0;
                if (s == "1" || s == "+1") {
                    v = 1;
                } else if (s == "-1") {
                    v = -1;
                } else {
                    rd.fail("weight `" + std::string(s) + "` (input " + std::to_string(c + 1) +
                                ") is not +1 or -1",
                            wt[static_cast<std::size_t>(c)].column, wkey);
                }
                layer.w(r, c) = v;
            }
        }
        layer.p0.resize(static_cast<std::size_t>(j));
        layer.p1.resize(static_cast<std::size_t>(j));
        const bool sign = layer.output == LayerOutput::sign;
        for (int r = 0; r < j; ++r) {
            const std::string pkey =
                lkey + (sign ? " threshold " : " scale/offset ") + std::to_string(r + 1);
            const auto pt = rd.next(pkey);
            rd.expect_count(pt, 2, sign ? "`theta dir`" : "`scale offset`");
            const auto u = static_cast<std::size_t>(r);
            layer.p0[u] = rd.to_double(pt[0], pkey);
            layer.p1[u] = rd.to_double(pt[1], pkey);
            if (sign && layer.p1[u] != 1.0 && layer.p1[u] != -1.0) {
                rd.fail("direction `" + std::string(pt[1].text) + "` is not 1 or -1", pt[1].column,
                        pkey);
            }
        }
        model.layers.push_back(std::move(layer));
    }
    if (model.layers.empty()) {
        throw InputError("model file has no layers", SourceLocation{path, 0, 0, {}});
    }
    if (model.layers.back().output != LayerOutput::score) {
        throw InputError(
            "the last layer must be a `score` layer",
            SourceLocation{path, 0, 0, "layer " + std::to_string(model.layers.size())});
    }
    return model;
}

} // namespace spincim::network
