// End-to-end tests of the spincim executable: analytic circuits through `spincim run`, the
// written netlist cross-checked in standalone `ngspice -b`, exit codes and help.
#include <cmath>
#include <map>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using namespace spincim_test;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

const char* kRcStudy = R"(study: rc_check
seed: 3
circuit: {kind: rc, r: 2k, c: 500p, v_step: 1, t_rise: 1p}
analysis:
  tran: {step: 5n, stop: 5u, max_step: 5n}
measure:
  - {name: t1, kind: value_at, signal: v(out), at: 0.2u}
  - {name: t2, kind: value_at, signal: v(out), at: 0.7u}
  - {name: t3, kind: value_at, signal: v(out), at: 1.3u}
  - {name: t4, kind: value_at, signal: v(out), at: 2.1u}
  - {name: t5, kind: value_at, signal: v(out), at: 3.9u}
output:
  waveforms: [v(out)]
)";

const char* kDividerStudy = R"(study: divider_check
seed: 1
circuit: {kind: divider, v_in: 1.2, r_top: 3k, r_bottom: 1k}
analysis: {op: {}}
measure:
  - {name: v_out, kind: final, signal: v(out)}
  - {name: i_in, kind: final, signal: i(vin)}
output:
  waveforms: [v(out), v(in)]
)";

// Columns of a waveforms.csv as numbers.
std::map<std::string, std::vector<double>> read_csv(const std::string& text) {
    std::istringstream in(text);
    std::string header, line;
    std::getline(in, header);
    std::vector<std::string> names;
    std::stringstream hs(header);
    for (std::string f; std::getline(hs, f, ',');)
        names.push_back(f);
    std::map<std::string, std::vector<double>> cols;
    while (std::getline(in, line)) {
        std::stringstream ls(line);
        std::size_t k = 0;
        for (std::string f; std::getline(ls, f, ','); ++k)
            cols[names.at(k)].push_back(std::stod(f));
    }
    return cols;
}

// Vectors of an ASCII rawfile written by `ngspice -b -r` (SPICE_ASCIIRAWFILE=1).
std::map<std::string, std::vector<double>> read_ascii_raw(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> names;
    std::size_t nvars = 0;
    while (std::getline(in, line)) {
        if (line.rfind("No. Variables:", 0) == 0)
            nvars = std::stoul(line.substr(14));
        if (line == "Variables:")
            for (std::size_t k = 0; k < nvars && std::getline(in, line); ++k) {
                std::istringstream ls(line);
                std::string idx, name;
                ls >> idx >> name;
                names.push_back(name);
            }
        if (line == "Values:")
            break;
    }
    std::map<std::string, std::vector<double>> cols;
    std::string tok;
    while (in >> tok) { // point index, then one value per variable
        for (std::size_t k = 0; k < nvars && in >> tok; ++k)
            cols[names[k]].push_back(std::stod(tok));
    }
    return cols;
}

} // namespace

TEST_CASE("spincim run: RC step matches 1 - exp(-t/RC) within 0.5 % at five times") {
    const auto dir = scratch("rc");
    write_file(dir / "rc.yaml", kRcStudy);
    const Outcome r = spincim("run rc.yaml -o out", dir);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK(j["status"] == "ok");
    CHECK(j["study"] == "rc_check");
    CHECK(j["seed"] == 3);
    CHECK(j["parameters"]["circuit"]["r"] == 2000.0);
    const double rc = 2e3 * 500e-12; // 1 µs
    const std::map<std::string, double> times{
        {"t1", 0.2e-6}, {"t2", 0.7e-6}, {"t3", 1.3e-6}, {"t4", 2.1e-6}, {"t5", 3.9e-6}};
    for (const auto& [name, t] : times) {
        INFO(name);
        const double v = j["measurements"][name]["value"];
        CHECK_THAT(v, WithinRel(1.0 - std::exp(-t / rc), 0.005));
    }
    fs::remove_all(dir);
}

TEST_CASE("spincim run: a resistor divider's operating point is exact to 1e-9") {
    const auto dir = scratch("divider");
    write_file(dir / "d.yaml", kDividerStudy);
    const Outcome r = spincim("run d.yaml -o out", dir);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    // v_out = 1.2 · 1k / (3k + 1k) = 0.3 V; the source delivers 1.2 V / 4 kΩ = 0.3 mA, which
    // ngspice reports as a branch current of −0.3 mA (into the positive terminal).
    CHECK_THAT(double(j["measurements"]["v_out"]["value"]), WithinRel(0.3, 1e-9));
    CHECK_THAT(double(j["measurements"]["i_in"]["value"]), WithinRel(-0.3e-3, 1e-9));
    CHECK(j["measurements"]["i_in"]["unit"] == "A");
    CHECK_THAT(slurp(dir / "out" / "measurements.csv"), Contains("name,value,unit\nv_out,"));
    fs::remove_all(dir);
}

TEST_CASE(
    "spincim netlist: the written netlist runs unchanged in ngspice -b with the same values") {
    const auto dir = scratch("crosscheck");
    write_file(dir / "d.yaml", kDividerStudy);
    write_file(dir / "rc.yaml", kRcStudy);
    fs::create_directories(dir / "home");
    for (const std::string study : {"d", "rc"}) {
        INFO(study);
        REQUIRE(spincim("netlist " + study + ".yaml -o " + study + ".cir", dir).code == 0);
        REQUIRE(spincim("run " + study + ".yaml -o out_" + study, dir).code == 0);
        // Standalone ngspice, with a private HOME so no .spiceinit runs.
        const Outcome ng =
            shell("HOME='" + (dir / "home").string() + "' SPICE_ASCIIRAWFILE=1 ngspice -b -r " +
                      study + ".raw " + study + ".cir",
                  dir);
        INFO(ng.out << ng.err);
        REQUIRE(ng.code == 0);
        const auto raw = read_ascii_raw(slurp(dir / (study + ".raw")));
        const auto csv = read_csv(slurp(dir / ("out_" + study) / "waveforms.csv"));
        const auto& standalone = raw.at("v(out)");
        const auto& inprocess = csv.at("v_out_v");
        REQUIRE(standalone.size() == inprocess.size());
        for (std::size_t k = 0; k < standalone.size(); ++k)
            REQUIRE_THAT(inprocess[k],
                         WithinRel(standalone[k], 1e-9) || WithinAbs(standalone[k], 1e-15));
    }
    fs::remove_all(dir);
}

TEST_CASE("spincim check, help and usage errors use the documented exit codes") {
    const auto dir = scratch("codes");
    write_file(dir / "d.yaml", kDividerStudy);
    const Outcome ok = spincim("check d.yaml", dir);
    CHECK(ok.code == 0);
    CHECK_THAT(ok.out, Contains("valid"));
    CHECK(spincim("help", dir).code == 0);
    const Outcome help_run = spincim("help run", dir);
    CHECK(help_run.code == 0);
    CHECK_THAT(help_run.out, Contains("--output") && Contains("spincim help KIND"));
    // Regression: `help run` once ended with CLI11's "A subcommand is required" on stderr.
    CHECK(help_run.err.empty());
    const Outcome help_rc = spincim("help rc", dir);
    CHECK(help_rc.code == 0);
    CHECK_THAT(help_rc.out, Contains("max_points") && Contains("t_rise"));
    CHECK(spincim("run --help", dir).code == 0);
    CHECK(spincim("frobnicate d.yaml", dir).code == 2);
    CHECK(spincim("run d.yaml", dir).code == 2); // -o is required
    CHECK(spincim("", dir).code == 2);
    CHECK(spincim("help frobnicate", dir).code == 2);
    const Outcome missing = spincim("check nowhere.yaml", dir);
    CHECK(missing.code == 2);
    CHECK_THAT(missing.err, Contains("nowhere.yaml") && Contains("no such study file"));
    // Regression (issue 21, item 7): a directory was reported as "no such study file".
    const Outcome folder = spincim("check .", dir);
    CHECK(folder.code == 2);
    CHECK_THAT(folder.err, Contains("is a directory, not a study file"));
    const Outcome net = spincim("netlist d.yaml", dir);
    CHECK(net.code == 0);
    CHECK_THAT(net.out, Contains(".op") && Contains(".end\n"));
    fs::remove_all(dir);
}

TEST_CASE("spincim help lists every command and every registered study kind") {
    const auto dir = scratch("help");
    const Outcome h = spincim("help", dir);
    INFO(h.out << h.err);
    CHECK(h.code == 0);
    CHECK(h.err.empty());
    for (const char* command : {"check", "netlist", "run", "sweep", "mismatch", "help"})
        CHECK_THAT(h.out, Contains(std::string("\n  ") + command + " "));
    // The kinds of the registry (studies/registry.hpp), one line each with its summary.
    for (const char* kind :
         {"rc", "divider", "elements", "xnor_row", "sense_mc", "crossbar", "network"})
        CHECK_THAT(h.out, Contains(std::string("\n  ") + kind + " "));
    CHECK_THAT(h.out, Contains("exit codes"));
    fs::remove_all(dir);
}

TEST_CASE("spincim help xnor_row prints the kind's keys with defaults and units") {
    const auto dir = scratch("helpkind");
    const Outcome h = spincim("help xnor_row", dir);
    INFO(h.out << h.err);
    CHECK(h.code == 0);
    CHECK(h.err.empty());
    CHECK_THAT(h.out, Contains("sizes: [16, 64]") && Contains("v_bl: 0.3") &&
                          Contains("read_current_limit: 50u") && Contains("seed: N"));
    // Another kind's keys are not part of it.
    CHECK_THAT(h.out, !Contains("monte_carlo:\n"));
    CHECK(spincim("help xnor_row extra", dir).code == 2);
    fs::remove_all(dir);
}

TEST_CASE("spincim --version prints the version; bare spincim prints the usage and exits 2") {
    const auto dir = scratch("version");
    const Outcome v = spincim("--version", dir);
    CHECK(v.code == 0);
    CHECK_THAT(v.out, Contains("spincim 0."));
    const Outcome bare = spincim("", dir);
    CHECK(bare.code == 2);
    CHECK_THAT(bare.err, Contains("usage: spincim COMMAND") && Contains("study kinds"));
    fs::remove_all(dir);
}

TEST_CASE("an output that cannot be written exits 4 with the path and the cause") {
    const auto dir = scratch("nowrite");
    write_file(dir / "d.yaml", kDividerStudy);
    write_file(dir / "blocker", "a file where a directory should be\n");
    const Outcome run = spincim("run d.yaml -o blocker/out", dir);
    CHECK(run.code == 4);
    CHECK_THAT(run.err, Contains("output not written") && Contains("blocker") &&
                            Contains("Not a directory"));
    const Outcome net = spincim("netlist d.yaml -o blocker/x.cir", dir);
    CHECK(net.code == 4);
    CHECK_THAT(net.err, Contains("blocker"));
    fs::remove_all(dir);
}

// Regression (issue 21, item 1): a run into a directory replaced whatever was there, and a
// failed run replaced a complete result of the same study.
TEST_CASE("spincim run keeps earlier outputs: a failed run goes beside, another study is refused") {
    const auto dir = scratch("keep");
    write_file(dir / "d.yaml", kDividerStudy);
    REQUIRE(spincim("run d.yaml -o out", dir).code == 0);
    const std::string first = slurp(dir / "out" / "results.json");
    // The same study, now with two ideal sources in parallel: it cannot converge.
    write_file(dir / "bad.yaml", R"(study: divider_check
seed: 1
circuit:
  kind: elements
  elements:
    - {type: V, name: va, nodes: [a, 0], dc: 1}
    - {type: V, name: vb, nodes: [a, 0], dc: 2}
    - {type: R, name: r, nodes: [a, 0], value: 1k}
analysis: {tran: {step: 1n, stop: 10n}}
)");
    const Outcome failed = spincim("run bad.yaml -o out", dir);
    INFO(failed.out << failed.err);
    CHECK(failed.code == 3);
    CHECK_THAT(failed.err, Contains("is kept") && Contains("failed"));
    CHECK(slurp(dir / "out" / "results.json") == first);
    CHECK(fs::exists(dir / "out" / "waveforms.csv"));
    std::size_t records = 0;
    for (const auto& e : fs::directory_iterator(dir / "out" / "failed")) {
        CHECK_THAT(slurp(e.path() / "results.json"),
                   Contains("\"status\": \"fatal\"") || Contains("\"status\": \"nonconvergence\""));
        ++records;
    }
    CHECK(records == 1);

    // Another study into the same directory: refused, nothing changed; --force replaces.
    write_file(dir / "other.yaml", R"(study: other_divider
seed: 1
circuit: {kind: divider}
analysis: {op: {}}
)");
    const Outcome refused = spincim("run other.yaml -o out", dir);
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Contains("divider_check") && Contains("--force"));
    CHECK(slurp(dir / "out" / "results.json") == first);
    CHECK(spincim("run other.yaml -o out --force", dir).code == 0);
    CHECK_THAT(slurp(dir / "out" / "results.json"), Contains("other_divider"));

    // A directory of somebody else's files is not a spincim result.
    fs::create_directories(dir / "notes");
    write_file(dir / "notes" / "thesis.tex", "\\chapter{MTJ}\n");
    const Outcome foreign = spincim("run d.yaml -o notes", dir);
    CHECK(foreign.code == 2);
    CHECK_THAT(foreign.err, Contains("holds no spincim result"));
    CHECK(fs::exists(dir / "notes" / "thesis.tex"));
    fs::remove_all(dir);
}

TEST_CASE("spincim run: a failing simulation exits 3 with ngspice's words and an honest status") {
    const auto dir = scratch("simfail");
    // Two ideal voltage sources in parallel with different values: no solution exists.
    write_file(dir / "p.yaml", R"(study: parallel_sources
seed: 1
circuit:
  kind: elements
  elements:
    - {type: V, name: va, nodes: [a, 0], dc: 1}
    - {type: V, name: vb, nodes: [a, 0], dc: 2}
    - {type: R, name: r, nodes: [a, 0], value: 1k}
analysis: {tran: {step: 1n, stop: 10n}}
measure:
  - {name: v_a, kind: final, signal: v(a)}
)");
    const Outcome r = spincim("run p.yaml -o out", dir);
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Contains("simulation failed"));
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK(j["status"] != "ok");
    CHECK(j["measurements"].empty());
    CHECK_FALSE(fs::exists(dir / "out" / "measurements.csv"));
    fs::remove_all(dir);
}

TEST_CASE("a hostile .spiceinit in the working directory or HOME does not run") {
    const auto dir = scratch("spiceinit");
    write_file(dir / "d.yaml", kDividerStudy);
    const fs::path sentinel_cwd = dir / "SENTINEL_CWD", sentinel_home = dir / "SENTINEL_HOME";
    write_file(dir / ".spiceinit", "shell touch " + sentinel_cwd.string() + "\n");
    write_file(dir / "home" / ".spiceinit", "shell touch " + sentinel_home.string() + "\n");
    const Outcome r = spincim("run d.yaml -o out", dir);
    const Outcome r2 = shell(
        "HOME='" + (dir / "home").string() + "' '" + SPINCIM_EXE + "' run d.yaml -o out2", dir);
    CHECK(r.code == 0);
    CHECK(r2.code == 0);
    CHECK_FALSE(fs::exists(sentinel_cwd));
    CHECK_FALSE(fs::exists(sentinel_home));
    fs::remove_all(dir);
}
