#include <catch2/catch.hpp>

#include "spincim/studies/circuit/spec.hpp"
#include "spincim/studies/registry.hpp"
#include "spincim/studies/sense_mc/spec.hpp"

using namespace spincim;
using Catch::Matchers::Contains;

namespace {
std::string netlist_of(const std::unique_ptr<studies::Study>& s) {
    return s->netlist().to_spice();
}
const studies::Environment kModels{SPINCIM_SOURCE_DIR "/models"};
} // namespace

TEST_CASE("a transient study yields a transient analysis with its numbers") {
    // Regression: the transient branch of the analysis reader once returned `.op`.
    const auto s = studies::parse_study("study: t\nseed: 5\ncircuit: {kind: rc}\nanalysis: {tran: "
                                        "{step: 1n, stop: 2u, max_step: 2n}}\n",
                                        "t.yaml", kModels);
    const auto* tr = std::get_if<netlist::TranAnalysis>(&studies::circuit_spec_of(*s).analysis);
    REQUIRE(tr != nullptr);
    CHECK(tr->step == 1e-9);
    CHECK(tr->stop == 2e-6);
    CHECK(tr->max_step.value() == 2e-9);
    CHECK(s->header().seed == 5);
    CHECK_THAT(netlist_of(s), Contains(".tran 1e-09 2e-06 0 2e-09"));
}

TEST_CASE("resolved parameters include the generator defaults") {
    const auto s = studies::parse_study(
        "study: t\nseed: 1\ncircuit: {kind: rc, r: 2k}\nanalysis: {op: {}}\n", "t.yaml", kModels);
    CHECK(s->resolved()["circuit"]["r"] == 2000.0);
    CHECK(s->resolved()["circuit"]["c"] == 1e-9); // default of RcStepSpec
    CHECK(s->resolved()["circuit"]["kind"] == "rc");
    CHECK(std::holds_alternative<netlist::OpAnalysis>(studies::circuit_spec_of(*s).analysis));
}

TEST_CASE("an element-by-element circuit becomes the same netlist as the rc generator") {
    const auto gen =
        studies::parse_study("study: a\nseed: 1\ncircuit: {kind: divider, v_in: 2, r_top: 1k, "
                             "r_bottom: 3k}\nanalysis: {op: {}}\n",
                             "a.yaml", kModels);
    const auto el = studies::parse_study(R"(study: a
seed: 1
circuit:
  kind: elements
  elements:
    - {type: V, name: vin, nodes: [in, 0], dc: 2}
    - {type: R, name: r_top, nodes: [in, out], value: 1k}
    - {type: R, name: r_bottom, nodes: [out, gnd], value: 3k}
analysis: {op: {}}
)",
                                         "a.yaml", kModels);
    CHECK(netlist_of(gen) == netlist_of(el));
}

TEST_CASE("energy measurements save both terminals of a floating source") {
    const auto s = studies::parse_study(R"(study: e
seed: 1
circuit:
  kind: elements
  elements:
    - {type: V, name: vf, nodes: [a, b], dc: 1}
    - {type: R, name: r1, nodes: [a, 0], value: 1k}
    - {type: R, name: r2, nodes: [b, 0], value: 1k}
analysis: {tran: {step: 1n, stop: 10n}}
measure:
  - {name: e, kind: energy, source: vf}
)",
                                        "e.yaml", kModels);
    const std::string text = netlist_of(s);
    CHECK_THAT(text, Contains("v(a)") && Contains("v(b)") && Contains("i(Vvf)"));
    REQUIRE(studies::circuit_spec_of(*s).measures.size() == 1);
    CHECK(studies::circuit_spec_of(*s).measures[0].unit == "J");
}

TEST_CASE("monte_carlo: tbs sizes reach every case, booster.tbs only the boosted ones") {
    const auto s = studies::parse_study(R"(study: m
seed: 3
monte_carlo:
  tbs: {st_multiplicity: 96, sharpen_width: 16, sharpen_length: 4, switch_width: 64,
        switch_length: 8, load_multiplicity: 480}
  booster:
    tbs: {load_width: 16, load_multiplicity: 960}
  cases:
    - {label: plain, n: 16}
    - {label: boosted, n: 16, boost: true}
)",
                                        "m.yaml", kModels);
    REQUIRE(s->kind().name() == "sense_mc");
    const auto plain =
        studies::sense_mc_spec(studies::monte_carlo_of(*s), 0, s->header().seed).sense.tbs;
    const auto boosted =
        studies::sense_mc_spec(studies::monte_carlo_of(*s), 1, s->header().seed).sense.tbs;
    for (const auto& t : {plain, boosted}) {
        CHECK(t.st_multiplicity == 96);
        CHECK(t.sharpen_width_factor == 16.0);
        CHECK(t.sharpen_length_factor == 4.0);
        CHECK(t.switch_width_factor == 64.0);
        CHECK(t.switch_length_factor == 8.0);
    }
    CHECK(plain.load_multiplicity == 480);
    CHECK(plain.load_width_factor == circuits::TbsSpec{}.load_width_factor);
    CHECK(boosted.load_multiplicity == 960);
    CHECK(boosted.load_width_factor == 16.0);
}

TEST_CASE("monte_carlo: an unknown key under booster.tbs names file, line and key") {
    try {
        static_cast<void>(studies::parse_study(R"(study: m
seed: 3
monte_carlo:
  booster:
    tbs: {load_widht: 16}
  cases:
    - {n: 16, boost: true}
)",
                                               "m.yaml", kModels));
        FAIL("accepted a misspelt key");
    } catch (const InputError& e) {
        CHECK_THAT(std::string(e.what()), Contains("m.yaml:5"));
        CHECK_THAT(std::string(e.what()), Contains("load_widht"));
    }
}

TEST_CASE("monte_carlo: the RER model of the plan defaults to log_linear and is checked") {
    const auto def = studies::parse_study(R"(study: m
seed: 3
monte_carlo:
  cases:
    - {n: 16}
)",
                                          "m.yaml", kModels);
    REQUIRE(def->kind().name() == "sense_mc");
    CHECK(studies::monte_carlo_of(*def).plan.target.model == analysis::AerModel::log_linear);
    const auto per_k = studies::parse_study(R"(study: m
seed: 3
monte_carlo:
  cases:
    - {n: 16}
  plan: {kind: fixed, samples: 10, k: [7, 9], model: per_k}
)",
                                            "m.yaml", kModels);
    CHECK(studies::monte_carlo_of(*per_k).plan.target.model == analysis::AerModel::per_k);
    // The choice is part of the resolved study, so a resumed sweep refuses another model.
    CHECK(per_k->resolved()["monte_carlo"]["plan"]["model"] == "per_k");
    try {
        static_cast<void>(studies::parse_study(R"(study: m
seed: 3
monte_carlo:
  cases:
    - {n: 16}
  plan:
    model: pooled
)",
                                               "m.yaml", kModels));
        FAIL("accepted an unknown model");
    } catch (const InputError& e) {
        CHECK(e.exit_code() == ExitCode::bad_input);
        CHECK_THAT(std::string(e.what()), Contains("m.yaml:7"));
        CHECK_THAT(std::string(e.what()), Contains("model"));
    }
}
