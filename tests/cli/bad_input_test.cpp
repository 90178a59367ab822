// Bad input and injection through the CLI: every malformed study exits 2 with one message naming
// file:line:column and key, and leaves no output behind; no user string reaches ngspice as a
// command (ARCHITECTURE.md, "Conventions"; shared/NGSPICE.md, "Hazards").
#include <algorithm>
#include <vector>

#include <catch2/catch.hpp>

#include "cli_harness.hpp"

using namespace spincim_test;
using Catch::Matchers::Contains;

namespace {

struct BadStudy {
    const char* what;
    std::string yaml;
    std::string where;  // expected "study.yaml:LINE:" prefix plus key path
    std::string phrase; // expected words of the message
};

const std::string kHead = "study: s\nseed: 1\n";
const std::string kCircuit = "circuit: {kind: divider}\n";
const std::string kOp = "analysis: {op: {}}\n";

std::vector<BadStudy> bad_studies() {
    return {
        {"missing study name", "seed: 1\n" + kCircuit + kOp, "study.yaml:1:1: (document)",
         "missing required key 'study'"},
        {"missing seed", "study: s\n" + kCircuit + kOp, "study.yaml:1:1",
         "missing required key 'seed'"},
        {"missing circuit", kHead + kOp, "study.yaml:1:1", "needs one of 'circuit', 'xnor_row'"},
        {"missing analysis", kHead + kCircuit, "study.yaml:1:1", "missing required key 'analysis'"},
        {"unknown top-level key", kHead + kCircuit + kOp + "mesure: []\n", "study.yaml:5:1: mesure",
         "did you mean 'measure'"},
        {"unknown circuit key", kHead + "circuit: {kind: rc, rr: 1k}\n" + kOp,
         "study.yaml:3:21: circuit.rr", "unknown key 'rr'"},
        {"unknown circuit kind", kHead + "circuit: {kind: rcc}\n" + kOp,
         "study.yaml:3:17: circuit.kind", "did you mean 'rc'"},
        {"seed is text", "study: s\nseed: abc\n" + kCircuit + kOp, "study.yaml:2:7: seed",
         "expected a seed"},
        {"seed negative", "study: s\nseed: -4\n" + kCircuit + kOp, "study.yaml:2:7: seed",
         "expected a seed"},
        {"study name with space", "study: my study\nseed: 1\n" + kCircuit + kOp,
         "study.yaml:1:8: study", "not a valid name"},
        {"number with trailing digits", kHead + "circuit: {kind: rc, r: 1k5}\n" + kOp,
         "study.yaml:3:24: circuit.r", "unknown unit suffix"},
        {"number with unit", kHead + "circuit: {kind: rc, c: 10uF}\n" + kOp,
         "study.yaml:3:24: circuit.c", "unknown unit suffix"},
        {"ambiguous M", kHead + "circuit: {kind: rc, r: 1M}\n" + kOp, "study.yaml:3:24: circuit.r",
         "ambiguous"},
        {"nan", kHead + "circuit: {kind: rc, r: nan}\n" + kOp, "study.yaml:3:24: circuit.r",
         "not a finite number"},
        {"out of range", kHead + "circuit: {kind: divider, v_in: 1e400}\n" + kOp,
         "study.yaml:3:32: circuit.v_in", "out of the range"},
        {"negative resistance", kHead + "circuit: {kind: rc, r: -1k}\n" + kOp,
         "study.yaml:3:24: circuit.r", "greater than zero"},
        {"number given as list", kHead + "circuit: {kind: rc, r: [1, 2]}\n" + kOp,
         "study.yaml:3:24: circuit.r", "found a list"},
        {"tstop <= tstep", kHead + kCircuit + "analysis: {tran: {step: 1u, stop: 1u}}\n",
         "study.yaml:4:35: analysis.tran.stop", "must be greater than step"},
        {"step budget (.tran 1e-30 1)",
         kHead + kCircuit + "analysis: {tran: {step: 1e-30, stop: 1}}\n",
         "study.yaml:4:25: analysis.tran.step", "max_points"},
        {"two analyses", kHead + kCircuit + "analysis: {op: {}, tran: {step: 1n, stop: 1u}}\n",
         "study.yaml:4:11: analysis", "only one of"},
        {"no analysis", kHead + kCircuit + "analysis: {}\n", "study.yaml:4:11: analysis",
         "needs one of"},
        {"repeated key", kHead + kCircuit + kOp + "seed: 2\n", "study.yaml:5:1: seed",
         "appears twice"},
        {"YAML syntax", kHead + "circuit: {kind: rc\n" + kOp, "study.yaml:", "YAML syntax error"},
        {"measure unknown signal",
         kHead + kCircuit + kOp + "measure:\n  - {name: m, kind: final, signal: v(nowhere)}\n",
         "study.yaml:6:36: measure[0].signal", "no node 'nowhere'"},
        {"measure bad signal syntax",
         kHead + kCircuit + kOp + "measure:\n  - {name: m, kind: final, signal: out}\n",
         "study.yaml:6:36: measure[0].signal", "is not a signal"},
        {"measure unknown kind",
         kHead + kCircuit + kOp + "measure:\n  - {name: m, kind: finale, signal: v(out)}\n",
         "study.yaml:6:21: measure[0].kind", "did you mean 'final'"},
        {"measure name twice",
         kHead + kCircuit + kOp +
             "measure:\n  - {name: m, kind: final, signal: v(out)}\n  - {name: m, kind: final, "
             "signal: v(in)}\n",
         "study.yaml:7:12: measure[1].name", "used twice"},
        {"timeout zero", kHead + kCircuit + kOp + "simulation: {timeout: 0}\n",
         "study.yaml:5:23: simulation.timeout", "outside the allowed range"},
        {"element wrong node count",
         kHead +
             "circuit:\n  kind: elements\n  elements:\n    - {type: R, name: r1, nodes: [a], "
             "value: 1k}\n" +
             kOp,
         "study.yaml:6:34: circuit.elements[0].nodes", "needs 2 nodes"},
        {"element unknown type",
         kHead +
             "circuit:\n  kind: elements\n  elements:\n    - {type: Q, name: q1, nodes: [a, 0], "
             "value: 1k}\n" +
             kOp,
         "study.yaml:6:14: circuit.elements[0].type", "is not one of"},
        {"duplicate element names differing in case",
         kHead +
             "circuit:\n  kind: elements\n  elements:\n    - {type: R, name: r1, nodes: [a, 0], "
             "value: 1k}\n    - {type: R, name: R1, nodes: [a, 0], value: 1k}\n" +
             kOp,
         "study.yaml:7:7: circuit.elements[1]", "R1"},
    };
}

void expect_rejected(const std::string& yaml, const std::string& where, const std::string& phrase,
                     const std::string& tag) {
    const auto dir = scratch("bad_" + tag);
    write_file(dir / "study.yaml", yaml);
    for (const std::string cmd :
         {"run study.yaml -o out", "check study.yaml", "netlist study.yaml -o out.cir"}) {
        const Outcome r = spincim(cmd, dir);
        INFO("command: spincim " << cmd << "\nstderr: " << r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(where) && Contains(phrase));
        // One clear message: a single line.
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    // Nothing written: only the study file is in the directory.
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir))
        left.push_back(e.path().filename().string());
    CHECK(left == std::vector<std::string>{"study.yaml"});
    fs::remove_all(dir);
}

} // namespace

TEST_CASE("malformed studies exit 2 with file:line:column: key and leave nothing behind") {
    const auto cases = bad_studies();
    REQUIRE(cases.size() >= 20);
    int k = 0;
    for (const auto& c : cases) {
        INFO("case: " << c.what << "\n" << c.yaml);
        expect_rejected(c.yaml, c.where, c.phrase, std::to_string(k++));
    }
}

TEST_CASE("hostile identifiers and values never reach ngspice") {
    const auto dir = scratch("inject");
    const fs::path sentinel = dir / "SENTINEL";
    const std::string touch = "shell touch " + sentinel.string();
    const std::string circuit_head = kHead + "circuit:\n  kind: elements\n  elements:\n";
    const std::string tail = "    - {type: R, name: rload, nodes: [a, 0], value: 1k}\n" + kOp;
    struct Injection {
        const char* what;
        std::string element;
        std::string key;
    };
    const std::vector<Injection> injections{
        {"newline + .control in a name",
         "    - {type: V, name: \"v1\\n.control\\n" + touch + "\\n.endc\", nodes: [a, 0], dc: 1}\n",
         "circuit.elements[0].name"},
        {"semicolon in a node",
         "    - {type: V, name: v1, nodes: [\"a;" + touch + "\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"quote in a node", "    - {type: V, name: v1, nodes: [\"a'b\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"double quote in a name", "    - {type: V, name: \"v\\\"1\", nodes: [a, 0], dc: 1}\n",
         "circuit.elements[0].name"},
        {"equals sign in a node", "    - {type: V, name: v1, nodes: [\"n=1\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"parenthesis in a node", "    - {type: V, name: v1, nodes: [\"n(1)\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"brace in a node", "    - {type: V, name: v1, nodes: [\"n{1}\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"comma in a node", "    - {type: V, name: v1, nodes: [\"n,1\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"space in a name", "    - {type: V, name: \"v 1\", nodes: [a, 0], dc: 1}\n",
         "circuit.elements[0].name"},
        {"non-ASCII in a node", "    - {type: V, name: v1, nodes: [\"n\xc2\xb5\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"command in a value",
         "    - {type: V, name: v1, nodes: [a, 0], dc: \"1k; " + touch + "\"}\n",
         "circuit.elements[0].dc"},
        {"control in a model name",
         "    - {type: M, name: m1, nodes: [a, a, 0, 0], model: \".control\", w: 1u, l: 1u}\n",
         "circuit.elements[0].model"},
        {"semicolon in a B expression",
         "    - {type: B, name: b1, nodes: [a, 0], v: \"1; " + touch + "\"}\n",
         "circuit.elements[0].v"},
        {"newline in a B expression",
         "    - {type: B, name: b1, nodes: [a, 0], v: \"1\\n.control\\n" + touch + "\\n.endc\"}\n",
         "circuit.elements[0].v"},
        {"reserved name", "    - {type: V, name: v1, nodes: [time, 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
        {"dollar comment in a node", "    - {type: V, name: v1, nodes: [\"a$b\", 0], dc: 1}\n",
         "circuit.elements[0].nodes[0]"},
    };
    int k = 0;
    for (const auto& inj : injections) {
        INFO("injection: " << inj.what);
        expect_rejected(circuit_head + inj.element + tail, "study.yaml:", inj.key,
                        "inj" + std::to_string(k++));
    }
    CHECK_FALSE(fs::exists(sentinel));
    fs::remove_all(dir);
}

TEST_CASE(".include is limited to the models folder, symlinks included") {
    const auto dir = scratch("include");
    const fs::path models = dir / "models";
    write_file(models / "ok.lib", "* an innocent model file\n.model dtest d (is=1e-14)\n");
    write_file(dir / "outside.lib",
               ".control\nshell touch " + (dir / "SENTINEL").string() + "\n.endc\n");
    fs::create_symlink(dir / "outside.lib", models / "escape.lib");
    const std::string env = "SPINCIM_MODELS_DIR='" + models.string() + "' '" + SPINCIM_EXE + "' ";
    const auto study = [&](const std::string& file) {
        return kHead + "circuit:\n  kind: elements\n  include: [\"" + file +
               "\"]\n  elements:\n    - {type: V, name: v1, nodes: [a, 0], dc: 1}\n    - {type: D, "
               "name: d1, nodes: [a, 0], model: dtest}\n" +
               kOp;
    };
    // The one legitimate include works.
    write_file(dir / "good.yaml", study("ok.lib"));
    const Outcome good = shell(env + "run good.yaml -o out_good", dir);
    INFO(good.err);
    CHECK(good.code == 0);
    for (const std::string& bad :
         std::vector<std::string>{"/etc/hostname", "../outside.lib", "escape.lib",
                                  (dir / "outside.lib").string(), "missing.lib"}) {
        INFO("include: " << bad);
        write_file(dir / "bad.yaml", study(bad));
        const Outcome r = shell(env + "run bad.yaml -o out_bad", dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains("bad.yaml:5:13: circuit.include[0]"));
        CHECK_FALSE(fs::exists(dir / "out_bad"));
    }
    CHECK_FALSE(fs::exists(dir / "SENTINEL"));
    fs::remove_all(dir);
}
