#include "spincim/network/study.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/error.hpp"

namespace spincim::network {

namespace {

TrainTestSplit load_data(const NetworkStudySpec& spec) {
    TrainTestSplit data;
    if (spec.dataset == "digits") {
        if (spec.digits_csv.empty()) {
            throw InputError("the digits data set needs the path of digits8x8.csv",
                             SourceLocation{{}, 0, 0, "digits_csv"});
        }
        data = split_every(load_digits_csv(spec.digits_csv), 4);
    } else if (spec.dataset == "mnist") {
        data.train =
            load_mnist_idx(spec.mnist_train_images, spec.mnist_train_labels, spec.max_train);
        data.test = load_mnist_idx(spec.mnist_test_images, spec.mnist_test_labels, spec.max_test);
        if (data.test.n_features() != data.train.n_features()) {
            throw InputError("the test images have " + std::to_string(data.test.n_features()) +
                                 " pixels but the training images " +
                                 std::to_string(data.train.n_features()) + " (at byte offset 8)",
                             SourceLocation{spec.mnist_test_images, 0, 0, "row count"});
        }
        return data;
    } else {
        throw InputError("unknown data set `" + spec.dataset + "` (expected digits or mnist)",
                         SourceLocation{{}, 0, 0, "dataset"});
    }
    const auto trim = [](Dataset& d, std::size_t max) {
        if (max > 0 && d.size() > max) {
            std::vector<std::size_t> idx(max);
            for (std::size_t i = 0; i < max; ++i) {
                idx[i] = i;
            }
            d = subset(d, idx);
        }
    };
    trim(data.train, spec.max_train);
    trim(data.test, spec.max_test);
    return data;
}

// Key of the injection stream of repeat r: distinct studies (seeds) and repeats never share a
// stream (SplitMix64 golden-ratio increment).
std::uint64_t repeat_seed(std::uint64_t seed, int r) {
    return seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(r) + 1;
}

std::string case_label(const ArrayCase& c) {
    if (!c.label.empty()) {
        return c.label;
    }
    std::ostringstream os;
    os << 'N' << c.n_columns << (c.boost ? "_boost_" : "_noboost_") << c.access_width << 'x';
    return os.str();
}

} // namespace

void check_model_fits(const BnnModel& model, int n_features, int n_classes,
                      const std::vector<ArrayCase>& arrays) {
    if (model.layers.empty()) {
        throw InputError("the model has no layers", model.partition_source);
    }
    const BnnLayer& first = model.layers.front();
    if (first.k() != n_features) {
        throw InputError("wrong dimensions: layer 1 has K = " + std::to_string(first.k()) +
                             " inputs but the data set has " + std::to_string(n_features) +
                             " features",
                         first.k_source);
    }
    const BnnLayer& last = model.layers.back();
    if (last.j() != n_classes) {
        throw InputError("wrong dimensions: the last layer has J = " + std::to_string(last.j()) +
                             " outputs but the data set has " + std::to_string(n_classes) +
                             " classes",
                         last.j_source);
    }
    for (const ArrayCase& c : arrays) {
        if (model.partition < 1 || model.partition > c.n_columns) {
            throw InputError(
                "the model is partitioned with width P = " + std::to_string(model.partition) +
                    " but an array case has N = " + std::to_string(c.n_columns) +
                    " columns: a model for the arrays needs P in 1.." + std::to_string(c.n_columns),
                model.partition_source);
        }
    }
}

std::vector<int> hidden_widths(const BnnModel& model) {
    std::vector<int> h;
    for (std::size_t l = 0; l + 1 < model.layers.size(); ++l) {
        h.push_back(model.layers[l].j());
    }
    return h;
}

NetworkStudyResult run_network_study(const NetworkStudySpec& spec) {
    if (spec.arrays.empty()) {
        throw InputError("a network study needs at least one array case",
                         SourceLocation{{}, 0, 0, "arrays"});
    }
    if (spec.repeats < 1) {
        throw InputError("repeats must be ≥ 1", SourceLocation{{}, 0, 0, "repeats"});
    }
    for (const ArrayCase& c : spec.arrays) {
        if (c.n_columns < 1 || c.m_rows < 0) {
            throw InputError("array size must be positive (N = " + std::to_string(c.n_columns) +
                                 ")",
                             SourceLocation{{}, 0, 0, "arrays." + case_label(c)});
        }
    }
    const TrainTestSplit data = load_data(spec);
    NetworkStudyResult result;
    result.name = spec.name;
    result.dataset = spec.dataset;
    result.n_train = data.train.size();
    result.n_test = data.test.size();

    // One partitioned network per distinct N, trained in parallel (each training is
    // single-threaded and deterministic).
    std::vector<int> widths;
    for (const ArrayCase& c : spec.arrays) {
        widths.push_back(c.n_columns);
    }
    std::sort(widths.begin(), widths.end());
    widths.erase(std::unique(widths.begin(), widths.end()), widths.end());
    std::vector<BnnModel> models(widths.size());
    std::vector<int> hidden = spec.hidden;
    if (!spec.model_file.empty()) {
        // A given model replaces training: the same network on every array width.
        const BnnModel given = load_model(spec.model_file);
        check_model_fits(given, data.train.n_features(), data.train.n_classes, spec.arrays);
        hidden = hidden_widths(given);
        models.assign(widths.size(), given);
    }
    FloatMlp mlp;
    {
        const int threads =
            spec.threads > 0 ? spec.threads
                             : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        // Job i < widths.size() trains the BNN of width i (none with a given model), job
        // widths.size() the float reference.
        std::vector<std::size_t> jobs;
        for (std::size_t i = 0; i < widths.size() + 1; ++i) {
            if (i < widths.size() ? spec.model_file.empty() : spec.float_reference) {
                jobs.push_back(i);
            }
        }
        std::size_t next = 0;
        std::mutex m;
        std::exception_ptr error;
        const auto worker = [&] {
            while (true) {
                std::size_t job = 0;
                {
                    std::lock_guard lock(m);
                    if (next >= jobs.size() || error) {
                        return;
                    }
                    job = jobs[next++];
                }
                try {
                    if (job < widths.size()) {
                        models[job] = train_bnn(data.train, hidden, widths[job], spec.train);
                    } else {
                        mlp = train_float_mlp(data.train, hidden, spec.train);
                    }
                } catch (...) {
                    std::lock_guard lock(m);
                    error = std::current_exception();
                }
            }
        };
        std::vector<std::thread> pool;
        for (int t = 0; t < std::min<int>(threads, static_cast<int>(jobs.size())); ++t) {
            pool.emplace_back(worker);
        }
        for (auto& th : pool) {
            th.join();
        }
        if (error) {
            std::rethrow_exception(error);
        }
    }
    if (spec.float_reference) {
        result.float_accuracy = accuracy(mlp.predict(data.test.x), data.test.y);
    }
    std::map<int, double> sw;
    if (!spec.model_dir.empty() && spec.model_file.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(spec.model_dir, ec);
        if (ec) {
            throw InputError("cannot create the model directory: " + ec.message(),
                             SourceLocation{spec.model_dir, 0, 0, "model_dir"});
        }
    }
    for (std::size_t i = 0; i < widths.size(); ++i) {
        sw[widths[i]] = accuracy(predict_software(models[i], data.test.x), data.test.y);
        result.software_accuracy.emplace_back(widths[i], sw[widths[i]]);
        if (!spec.model_dir.empty() && spec.model_file.empty()) {
            save_model(models[i], spec.model_dir + "/bnn_N" + std::to_string(widths[i]) + ".txt");
        }
    }

    for (const ArrayCase& c : spec.arrays) {
        const int n = c.n_columns;
        const int m = c.m_rows > 0 ? c.m_rows : n;
        const auto idx = static_cast<std::size_t>(
            std::lower_bound(widths.begin(), widths.end(), n) - widths.begin());
        const HardwareNetwork hw(models[idx], n);
        AccuracyRow base;
        base.label = case_label(c);
        base.n_columns = n;
        base.boost = c.boost;
        base.access_width = c.access_width;
        base.software_accuracy = sw[n];
        if (c.energy_per_accumulation_j > 0.0) {
            base.tops_per_w = tops_per_watt(n, c.energy_per_accumulation_j);
            base.energy_per_inference_j =
                static_cast<double>(hw.rows_per_sample()) * c.energy_per_accumulation_j;
        }
        if (result.array_tops == 0.0) {
            result.array_tops = array_tops(n, m, spec.access_time_s);
        }
        std::vector<std::pair<std::string, ErrorModel>> models_to_run;
        if (c.crer_csv.empty()) {
            models_to_run.emplace_back("none", ErrorModel::ideal(n));
        } else {
            const CrerTable table = read_crer_csv(c.crer_csv);
            if (table.n != n) {
                throw InputError("the CRER table has rows k = 0.." + std::to_string(table.n) +
                                     " but the array case has N = " + std::to_string(n),
                                 SourceLocation{c.crer_csv, 0, 0, "k"});
            }
            base.aer = table.aer();
            models_to_run.emplace_back("per_k", ErrorModel::per_k(table));
            if (spec.compare_flat_aer) {
                models_to_run.emplace_back("flat", ErrorModel::flat(n, table.aer()));
            }
        }
        for (const auto& [mode, errors] : models_to_run) {
            AccuracyRow row = base;
            row.injection = mode;
            const int repeats = errors.mode == Injection::none ? 1 : spec.repeats;
            std::vector<double> acc;
            std::uint64_t flips = 0;
            std::uint64_t rows = 0;
            for (int r = 0; r < repeats; ++r) {
                const HardwareRun run =
                    hw.infer(data.test.x, errors, repeat_seed(spec.seed, r), spec.threads);
                acc.push_back(accuracy(run.predicted, data.test.y));
                flips += run.flips;
                rows += run.row_evaluations;
            }
            row.accuracy = mean_ci95(acc);
            row.flip_rate = rows > 0 ? static_cast<double>(flips) / static_cast<double>(rows) : 0;
            result.accuracy.push_back(row);
        }
    }
    for (int n : widths) {
        int m = n;
        for (const ArrayCase& c : spec.arrays) {
            if (c.n_columns == n && c.m_rows > 0) {
                m = c.m_rows;
            }
        }
        for (const LayerMapping& lm :
             map_layers(models[static_cast<std::size_t>(
                            std::lower_bound(widths.begin(), widths.end(), n) - widths.begin())],
                        n, m)) {
            result.mapping.push_back({n, m, lm});
        }
    }
    return result;
}

namespace {

void write_text(const std::string& path, const std::string& text) {
    write_file_atomically(path, text);
}

// A quantity that is known only when positive (TOPS/W and energy need the case's energy per
// accumulation): its value, or an empty CSV field.
std::string optional_positive(double x) {
    if (!(x > 0.0)) {
        return "";
    }
    std::ostringstream os;
    os.precision(10);
    os << x;
    return os.str();
}

} // namespace

void write_accuracy_csv(const NetworkStudyResult& result, const std::string& path) {
    std::ostringstream os;
    os.precision(10);
    os << "label,n_columns,boost,access_width,injection,aer,flip_rate,software_accuracy,"
          "float_accuracy,accuracy_mean,accuracy_sd,accuracy_ci_low,accuracy_ci_high,repeats,"
          "tops_per_w,energy_per_inference_j\n";
    for (const AccuracyRow& r : result.accuracy) {
        os << r.label << ',' << r.n_columns << ',' << (r.boost ? 1 : 0) << ',' << r.access_width
           << ',' << r.injection << ',' << r.aer << ',' << r.flip_rate << ',' << r.software_accuracy
           << ',' << result.float_accuracy << ',' << r.accuracy.mean << ',' << r.accuracy.sd << ','
           << r.accuracy.ci_low << ',' << r.accuracy.ci_high << ',' << r.accuracy.n << ','
           << optional_positive(r.tops_per_w) << ',' << optional_positive(r.energy_per_inference_j)
           << "\n";
    }
    write_text(path, os.str());
}

void write_mapping_csv(const NetworkStudyResult& result, const std::string& path) {
    std::ostringstream os;
    os << "n_columns,m_rows,layer,k,j,mapped,column_groups,row_groups,subarrays\n";
    for (const MappingRow& r : result.mapping) {
        os << r.n_columns << ',' << r.m_rows << ',' << r.layer.layer << ',' << r.layer.k << ','
           << r.layer.j << ',' << (r.layer.mapped ? 1 : 0) << ',' << r.layer.column_groups << ','
           << r.layer.row_groups << ',' << r.layer.subarrays << "\n";
    }
    write_text(path, os.str());
}

} // namespace spincim::network
