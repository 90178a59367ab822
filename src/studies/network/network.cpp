// The `network` study kind (seed 001 Secs. V–VI): trains the BNN, maps it onto the sub-arrays
// and reports accuracy with errors injected from the CRER tables of a sweep, through the
// network layer (network/study.hpp).

#include <array>
#include <cstdio>
#include <ostream>

#include "spincim/config/reader.hpp"
#include "spincim/core/output_dir.hpp"
#include "spincim/network/study.hpp"
#include "spincim/studies/registry.hpp"

namespace spincim::studies {

using config::Map;
using config::Value;

namespace {

network::NetworkStudySpec read_network(const Value& v, const std::filesystem::path& study_dir,
                                       const Environment& environment, const std::string& name,
                                       std::uint64_t seed) {
    Map m = v.map();
    network::NetworkStudySpec n;
    n.name = name;
    n.seed = seed;
    // A data file's own error keeps the file's location (byte offset, line) and names the study
    // key that pointed at it.
    const auto named_by = [](const Value& key, auto&& check) -> decltype(check()) {
        try {
            return check();
        } catch (const InputError& e) {
            throw InputError(std::string(e.detail())
                                 .append(" (file given at ")
                                 .append(key.where().str())
                                 .append(")"),
                             e.where());
        }
    };
    constexpr std::array<std::string_view, 2> datasets{"digits", "mnist"};
    n.dataset = m.choice_or("dataset", datasets, "digits");
    int n_features = data::digits_features;
    const int n_classes = data::digits_classes; // MNIST has the same ten digit classes
    if (n.dataset == "digits") {
        if (auto f = m.optional("digits_csv")) {
            n.digits_csv = existing_file(*f, study_dir);
        } else {
            // The built-in data set shipped with spincim (netlists/data/README.md).
            n.digits_csv = (environment.data_dir() / "digits8x8.csv").string();
            if (!std::filesystem::is_regular_file(n.digits_csv))
                m.value().fail("the built-in digits data set is not at " + n.digits_csv +
                               "; give digits_csv");
        }
    } else {
        Map mn = m.required("mnist").map();
        const Value train_images = mn.required("train_images");
        const Value test_images = mn.required("test_images");
        n.mnist_train_images = existing_file(train_images, study_dir);
        n.mnist_train_labels = existing_file(mn.required("train_labels"), study_dir);
        n.mnist_test_images = existing_file(test_images, study_dir);
        n.mnist_test_labels = existing_file(mn.required("test_labels"), study_dir);
        mn.finish();
        // Headers, sizes and labels are checked now, so that `check` finds a bad IDX file.
        const auto train = named_by(train_images, [&] {
            return data::check_mnist_idx(n.mnist_train_images, n.mnist_train_labels);
        });
        const auto test = named_by(test_images, [&] {
            return data::check_mnist_idx(n.mnist_test_images, n.mnist_test_labels);
        });
        if (test.rows != train.rows || test.cols != train.cols)
            test_images.fail("the test images are " + std::to_string(test.rows) + "x" +
                             std::to_string(test.cols) + " pixels but the training images " +
                             std::to_string(train.rows) + "x" + std::to_string(train.cols));
        n_features = static_cast<int>(train.rows * train.cols);
    }
    // A trained model to evaluate instead of training one (bnn_model.hpp text format).
    std::optional<network::BnnModel> model;
    std::optional<Value> model_key = m.optional("model");
    if (model_key) {
        n.model_file = existing_file(*model_key, study_dir);
        model = named_by(*model_key, [&] { return network::load_model(n.model_file); });
    }
    n.max_train = static_cast<std::size_t>(m.integer_or("max_train", 0, 0, 100000000));
    n.max_test = static_cast<std::size_t>(m.integer_or("max_test", 0, 0, 100000000));
    if (auto h = m.optional("hidden"); h && model) {
        h->fail("the model file fixes the hidden layer widths; remove 'hidden'");
    } else if (model) {
        n.hidden = network::hidden_widths(*model);
        v.context()->resolved["network"]["hidden"] = n.hidden;
    } else if (h) {
        n.hidden.clear();
        for (const auto& item : h->items())
            n.hidden.push_back(static_cast<int>(item.integer(1, 65536)));
        if (n.hidden.empty())
            h->fail("give at least one hidden layer width");
    } else {
        v.context()->resolved["network"]["hidden"] = n.hidden;
    }
    n.train.epochs = static_cast<int>(m.integer_or("epochs", n.train.epochs, 1, 10000));
    n.train.batch_size =
        static_cast<int>(m.integer_or("batch_size", n.train.batch_size, 1, 100000));
    n.train.learning_rate = m.positive_or("learning_rate", n.train.learning_rate);
    n.train.seed = seed;
    n.float_reference = m.boolean_or("float_reference", n.float_reference);
    n.compare_flat_aer = m.boolean_or("compare_flat_aer", n.compare_flat_aer);
    n.repeats = static_cast<int>(m.integer_or("repeats", n.repeats, 1, 100000));
    n.threads = static_cast<int>(m.integer_or("threads", 0, 0, 1024));
    n.access_time_s = m.positive_or("access_time", n.access_time_s);
    const Value arrays = m.required("arrays");
    for (const auto& av : arrays.items()) {
        Map a = av.map();
        network::ArrayCase c;
        c.n_columns = static_cast<int>(a.required("n").integer(1, 65536));
        c.m_rows = static_cast<int>(a.integer_or("m", 0, 0, 65536));
        c.boost = a.boolean_or("boost", false);
        c.access_width = a.positive_or("access_width", c.access_width);
        if (auto l = a.optional("label"))
            c.label = l->identifier();
        if (auto f = a.optional("crer"))
            c.crer_csv = existing_file(*f, study_dir);
        if (auto e = a.optional("energy_per_accumulation"))
            c.energy_per_accumulation_j = e->positive();
        a.finish();
        n.arrays.push_back(std::move(c));
    }
    if (n.arrays.empty())
        arrays.fail("give at least one array configuration");
    if (model)
        named_by(*model_key,
                 [&] { network::check_model_fits(*model, n_features, n_classes, n.arrays); });
    m.finish();
    return n;
}

// Runs the study, writes accuracy.csv, mapping.csv and the trained models (models/) into `out`,
// and returns results.json's content; `table` receives the text printed to the terminal.
nlohmann::ordered_json run_network(const Study& study, network::NetworkStudySpec spec,
                                   const OutputDir& out, std::string& table) {
    spec.model_dir = out.file("models").string();
    const network::NetworkStudyResult r = network::run_network_study(spec);
    network::write_accuracy_csv(r, out.file("accuracy.csv").string());
    network::write_mapping_csv(r, out.file("mapping.csv").string());

    const Header& header = study.header();
    nlohmann::ordered_json j = results_header(header);
    j["analysis"] = "network (BNN with injected row errors)";
    j["status"] = "ok";
    j["parameters"] = study.resolved();
    j["dataset"] = r.dataset;
    j["n_train"] = r.n_train;
    j["n_test"] = r.n_test;
    j["float_accuracy"] =
        r.float_accuracy >= 0 ? nlohmann::ordered_json(r.float_accuracy) : nullptr;
    nlohmann::ordered_json sw = nlohmann::ordered_json::array();
    for (const auto& [n, acc] : r.software_accuracy)
        sw.push_back({{"n", n}, {"accuracy", acc}});
    j["software_accuracy"] = sw;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    char line[256];
    table = "study " + header.name + " (seed " + std::to_string(header.seed) + "): " + r.dataset +
            ", " + std::to_string(r.n_train) + " training / " + std::to_string(r.n_test) +
            " test samples\n";
    if (r.float_accuracy >= 0) {
        std::snprintf(line, sizeof line, "float MLP of the same shape: %.2f %%\n",
                      100 * r.float_accuracy);
        table += line;
    }
    std::snprintf(line, sizeof line, "%-22s %5s %6s %9s %10s %10s %18s %9s\n", "array", "N",
                  "boost", "injection", "AER", "software", "accuracy (95% CI)", "TOPS/W");
    table += line;
    for (const auto& a : r.accuracy) {
        nlohmann::ordered_json e;
        e["label"] = a.label;
        e["n"] = a.n_columns;
        e["boost"] = a.boost;
        e["access_width"] = a.access_width;
        e["injection"] = a.injection;
        e["aer"] = a.aer;
        e["flip_rate"] = a.flip_rate;
        e["software_accuracy"] = a.software_accuracy;
        e["accuracy_mean"] = a.accuracy.mean;
        e["accuracy_ci_low"] = a.accuracy.ci_low;
        e["accuracy_ci_high"] = a.accuracy.ci_high;
        // TOPS/W needs the case's energy per accumulation (study key energy_per_accumulation);
        // without it the efficiency is unknown, not zero.
        const bool has_energy = a.tops_per_w > 0.0;
        e["tops_per_w"] = has_energy ? nlohmann::ordered_json(a.tops_per_w) : nullptr;
        rows.push_back(e);
        char tops[32] = "-";
        if (has_energy) {
            std::snprintf(tops, sizeof tops, "%.1f", a.tops_per_w);
        }
        std::snprintf(line, sizeof line,
                      "%-22s %5d %6s %9s %10.3g %9.2f%% %7.2f [%5.2f,%5.2f] %9s\n", a.label.c_str(),
                      a.n_columns, a.boost ? "yes" : "no", a.injection.c_str(), a.aer,
                      100 * a.software_accuracy, 100 * a.accuracy.mean, 100 * a.accuracy.ci_low,
                      100 * a.accuracy.ci_high, tops);
        table += line;
    }
    j["accuracy"] = rows;
    j["array_tops"] = r.array_tops;
    j["seed_tops_per_w"] = r.seed_tops_per_w;
    return j;
}

class NetworkStudy final : public Study {
public:
    NetworkStudy(Header header, network::NetworkStudySpec spec)
        : Study(std::move(header)), spec_(std::move(spec)) {}

    const Kind& kind() const override { return network_kind(); }

    std::string summary() const override {
        return "network study, " + std::to_string(spec_.arrays.size()) + " array configurations";
    }

    netlist::Netlist netlist() const override {
        refuse("a network study simulates no netlist (it consumes CRER tables)");
    }

    RunOutcome run(const OutputDir& out, std::ostream& term, const RunOptions&) const override {
        std::string table;
        const auto j = run_network(*this, spec_, out, table);
        out.write("results.json", j.dump(2) + "\n");
        term << table;
        return {};
    }

private:
    network::NetworkStudySpec spec_;
};

class NetworkKind final : public Kind {
public:
    std::string_view name() const override { return "network"; }
    std::string_view section() const override { return "network"; }
    std::string_view summary() const override {
        return "BNN accuracy with row errors injected from CRER tables (seed 001 V-VI)";
    }
    std::string help() const override {
        return R"(  network:                     BNN on STT-BNN sub-arrays (seed 001 Secs. V-VI), instead of circuit:
    dataset: digits            digits (built in; digits_csv: FILE) | mnist, then
    mnist:                     IDX files (paths relative to the study file), checked by `check`:
      train_images: F          magic 0x00000803, count, rows, cols, then count*rows*cols bytes
      train_labels: F          magic 0x00000801, count, then count labels 0..9
      test_images: F           same image size as the training images
      test_labels: F
    model: FILE                evaluate this BNN (bnn_model.hpp text format, e.g. models/bnn_N64.txt
                               of a run) instead of training: its K must match the data (64 for
                               digits, rows*cols for mnist), its last J the 10 classes, its
                               partition 1..N of every array; hidden then comes from the file
    hidden: [1024, 1024]       hidden layer widths; epochs (20), batch_size (16), learning_rate
    max_train: 0  max_test: 0  limit the samples (0 = all)
    float_reference: true      also train a float MLP of the same shape
    repeats: 10                injection seeds per configuration; compare_flat_aer: true
    access_time: 10n           array access time, s (TOPS/W); threads: 0 (all cores)
    arrays:                    list of {n, m (0 = square), label, boost, access_width,
                               crer: FILE.csv (from a sweep; none = ideal),
                               energy_per_accumulation (J)}
)";
    }
    std::unique_ptr<Study> parse(ParseInput& in) const override {
        return std::make_unique<NetworkStudy>(
            in.header,
            read_network(in.section, std::filesystem::absolute(in.header.file).parent_path(),
                         in.environment, in.header.name, in.header.seed));
    }
};

} // namespace

const Kind& network_kind() {
    static const NetworkKind kind;
    return kind;
}

} // namespace spincim::studies
