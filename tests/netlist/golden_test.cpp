// Golden netlists (tests/netlist/golden/*.cir, regenerated only by scripts/regen_golden.sh) and,
// when the `ngspice` executable is installed, runs of them in batch mode: they parse, and the
// operating points match hand-computed circuit values.

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "spincim/netlist/netlist.hpp"

#include "test_util.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace spincim::netlist;
using namespace spincim::netlist::test;
namespace fs = std::filesystem;

namespace {

const Node gnd = Node::ground();

// RC low-pass driven by a pulse: 1 kOhm, 1 pF (tau = 1 ns).
Netlist rc_netlist() {
    Netlist n("RC low-pass step response");
    n.add(VoltageSource{"in", "in", gnd, 0.0, Pulse{0.0, 1.0, 1e-9, 1e-11, 1e-11, 5e-9, 1e-8}});
    n.add(Resistor{"r", "in", "out", 1e3});
    n.add(Capacitor{"c", "out", gnd, 1e-12});
    n.add_analysis(TranAnalysis{1e-11, 1e-8});
    n.add_probe("v_out", Probe::voltage("out"));
    n.add_probe("i_in", Probe::current("in"));
    n.save(Probe::voltage("in"));
    n.save_probes();
    return n;
}

// Resistive divider: mid = 1.2 V * 1k / (3k + 1k) = 0.3 V. Without the sweep, ngspice's batch
// mode prints the operating point table the value test reads.
Netlist divider_netlist(bool sweep = true) {
    Netlist n("resistive divider");
    n.add(VoltageSource{"dd", "vdd", gnd, 1.2});
    n.add(Resistor{"top", "vdd", "mid", 3e3});
    n.add(Resistor{"bot", "mid", gnd, 1e3});
    n.add_analysis(OpAnalysis{});
    if (sweep)
        n.add_analysis(DcAnalysis{"dd", 0.0, 1.2, 0.1});
    return n;
}

// A behavioral conductance subcircuit, I = g*V(p,n) (+1 mA above 2 V, inactive here), used twice:
// with g = 0.5 mS against rload = 2 kOhm, and with the default g = 1 mS against 1 kOhm. Both
// divide 1 V in half: mid = mid2 = 0.5 V.
Netlist subckt_netlist() {
    Netlist n("behavioral conductance subcircuit");
    n.add_param("rload", 2e3);
    Subckt vcr("vcr", {"p", "n"}, {{"g", 1e-3}});
    const Expr v = Expr::v("p", "n");
    vcr.add(BehavioralSource{"i", "p", "n", Behavior::current,
                             Expr::param("g") * v + Expr::select(gt(v, 2.0), 1e-3, 0.0)});
    n.add_subckt(std::move(vcr));
    n.add(VoltageSource{"s", "in", gnd, 1.0});
    n.add(Resistor{"load", "in", "mid", Expr::param("rload")});
    n.add(SubcktInstance{"a1", {"mid", gnd}, "vcr", {{"g", 5e-4}}});
    n.add(Resistor{"load2", "in", "mid2", 1e3});
    n.add(SubcktInstance{"a2", {"mid2", gnd}, "vcr"});
    n.add_analysis(OpAnalysis{});
    n.add_probe("v_mid", Probe::voltage("mid"));
    n.add_probe("v_inner", Probe::voltage("p", {"a1"}));
    return n;
}

// Level-1 MOSFETs in saturation (Shichman-Hodges; ngspice manual 11.2.1):
// Id = m * (kp/2) * (W/L) * (Vgs - Vto)^2 with lambda = 0.
//   NMOS: kp = 200 uA/V^2, W/L = 1, Vgs - Vto = 1.0 - 0.5, m = 2   -> Id = 50 uA.
//   PMOS: kp = 100 uA/V^2, W/L = 2, Vsg - |Vto| = 1.0 - 0.5, m = 1 -> Id = 25 uA.
Netlist mos_netlist() {
    Netlist n("level-1 MOSFETs in saturation");
    n.add_model({"nch", "nmos", {{"level", 1}, {"vto", 0.5}, {"kp", 2e-4}}});
    n.add_model({"pch", "pmos", {{"level", 1}, {"vto", -0.5}, {"kp", 1e-4}}});
    n.add(VoltageSource{"dd", "vdd", gnd, 1.2});
    n.add(VoltageSource{"gn", "gn", gnd, 1.0});
    n.add(VoltageSource{"gp", "gp", gnd, 0.2});
    n.add(Mosfet{"n", "vdd", "gn", gnd, gnd, "nch", 1e-6, 1e-6, 2});
    n.add(VoltageSource{"dp", "dp", gnd, 0.0});
    n.add(Mosfet{"p", "dp", "gp", "vdd", "vdd", "pch", 2e-6, 1e-6});
    n.set_option("reltol", 1e-4).set_method(IntegrationMethod::gear);
    n.add_analysis(OpAnalysis{});
    return n;
}

const std::map<std::string, Netlist (*)()>& goldens() {
    static const std::map<std::string, Netlist (*)()> kGoldens{
        {"rc", rc_netlist},
        {"divider", [] { return divider_netlist(); }},
        {"subckt", subckt_netlist},
        {"mos", mos_netlist}};
    return kGoldens;
}

fs::path golden_path(const std::string& name) {
    return fs::path(SPINCIM_SOURCE_DIR) / "tests/netlist/golden" / (name + ".cir");
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool have_ngspice() {
    return std::system("command -v ngspice >/dev/null 2>&1") == 0;
}

struct BatchRun {
    int status = -1;
    std::string output;
    std::map<std::string, double> values; // the `.op` table: node voltages and branch currents
};

// `ngspice -b` in a private folder with a private HOME, so no .spiceinit is read
// (shared/NGSPICE.md: init reads .spiceinit from the working directory and $HOME). With `raw`,
// results go to a raw file (needed for .dc/.tran in batch mode); without, the .op table is
// printed and parsed into `values`.
BatchRun run_ngspice(const std::string& text, const std::string& tag, bool raw = false) {
    TempDir dir("ngspice_" + tag);
    { std::ofstream(dir.path() / "deck.cir") << text; }
    const std::string cmd = "cd '" + dir.path().string() + "' && HOME='" + dir.path().string() +
                            "' LC_ALL=C ngspice -b " + (raw ? "-r out.raw " : "") +
                            "deck.cir > out.txt 2>&1";
    BatchRun run;
    run.status = std::system(cmd.c_str());
    run.output = read(dir.path() / "out.txt");
    std::istringstream in(run.output);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string name;
        std::string value;
        std::string extra;
        if (words >> name >> value && !(words >> extra)) {
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (end && *end == '\0' && end != value.c_str())
                run.values[name] = v;
        }
    }
    return run;
}

// ngspice reports problems as lines starting with "Error" or containing "error:" ("Error on line
// 3", "stderr Error: ..."); its device listings contain "<<NAN, error = 7>>" for unset model
// parameters, which is not a problem.
bool mentions_error(const std::string& output) {
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
        const std::string low = to_lower(line);
        const auto start = low.find_first_not_of(" \t");
        if ((start != std::string::npos && low.compare(start, 5, "error") == 0) ||
            low.find("error:") != std::string::npos)
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("golden netlists match tests/netlist/golden", "[golden]") {
    const bool regen = std::getenv("SPINCIM_REGEN_GOLDEN") != nullptr;
    for (const auto& [name, build] : goldens()) {
        INFO("golden " << golden_path(name).string());
        const std::string text = build().to_spice();
        if (regen) {
            std::ofstream(golden_path(name), std::ios::binary) << text;
            WARN("regenerated " << golden_path(name).string());
            continue;
        }
        REQUIRE(fs::exists(golden_path(name))); // run scripts/regen_golden.sh to create it
        CHECK(read(golden_path(name)) == text);
    }
}

TEST_CASE("golden netlists parse and run in ngspice batch mode", "[ngspice]") {
    if (!have_ngspice()) {
        WARN("ngspice executable not found; skipping");
        return;
    }
    for (const auto& [name, build] : goldens()) {
        INFO("golden " << name);
        const BatchRun run = run_ngspice(read(golden_path(name)), name, true);
        INFO(run.output);
        CHECK(run.status == 0);
        CHECK_FALSE(mentions_error(run.output));
    }
}

TEST_CASE("operating points of the golden netlists match the circuit equations", "[ngspice]") {
    if (!have_ngspice()) {
        WARN("ngspice executable not found; skipping");
        return;
    }
    // ngspice prints 7 significant digits; the circuits are solved to reltol (1e-3 default,
    // 1e-4 in the MOS deck) on top of that, but linear and saturated level-1 circuits converge
    // to the exact solution, so 1e-5 relative is a fair bound.
    {
        const BatchRun run = run_ngspice(divider_netlist(false).to_spice(), "divider");
        INFO(run.output);
        REQUIRE(run.values.count("mid"));
        CHECK_THAT(run.values.at("mid"), WithinRel(0.3, 1e-5));
    }
    {
        const BatchRun run = run_ngspice(subckt_netlist().to_spice(), "subckt");
        INFO(run.output);
        REQUIRE(run.values.count("mid"));
        CHECK_THAT(run.values.at("mid"), WithinRel(0.5, 1e-5));
        CHECK_THAT(run.values.at("mid2"), WithinRel(0.5, 1e-5));
    }
    {
        const BatchRun run = run_ngspice(mos_netlist().to_spice(), "mos");
        INFO(run.output);
        REQUIRE(run.values.count("vdd#branch"));
        // Vdd sources the NMOS drain current (branch current = current into its + node).
        CHECK_THAT(run.values.at("vdd#branch"), WithinRel(-(50e-6 + 25e-6), 1e-5));
        CHECK_THAT(run.values.at("vdp#branch"), WithinRel(25e-6, 1e-5));
    }
}

TEST_CASE("ngspice evaluates written expressions as the C++ tree means them", "[ngspice]") {
    if (!have_ngspice()) {
        WARN("ngspice executable not found; skipping");
        return;
    }
    // V(a) = 0.7, V(b) = -0.3, .param k = 3; Va drives 1 kOhm, so I(Va) = -0.7 mA.
    const double a = 0.7;
    const double b = -0.3;
    const Expr va = Expr::v("a");
    const Expr vb = Expr::v("b");
    const std::vector<std::pair<Expr, double>> cases{
        {va * 2.0 + vb, 2 * a + b},
        {pow(va, 3.0), a * a * a},
        {Expr::parse("V(a)^2"), a * a},
        {Expr::parse("2**3"), 8.0},
        {-pow(vb, 2.0), -(b * b)},
        {pow(-vb, 2.0), b * b},
        {Expr::parse("-V(b)^2"), -(b * b)},
        {va - vb - 1.0, a - b - 1.0},
        {va - (vb - 1.0), a - (b - 1.0)},
        {va / va / 2.0, 0.5},
        {va / (va / 2.0), 2.0},
        {Expr::select(gt(va, 0.5), tanh(va), -1.0), std::tanh(a)},
        {Expr::select(lt(va, 0.5), 1.0, -1.0), -1.0},
        {Expr::parse("V(a) > 1 ? 1 : V(b) < 0 ? 2 : 3"), 2.0},
        {exp(-va / 0.1), std::exp(-a / 0.1)},
        {ln(va) + Expr::call("log10", {va}), std::log(a) + std::log10(a)},
        {sqrt(va) * abs(vb), std::sqrt(a) * std::fabs(b)},
        {min(va, vb) + 10.0 * max(va, vb), b + 10 * a},
        {logical_and(gt(va, 0.0), lt(vb, 0.0)), 1.0},
        {logical_or(lt(va, 0.0), gt(vb, 0.0)), 0.0},
        {logical_not(eq(va, vb)), 1.0},
        {ne(va, vb) + ge(va, 0.7) + le(vb, -0.4), 2.0},
        {Expr::v("a", "b"), a - b},
        {va * Expr::param("k"), a * 3},
        {Expr::i("a") * 1000.0, -a},
        {Expr::call("u", {vb}) + Expr::call("uramp", {va}), a},
        {Expr::time() + 1.0, 1.0},
        {Expr::parse("1.5m*2k"), 3.0},
    };
    Netlist n("expression evaluation");
    n.add_param("k", 3.0);
    n.add(VoltageSource{"a", "a", gnd, a});
    n.add(Resistor{"ra", "a", gnd, 1e3});
    n.add(VoltageSource{"b", "b", gnd, b});
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const std::string node = "e" + std::to_string(k);
        n.add(BehavioralSource{node, node, gnd, Behavior::voltage, cases[k].first});
        n.add(Resistor{"r" + node, node, gnd, 1.0});
    }
    n.add_analysis(OpAnalysis{});
    const BatchRun run = run_ngspice(n.to_spice(), "expr");
    INFO(run.output);
    CHECK_FALSE(mentions_error(run.output));
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const std::string node = "e" + std::to_string(k);
        INFO(node << " = " << cases[k].first.str());
        REQUIRE(run.values.count(node));
        // 7 printed digits: relative 1e-6, and an absolute floor for the zero cases.
        CHECK_THAT(run.values.at(node),
                   WithinRel(cases[k].second, 1e-6) || WithinAbs(cases[k].second, 1e-12));
    }
}

TEST_CASE("ngspice names saved vectors as Probe::vector_name says, inside subcircuits too",
          "[ngspice]") {
    if (!have_ngspice()) {
        WARN("ngspice executable not found; skipping");
        return;
    }
    // A 2 kOhm string inside a subcircuit across 2 V: 1 mA, inner node at 1 V; a B-source in the
    // same subcircuit copies I(Vsense) * 1 kOhm = 1 V to node cp.
    Netlist n("hierarchical names");
    Subckt cell("cell", {"top", "bot"});
    cell.add(VoltageSource{"sense", "top", "mid", 0.0});
    cell.add(Resistor{"r", "mid", "inner", 1e3});
    cell.add(Resistor{"r2", "inner", "bot", 1e3});
    cell.add(BehavioralSource{"copy", "cp", gnd, Behavior::voltage, Expr::i("sense") * 1e3});
    cell.add(Resistor{"rcp", "cp", gnd, 1.0});
    n.add_subckt(std::move(cell));
    n.add(VoltageSource{"in", "in", gnd, 2.0});
    n.add(SubcktInstance{"c0", {"in", gnd}, "cell"});
    n.add_analysis(OpAnalysis{});
    n.add_probe("v_inner", Probe::voltage("inner", {"c0"}));
    n.add_probe("v_cp", Probe::voltage("cp", {"c0"}));
    n.add_probe("i_sense", Probe::current("sense", {"c0"}));
    n.add_probe("i_r", Probe::device(ElementKind::resistor, "r", "i", {"c0"}));
    n.add_probe("i_in", Probe::current("in"));
    n.save_probes();
    // Test scaffolding only (the writer can never emit this): list the vectors of the plot.
    std::string text = n.to_spice();
    text.insert(text.rfind(".end\n"), ".control\nop\ndisplay\n.endc\n");
    const BatchRun run = run_ngspice(text, "hier");
    INFO(run.output);
    CHECK_FALSE(mentions_error(run.output));
    std::set<std::string> listed;
    std::istringstream in(run.output);
    for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(" : ");
        if (colon != std::string::npos && line.find("real") != std::string::npos) {
            std::istringstream words(line.substr(0, colon));
            std::string name;
            words >> name;
            listed.insert(name);
        }
    }
    std::set<std::string> expected;
    for (const auto& [name, probe] : n.probes())
        expected.insert(probe.vector_name());
    CHECK(listed == expected);
    REQUIRE(run.values.count("xc0.inner"));
    CHECK_THAT(run.values.at("xc0.inner"), WithinRel(1.0, 1e-6));
    CHECK_THAT(run.values.at("xc0.cp"), WithinRel(1.0, 1e-6));
}

TEST_CASE("continued lines read back as the unwrapped card in ngspice", "[ngspice]") {
    if (!have_ngspice()) {
        WARN("ngspice executable not found; skipping");
        return;
    }
    // 300 PWL points and a 200-term B expression, both far beyond one line. The operating point
    // uses the DC value 0.5 V, so o = 0.5 * (1 + sum_{k<200} k) = 0.5 * 19901 = 9950.5.
    Netlist n("wrapped cards");
    std::vector<std::pair<Value, Value>> points;
    for (int k = 0; k < 300; ++k)
        points.emplace_back(k * 1e-9, (k % 2) * 0.8);
    n.add(VoltageSource{"a", "a", gnd, 0.5, Pwl{points}});
    n.add(Resistor{"ra", "a", gnd, 1e3});
    Expr sum = Expr::v("a");
    for (int k = 0; k < 200; ++k)
        sum = sum + Expr::v("a") * static_cast<double>(k);
    n.add(BehavioralSource{"o", "o", gnd, Behavior::voltage, sum});
    n.add(Resistor{"ro", "o", gnd, 1.0});
    n.add_analysis(OpAnalysis{});
    const std::string text = n.to_spice();
    REQUIRE(lines_of(text).size() > 20);
    const BatchRun run = run_ngspice(text, "wrap");
    INFO(run.output);
    CHECK_FALSE(mentions_error(run.output));
    REQUIRE(run.values.count("o"));
    CHECK_THAT(run.values.at("o"), WithinRel(9950.5, 1e-6));
}
