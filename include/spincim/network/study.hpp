#pragma once
// Network study (issue 6, item 6; seed 001 Sec. VI, Fig. 12): train one partitioned BNN per
// sub-array width N, evaluate it in software and on the arrays with the CRER tables of the
// Monte Carlo study (with/without SL boosting, several access-transistor widths), per-k and flat-
// AER injection over several seeds, and report accuracy with 95 % confidence intervals, sub-array
// counts (Tables II–III) and TOPS/W (Table IV). The CLI fills the spec from YAML (config layer).

#include <cstdint>
#include <string>
#include <vector>

#include "spincim/network/hardware.hpp"
#include "spincim/network/metrics.hpp"
#include "spincim/network/train.hpp"

namespace spincim::network {

// One array configuration: a CRER table of an N-column row (from `spincim sweep`).
struct ArrayCase {
    std::string label;                    // e.g. "N128_boost_4x"; empty = generated
    int n_columns = 128;                  // N
    int m_rows = 0;                       // M; 0 = square (M = N)
    bool boost = false;                   // SL boosting (seed 001 Sec. IV-B)
    double access_width = 4.0;            // access transistor width / minimum (Fig. 13)
    std::string crer_csv;                 // empty = ideal array (RER ≡ 0)
    double energy_per_accumulation_j = 0; // eq. (10) energy; 0 = unknown (no TOPS/W)
};

struct NetworkStudySpec {
    std::string name = "stt_bnn_network";
    std::string dataset = "digits"; // "digits" or "mnist"
    std::string digits_csv;         // path of netlists/data/digits8x8.csv
    std::string mnist_train_images, mnist_train_labels, mnist_test_images, mnist_test_labels;
    std::size_t max_train = 0; // 0 = all
    std::size_t max_test = 0;
    std::vector<int> hidden = {1024, 1024};
    TrainOptions train;
    bool float_reference = true; // also train the float MLP of the same shape
    std::vector<ArrayCase> arrays;
    bool compare_flat_aer = true; // also inject every table's AER flat (paper method)
    int repeats = 10;             // injection seeds per configuration
    std::uint64_t seed = 1;
    int threads = 0;              // 0 = all cores
    double access_time_s = 10e-9; // seed 001 Sec. III-B
    std::string model_dir;        // non-empty: save trained models as bnn_N<N>.txt
    // Non-empty: no BNN is trained; this model file (bnn_model.hpp format) is evaluated on every
    // array case (its partition width must fit every N; `hidden` is taken from it).
    std::string model_file;
};

struct AccuracyRow {
    std::string label;
    int n_columns = 0;
    bool boost = false;
    double access_width = 0;
    std::string injection;             // "none", "per_k" or "flat"
    double aer = 0;                    // Σ CRER(k) of the table (eq. 9)
    double flip_rate = 0;              // measured fraction of flipped row outputs
    double software_accuracy = 0;      // the partitioned network, no errors
    MeanCi accuracy;                   // over `repeats` injection seeds
    double tops_per_w = 0;             // 0 when the energy is unknown
    double energy_per_inference_j = 0; // row evaluations × energy per accumulation
};

struct MappingRow {
    int n_columns = 0;
    int m_rows = 0;
    LayerMapping layer;
};

struct NetworkStudyResult {
    std::string name;
    std::string dataset;
    std::size_t n_train = 0;
    std::size_t n_test = 0;
    double float_accuracy = -1; // float MLP test accuracy; −1 if not trained
    std::vector<std::pair<int, double>> software_accuracy; // (N, partitioned BNN accuracy)
    std::vector<AccuracyRow> accuracy;
    std::vector<MappingRow> mapping;
    double array_tops = 0; // throughput of one array of the first case
    double seed_tops_per_w = seed001_tops_per_watt_boost;
};

[[nodiscard]] NetworkStudyResult run_network_study(const NetworkStudySpec& spec);

// Checks that a given model fits a study: K of layer 1 equals the data set's feature count, J of
// the last layer its class count, and the partition width P lies in 1 … N for every array case
// (the condition of HardwareNetwork). Throws InputError at the offending number of the model
// file (BnnLayer::k_source / j_source, BnnModel::partition_source).
void check_model_fits(const BnnModel& model, int n_features, int n_classes,
                      const std::vector<ArrayCase>& arrays);

// Hidden layer widths of a model (J of every layer but the last).
[[nodiscard]] std::vector<int> hidden_widths(const BnnModel& model);

// CSV tables (header row, SI units in column names).
void write_accuracy_csv(const NetworkStudyResult& result, const std::string& path);
void write_mapping_csv(const NetworkStudyResult& result, const std::string& path);

} // namespace spincim::network
