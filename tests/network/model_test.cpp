#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/network/bnn_model.hpp"

#include "test_util.hpp"

using namespace spincim;
using namespace spincim::network;
using spincim::network::testing::scratch;
using spincim::network::testing::write_text;

namespace {

// A 3-input real layer with 4 outputs, then a binary 4→2 score layer partitioned with P = 2.
BnnModel tiny_model() {
    BnnModel m;
    m.partition = 2;
    BnnLayer l1;
    l1.input = LayerInput::real;
    l1.output = LayerOutput::sign;
    l1.w.resize(4, 3);
    l1.w << 1, 1, 1, /**/ 1, -1, 1, /**/ -1, -1, 1, /**/ 1, 1, -1;
    l1.p0 = {1.0, 0.25, 0.0, 0.5};
    l1.p1 = {1.0, 1.0, -1.0, 1.0};
    BnnLayer l2;
    l2.input = LayerInput::binary;
    l2.output = LayerOutput::score;
    l2.w.resize(2, 4);
    l2.w << 1, 1, -1, 1, /**/ -1, 1, 1, -1;
    l2.p0 = {1.0, 1.0};
    l2.p1 = {0.0, 0.5};
    m.layers = {l1, l2};
    return m;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

TEST_CASE("software inference of the partitioned network matches a hand calculation") {
    const BnnModel m = tiny_model();
    m.validate();
    Eigen::MatrixXf x(2, 3);
    x << 0.5F, 0.25F, 0.5F, /**/ 0.0F, 1.0F, 0.0F;
    // Sample 0: a = (1.25, 0.75, -0.25, 0.25) → y = (+1 [1.25 ≥ 1], +1 [0.75 ≥ 0.25],
    //   +1 [dir −1: −0.25 ≤ 0], −1 [0.25 < 0.5]).
    //   Layer 2, groups {1,2},{3,4}: neuron 0 partials (1+1)=2 → +1, (−1−1)=−2 → −1: a = 0,
    //   score 0; neuron 1: (−1+1)=0 → +1 (2k ≥ n), (1+1)=2 → +1: a = 2, score 2.5 → class 1.
    // Sample 1: a = (1, −1, −1, 1) → y = (+1, −1, +1 [−1 ≤ 0], +1).
    //   neuron 0: (1−1)=0 → +1, (−1+1)=0 → +1: a = 2, score 2; neuron 1: (−1−1)=−2 → −1,
    //   (1−1)=0 → +1: a = 0, score 0.5 → class 0.
    CHECK(predict_software(m, x) == std::vector<int>{1, 0});
}

TEST_CASE("model files round-trip exactly") {
    const BnnModel m = tiny_model();
    const std::string path = scratch("tiny.bnn");
    save_model(m, path);
    const BnnModel r = load_model(path);
    REQUIRE(r.partition == 2);
    REQUIRE(r.layers.size() == 2);
    for (std::size_t l = 0; l < 2; ++l) {
        CHECK(r.layers[l].w == m.layers[l].w);
        CHECK(r.layers[l].p0 == m.layers[l].p0);
        CHECK(r.layers[l].p1 == m.layers[l].p1);
        CHECK(r.layers[l].input == m.layers[l].input);
        CHECK(r.layers[l].output == m.layers[l].output);
    }
    // The documented format, line by line.
    const std::string text = read_file(path);
    CHECK_THAT(text, Catch::Matchers::Contains("spincim-bnn 1\npartition 2\nlayer real 3 4 sign\n"
                                               "1 1 1\n1 -1 1\n-1 -1 1\n1 1 -1\n1 1\n0.25 1\n"
                                               "0 -1\n0.5 1\nlayer binary 4 2 score\n"));
    CHECK_THAT(text, Catch::Matchers::EndsWith("1 0\n1 0.5\nend\n"));
}

namespace {

const std::string good_model = "# comment line\n"
                               "spincim-bnn 1\n"
                               "partition 2\n"
                               "layer real 3 2 sign\n"
                               "1 -1 +1\n"
                               "-1 -1 1   # trailing comment\n"
                               "0.5 1\n"
                               "-0.5 -1\n"
                               "layer binary 2 2 score\n"
                               "1 1\n"
                               "1 -1\n"
                               "2 0\n"
                               "1 0.25\n"
                               "end\n";

InputError load_error(const std::string& name, const std::string& text) {
    const std::string path = scratch(name);
    write_text(path, text);
    try {
        (void)load_model(path);
    } catch (const InputError& e) {
        return e;
    }
    FAIL("expected InputError for " << name);
    return InputError("unreachable");
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
}

} // namespace

TEST_CASE("a well-formed model file with comments loads") {
    const std::string path = scratch("good.bnn");
    write_text(path, good_model);
    const BnnModel m = load_model(path);
    CHECK(m.layers.size() == 2);
    CHECK(m.layers[0].w(0, 2) == 1);
    CHECK(m.layers[0].p1[1] == -1.0);
    CHECK(m.layers[1].p1[1] == 0.25);
}

TEST_CASE("truncated model files are rejected naming file and line (exit 2)") {
    const std::string cut = good_model.substr(0, good_model.find("1 -1\n2 0"));
    const InputError e = load_error("truncated.bnn", cut);
    INFO(e.what());
    CHECK(e.exit_code() == ExitCode::bad_input);
    CHECK_THAT(e.what(), Catch::Matchers::Contains("truncated model file"));
    CHECK_THAT(e.what(), Catch::Matchers::Contains("truncated.bnn"));
    CHECK(e.where().line == 11); // the first missing line
    CHECK_THAT(e.where().key, Catch::Matchers::Contains("layer 2 weights row 2"));

    const InputError no_end = load_error("no_end.bnn", replace(good_model, "end\n", ""));
    CHECK_THAT(no_end.what(), Catch::Matchers::Contains("truncated"));

    const InputError short_row =
        load_error("short_row.bnn", replace(good_model, "1 -1 +1\n", "1 -1\n"));
    CHECK(short_row.where().line == 5);
    CHECK_THAT(short_row.what(), Catch::Matchers::Contains("3 weights"));
}

TEST_CASE("model files with wrong dimensions are rejected") {
    const InputError e = load_error("dims.bnn", replace(good_model, "layer binary 2 2 score",
                                                        "layer binary 3 2 "
                                                        "score"));
    INFO(e.what());
    CHECK(e.exit_code() == ExitCode::bad_input);
    CHECK(e.where().line == 9);
    CHECK(e.where().column == 14);
    CHECK_THAT(e.what(), Catch::Matchers::Contains("wrong dimensions"));
    CHECK_THAT(e.what(), Catch::Matchers::Contains("dims.bnn:9:14"));

    const InputError real2 =
        load_error("real2.bnn", replace(good_model, "layer binary 2 2", "layer real 2 2"));
    CHECK_THAT(real2.what(), Catch::Matchers::Contains("only the first layer"));

    const InputError last = load_error(
        "last.bnn", replace(replace(good_model, "layer binary 2 2 score", "layer binary 2 2 sign"),
                            "2 0\n1 0.25\n", "2 1\n1 -1\n"));
    CHECK_THAT(last.what(), Catch::Matchers::Contains("last layer must be a `score` layer"));
}

TEST_CASE("non-±1 weights and bad numbers are rejected naming line and column") {
    const InputError e = load_error("half.bnn", replace(good_model, "-1 -1 1 ", "-1 0.5 1 "));
    INFO(e.what());
    CHECK(e.exit_code() == ExitCode::bad_input);
    CHECK(e.where().line == 6);
    CHECK(e.where().column == 4);
    CHECK_THAT(e.what(), Catch::Matchers::Contains("weight `0.5` (input 2) is not +1 or -1"));

    const InputError zero = load_error("zero.bnn", replace(good_model, "1 -1 +1", "1 -1 0"));
    CHECK(zero.where().line == 5);
    CHECK(zero.where().column == 6);

    const InputError dir = load_error("dir.bnn", replace(good_model, "-0.5 -1", "-0.5 0"));
    CHECK_THAT(dir.what(), Catch::Matchers::Contains("direction `0` is not 1 or -1"));

    const InputError nan = load_error("nan.bnn", replace(good_model, "2 0\n", "nan 0\n"));
    CHECK_THAT(nan.what(), Catch::Matchers::Contains("not a finite number"));

    const InputError magic = load_error("magic.bnn", replace(good_model, "spincim-bnn", "bnn"));
    CHECK_THAT(magic.what(), Catch::Matchers::Contains("not a spincim BNN model"));
}
