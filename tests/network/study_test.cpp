#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/network/study.hpp"

#include "test_util.hpp"

using namespace spincim;
using namespace spincim::network;
using Catch::Matchers::WithinRel;

namespace {

NetworkStudySpec small_spec() {
    NetworkStudySpec spec;
    spec.name = "test_study";
    spec.digits_csv = std::string(SPINCIM_SOURCE_DIR) + "/netlists/data/digits8x8.csv";
    spec.hidden = {128, 128};
    spec.train.epochs = 4;
    spec.repeats = 3;
    spec.threads = 2;
    return spec;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

TEST_CASE("network study: ideal and table-driven cases, mapping, CSV output") {
    NetworkStudySpec spec = small_spec();
    const std::string table = testing::scratch("study_crer64.csv");
    write_crer_csv(testing::gaussian_table(64, 2.0), table);
    spec.arrays.push_back({"ideal64", 64, 0, false, 4.0, "", 0.0});
    // Energy per accumulation chosen so that 2·64 ops give 311 TOPS/W (seed 001 Table IV).
    spec.arrays.push_back({"", 64, 0, true, 4.0, table, 128.0 / 311e12});
    spec.model_dir = testing::scratch("models");
    const NetworkStudyResult r = run_network_study(spec);

    CHECK(r.n_train == 1348);
    CHECK(r.n_test == 449);
    REQUIRE(r.software_accuracy.size() == 1);
    CHECK(r.software_accuracy[0].first == 64);
    CHECK(r.float_accuracy > 0.9);
    REQUIRE(r.accuracy.size() == 3); // ideal, per-k, flat
    CHECK(r.accuracy[0].injection == "none");
    // The ideal array reproduces the software accuracy exactly (acceptance 1).
    CHECK(r.accuracy[0].accuracy.mean == r.software_accuracy[0].second);
    CHECK(r.accuracy[0].flip_rate == 0.0);
    CHECK(r.accuracy[1].label == "N64_boost_4x");
    CHECK(r.accuracy[1].injection == "per_k");
    CHECK(r.accuracy[2].injection == "flat");
    CHECK(r.accuracy[1].accuracy.n == 3);
    CHECK(r.accuracy[1].accuracy.ci_low <= r.accuracy[1].accuracy.mean);
    CHECK_THAT(r.accuracy[1].tops_per_w, WithinRel(311.0, 1e-12));
    // Flat injection flips rows at the AER (within 10 %: ~4·10^5 row evaluations per repeat).
    CHECK_THAT(r.accuracy[2].flip_rate, WithinRel(r.accuracy[2].aer, 0.1));
    // Mapping of 64 → 128 → 128 → 10 on 64×64 arrays: layer 1 digital, 2·2, 2·1.
    REQUIRE(r.mapping.size() == 3);
    CHECK_FALSE(r.mapping[0].layer.mapped);
    CHECK(r.mapping[1].layer.subarrays == 4);
    CHECK(r.mapping[2].layer.subarrays == 2);
    CHECK_THAT(r.array_tops, WithinRel(64.0 * 128.0 / 10e-9 / 1e12, 1e-12));

    const std::string acc_csv = testing::scratch("accuracy.csv");
    const std::string map_csv = testing::scratch("mapping.csv");
    write_accuracy_csv(r, acc_csv);
    write_mapping_csv(r, map_csv);
    const std::string acc = read_file(acc_csv);
    CHECK_THAT(acc,
               Catch::Matchers::StartsWith("label,n_columns,boost,access_width,injection,aer,"));
    CHECK(std::count(acc.begin(), acc.end(), '\n') == 4);
    CHECK_THAT(read_file(map_csv), Catch::Matchers::Contains("64,64,2,128,128,1,2,2,4\n"));
    // The trained model was saved and loads back.
    CHECK(load_model(spec.model_dir + "/bnn_N64.txt").partition == 64);
}

TEST_CASE("network study rejects bad specs") {
    NetworkStudySpec spec = small_spec();
    CHECK_THROWS_AS(run_network_study(spec), InputError); // no arrays
    const std::string table = testing::scratch("study_crer128.csv");
    write_crer_csv(constant_rer_table(128, 0.01), table);
    spec.arrays.push_back({"", 64, 0, false, 4.0, table, 0.0});
    spec.train.epochs = 1;
    spec.float_reference = false;
    try {
        (void)run_network_study(spec);
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(e.where().file == table);
        CHECK_THAT(e.what(), Catch::Matchers::Contains("N = 64"));
    }
    spec.dataset = "cifar";
    CHECK_THROWS_AS(run_network_study(spec), InputError);
}
