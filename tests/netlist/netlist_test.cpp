// Netlist-level structure, cross checks, .include containment, analyses, options, probes and the
// writer's layout rules.

#include <fstream>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/netlist/netlist.hpp"

#include "test_util.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using namespace spincim::netlist;
using namespace spincim::netlist::test;
using spincim::InputError;
namespace fs = std::filesystem;

namespace {

Netlist two_cell_row() {
    Netlist n("row");
    n.add_model({"nch", "nmos", {{"level", 1}}});
    Subckt cell("cell", {"bl", "wl", "sl"}, {{"rp", 5e3}});
    cell.add(Resistor{"mtj", "bl", "mid", Expr::param("rp")});
    cell.add(Mosfet{"acc", "mid", "wl", "sl", Node::ground(), "nch", 1e-6, 1e-7});
    n.add_subckt(std::move(cell));
    n.add(VoltageSource{"bl", "bl", Node::ground(), 0.2});
    n.add(VoltageSource{"wl", "wl", Node::ground(), 1.0});
    n.add(SubcktInstance{"c0", {"bl", "wl", Node::ground()}, "cell"});
    n.add(SubcktInstance{"c1", {"bl", "wl", Node::ground()}, "CELL", {{"rp", 1e4}}});
    n.add_analysis(OpAnalysis{});
    return n;
}

} // namespace

TEST_CASE("read access: find, count by kind, count instances") {
    const Netlist n = two_cell_row();
    CHECK(n.count(ElementKind::voltage_source) == 2);
    CHECK(n.count(ElementKind::subckt_instance) == 2);
    CHECK(n.count(ElementKind::mosfet) == 0);
    CHECK(n.count_instances("cell") == 2);
    CHECK(n.count_instances("Cell") == 2);
    REQUIRE(n.find_subckt("CELL") != nullptr);
    CHECK(n.find_subckt("cell")->count(ElementKind::mosfet) == 1);
    const Element* c1 = n.find("C1");
    REQUIRE(c1 != nullptr);
    CHECK(std::get<SubcktInstance>(*c1).params.at(0).value.number() == 1e4);
    CHECK(n.find("nothing") == nullptr);
}

TEST_CASE("writer layout: title first, sections in order, .end and a newline last") {
    const std::string text = two_cell_row().to_spice();
    CHECK_THAT(text, StartsWith("row\n"));
    CHECK_THAT(text, EndsWith("\n.end\n"));
    const auto lines = lines_of(text);
    const std::vector<std::string> expected{".model nch nmos level=1",
                                            ".subckt cell bl wl sl params: rp=5000",
                                            "Rmtj bl mid {rp}",
                                            "Macc mid wl sl 0 nch w=1e-06 l=1e-07",
                                            ".ends cell",
                                            "Vbl bl 0 DC 0.2",
                                            "Vwl wl 0 DC 1",
                                            "Xc0 bl wl 0 cell",
                                            "Xc1 bl wl 0 CELL rp=10000",
                                            ".op",
                                            ".end"};
    CHECK(std::vector<std::string>(lines.begin() + 1, lines.end()) == expected);
    // Deterministic: the same netlist gives the same bytes.
    CHECK(two_cell_row().to_spice() == text);
}

TEST_CASE("long cards are continued with '+' below the line limit") {
    Netlist n("wrap");
    std::vector<std::pair<Value, Value>> points;
    for (int k = 0; k < 300; ++k)
        points.emplace_back(k * 1e-9, (k % 2) * 0.8);
    n.add(VoltageSource{"pwl", "a", Node::ground(), {}, Pwl{points}});
    Expr sum = Expr::v("a");
    for (int k = 0; k < 200; ++k)
        sum = sum + Expr::v("a") * static_cast<double>(k);
    n.add(BehavioralSource{"b", "o", Node::ground(), Behavior::voltage, sum});
    const auto lines = lines_of(n.to_spice());
    std::size_t continuations = 0;
    for (const auto& line : lines) {
        CHECK(line.size() <= kMaxLineLength);
        if (line.rfind("+ ", 0) == 0)
            ++continuations;
    }
    CHECK(continuations > 10);
    // Joining the continuation lines gives back the unwrapped card, with spaces only where
    // ngspice accepts them (after an operator inside the expression).
    std::string b_card;
    for (const auto& line : lines) {
        if (line.rfind("Bb ", 0) == 0)
            b_card = line;
        else if (!b_card.empty() && line.rfind("+ ", 0) == 0)
            b_card += " " + line.substr(2);
        else if (!b_card.empty())
            break;
    }
    std::string squeezed;
    for (char c : b_card.substr(std::string("Bb o 0 V=").size()))
        if (c != ' ')
            squeezed += c;
    CHECK(squeezed == sum.str());
}

TEST_CASE("subcircuit definitions are validated") {
    CHECK_THROWS_WITH(Subckt("1cell", {"a"}), Contains("subcircuit name '1cell'"));
    CHECK_THROWS_WITH(Subckt("cell", {}), Contains("at least one port"));
    CHECK_THROWS_WITH(Subckt("cell", {"a", Node::ground()}),
                      Contains("subcircuit 'cell' port 2") && Contains("global"));
    CHECK_THROWS_WITH(Subckt("cell", {"a", "gnd"}), Contains("port 2 'gnd'"));
    CHECK_THROWS_WITH(Subckt("cell", {"a", "A"}), Contains("already port 1"));
    CHECK_THROWS_WITH(Subckt("cell", {"a"}, {{"p", 1.0}, {"P", 2.0}}), Contains("given twice"));
    CHECK_THROWS_WITH(Subckt("cell", {"a"}, {{"p", std::nan("")}}), Contains("finite"));
    Netlist n("s");
    n.add_subckt(Subckt("cell", {"a"}));
    CHECK_THROWS_WITH(n.add_subckt(Subckt("CELL", {"a"})), Contains("defined twice"));
}

TEST_CASE("cross checks: parameters, instances, models, sources, recursion") {
    SECTION("undefined parameter in a value") {
        Netlist n("p");
        n.add(Resistor{"r", "a", Node::ground(), Expr::param("rx")});
        CHECK_THROWS_WITH(n.to_spice(), Contains("element 'Rr': parameter 'rx' is not defined"));
        n.add_param("RX", 1e3);
        CHECK_NOTHROW(n.to_spice());
    }
    SECTION("subcircuit parameters are visible in the body only") {
        Netlist n("p");
        Subckt s("cell", {"a"}, {{"g", 2.0}});
        s.add(BehavioralSource{"b", "a", Node::ground(), Behavior::current, Expr::parse("g*V(a)")});
        n.add_subckt(std::move(s));
        n.add(SubcktInstance{"x", {"n1"}, "cell", {{"g", 3.0}}});
        CHECK_NOTHROW(n.to_spice());
        n.add(Resistor{"r", "n1", Node::ground(), Expr::param("g")});
        CHECK_THROWS_WITH(n.to_spice(), Contains("parameter 'g' is not defined"));
    }
    SECTION("instance port count and parameters") {
        Netlist n("x");
        n.add_subckt(Subckt("cell", {"a", "b"}, {{"rp", 1.0}}));
        n.add(SubcktInstance{"x1", {"n1"}, "cell"});
        CHECK_THROWS_WITH(n.to_spice(),
                          Contains("element 'Xx1': subcircuit 'cell' has 2 ports but 1 nodes"));
        Netlist m("x");
        m.add_subckt(Subckt("cell", {"a", "b"}, {{"rp", 1.0}}));
        m.add(SubcktInstance{"x1", {"n1", "n2"}, "cell", {{"rq", 2.0}}});
        CHECK_THROWS_WITH(m.to_spice(), Contains("parameter 'rq'") && Contains("no such"));
    }
    SECTION("undefined subcircuit or model without includes") {
        Netlist n("x");
        n.add(SubcktInstance{"x1", {"n1"}, "mtj"});
        CHECK_THROWS_WITH(n.to_spice(), Contains("subcircuit 'mtj': not defined"));
        Netlist m("m");
        m.add(Mosfet{"m1", "d", "g", Node::ground(), Node::ground(), "nch", 1e-6, 1e-7});
        CHECK_THROWS_WITH(m.to_spice(), Contains("model 'nch': no .model"));
        m.add_model({"nch", "d"});
        CHECK_THROWS_WITH(m.to_spice(), Contains("is a 'd' model"));
    }
    SECTION("I() must name a voltage source of the same scope") {
        Netlist n("i");
        n.add(Resistor{"s", "a", Node::ground(), 1.0});
        n.add(BehavioralSource{"b", "o", Node::ground(), Behavior::voltage, Expr::i("s")});
        CHECK_THROWS_WITH(n.to_spice(), Contains("I(Vs) refers to no voltage source 's'"));
    }
    SECTION("recursive subcircuits") {
        Netlist n("r");
        Subckt a("a", {"p"});
        a.add(SubcktInstance{"inner", {"p"}, "b"});
        Subckt b("b", {"p"});
        b.add(SubcktInstance{"inner", {"p"}, "a"});
        n.add_subckt(std::move(a));
        n.add_subckt(std::move(b));
        CHECK_THROWS_WITH(n.to_spice(), Contains("instantiates itself: a -> b -> a"));
    }
}

TEST_CASE(".param and .model cards") {
    Netlist n("p");
    n.add_param("vdd", 1.1);
    CHECK_THROWS_WITH(n.add_param("VDD", 1.0), Contains("defined twice"));
    CHECK_THROWS_WITH(n.add_param("v;dd", 1.0), Contains(".param 'v;dd'"));
    CHECK_THROWS_WITH(n.add_param("x", std::numeric_limits<double>::infinity()),
                      Contains("finite"));
    // A parameter named like a function or V/I would be read as a call in expressions.
    CHECK_THROWS_WITH(n.add_param("exp", 1.0), Contains("name of a function"));
    CHECK_THROWS_WITH(n.add_param("V", 1.0), Contains("name of a function"));
    CHECK_THROWS_WITH(Subckt("s", {"a"}, {{"Tanh", 1.0}}), Contains("name of a function"));
    CHECK_THROWS_WITH(Expr::param("max"), Contains("name of a function"));
    n.add_model({"nm", "nmos", {{"u0", 0.04}}}); // model parameters are device parameter names
    CHECK_THROWS_WITH(n.add_model({"m1", "bjt"}), Contains("type 'bjt': unknown model type"));
    CHECK_THROWS_WITH(n.add_model({"m1", "nmos", {{"vto", 0.4}, {"VTO", 0.5}}}),
                      Contains("given twice"));
    n.add_model({"pch", "PMOS", {{"level", 1}, {"vto", -0.4}}});
    CHECK_THROWS_WITH(n.add_model({"PCH", "pmos"}), Contains("defined twice"));
    CHECK(line_starting(n, ".param") == ".param vdd=1.1");
    CHECK(line_starting(n, ".model pch") == ".model pch pmos level=1 vto=-0.4");
    CHECK(line_starting(n, ".model nm") == ".model nm nmos u0=0.04");
}

TEST_CASE("analyses: .op, .dc and .tran with their checks") {
    Netlist n("a");
    n.add(VoltageSource{"in", "a", Node::ground(), 0.0});
    n.add(Resistor{"r", "a", Node::ground(), 1e3});
    n.add_analysis(OpAnalysis{});
    n.add_analysis(DcAnalysis{"in", 0.0, 1.0, 0.1});
    n.add_analysis(TranAnalysis{1e-11, 1e-8});
    n.add_analysis(TranAnalysis{1e-11, 1e-8, 1e-9, 1e-12, true});
    n.add_analysis(TranAnalysis{.step = 1e-11, .stop = 1e-8, .max_step = 1e-12});
    const auto lines = lines_of(n.to_spice());
    CHECK(std::find(lines.begin(), lines.end(), ".op") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), ".dc Vin 0 1 0.1") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), ".tran 1e-11 1e-08") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), ".tran 1e-11 1e-08 1e-09 1e-12 uic") !=
          lines.end());
    CHECK(std::find(lines.begin(), lines.end(), ".tran 1e-11 1e-08 0 1e-12") != lines.end());

    CHECK_THROWS_WITH(n.add_analysis(DcAnalysis{"in", 0.0, 1.0, 0.0}), Contains("zero"));
    CHECK_THROWS_WITH(n.add_analysis(DcAnalysis{"in", 0.0, 1.0, -0.1}), Contains("never gets"));
    CHECK_THROWS_WITH(n.add_analysis(DcAnalysis{"in", 0.0, 1.0, 1e-9}), Contains("too many"));
    CHECK_THROWS_WITH(n.add_analysis(DcAnalysis{"in;x", 0.0, 1.0, 0.1}), Contains("source"));
    CHECK_THROWS_WITH(n.add_analysis(TranAnalysis{0.0, 1e-9}), Contains("tstep must be positive"));
    CHECK_THROWS_WITH(n.add_analysis(TranAnalysis{1e-9, 1e-10}), Contains("longer than tstop"));
    // shared/NGSPICE.md: `.tran 1e-30 1` runs for ever.
    CHECK_THROWS_WITH(n.add_analysis(TranAnalysis{1e-30, 1.0}), Contains("too many"));
    CHECK_THROWS_WITH(n.add_analysis(TranAnalysis{1e-11, 1e-8, 1e-8}), Contains("tstart"));
    CHECK_THROWS_WITH(n.add_analysis(TranAnalysis{1e-11, 1e-8, 0.0, -1.0}), Contains("tmax"));
    CHECK_THROWS_WITH(n.add_analysis(TranAnalysis{1e-11, std::nan("")}), Contains("finite"));

    Netlist m("dc");
    m.add(Resistor{"r", "a", Node::ground(), 1e3});
    m.add_analysis(DcAnalysis{"r", 0.0, 1.0, 0.1});
    CHECK_THROWS_WITH(m.to_spice(), Contains("'r' is not a voltage or current source"));
}

TEST_CASE(".options: allow-listed keys with checked numbers") {
    Netlist n("o");
    n.set_option("RELTOL", 1e-4).set_option("abstol", 1e-13).set_option("itl4", 50);
    n.set_method(IntegrationMethod::gear);
    CHECK(line_starting(n, ".options") == ".options abstol=1e-13 itl4=50 reltol=1e-04 method=gear");
    CHECK(n.options().at("reltol") == 1e-4);
    CHECK_THROWS_WITH(n.set_option("filetype", 1), Contains("unknown option 'filetype'"));
    CHECK_THROWS_WITH(n.set_option("reltol", 2.0), Contains("(0, 1]"));
    CHECK_THROWS_WITH(n.set_option("gmin", 0.0), Contains("positive"));
    CHECK_THROWS_WITH(n.set_option("itl1", 2.5), Contains("integer"));
    CHECK_THROWS_WITH(n.set_option("temp", -300), Contains("absolute zero"));
    CHECK_THROWS_WITH(n.set_option("abstol", std::nan("")), Contains("finite"));
}

TEST_CASE("probes: .save text, ngspice vector names, named probe points") {
    const Probe v = Probe::voltage("sl");
    CHECK(v.spice() == "v(sl)");
    CHECK(v.vector_name() == "sl");
    const Probe vx = Probe::voltage("Mid", {"row0", "c3"});
    CHECK(vx.spice() == "v(xrow0.xc3.Mid)");
    CHECK(vx.vector_name() == "xrow0.xc3.mid");
    const Probe i = Probe::current("Bl");
    CHECK(i.spice() == "i(VBl)");
    CHECK(i.vector_name() == "vbl#branch");
    const Probe ix = Probe::current("s", {"c0"});
    CHECK(ix.spice() == "i(v.xc0.vs)");
    CHECK(ix.vector_name() == "v.xc0.vs#branch");
    const Probe d = Probe::device(ElementKind::mosfet, "acc", "id", {"c0"});
    CHECK(d.spice() == "@m.xc0.macc[id]");
    CHECK(d.vector_name() == "@m.xc0.macc[id]");
    CHECK(Probe::device(ElementKind::resistor, "r1", "i").spice() == "@Rr1[i]");
    CHECK_THROWS_WITH(Probe::voltage(Node::ground()), Contains("always 0"));
    CHECK_THROWS_WITH(Probe::voltage("gnd"), Contains("ground"));

    Netlist n = two_cell_row();
    n.add_probe("v_bl", Probe::voltage("bl"));
    n.add_probe("i_bl", Probe::current("bl"));
    n.add_probe("i_acc", Probe::device(ElementKind::mosfet, "acc", "id", {"c0"}));
    CHECK_THROWS_WITH(n.add_probe("V_BL", Probe::voltage("wl")), Contains("used twice"));
    CHECK(n.probe("V_bl") == Probe::voltage("bl"));
    CHECK_THROWS_WITH((void)n.probe("nope"), Contains("no probe named 'nope'"));
    n.save(Probe::voltage("wl"));
    n.save_probes();
    n.save_probes(); // idempotent
    CHECK(line_starting(n, ".save") == ".save v(wl) @m.xc0.macc[id] i(Vbl) v(bl)");

    Netlist m = two_cell_row();
    m.save(Probe::voltage("nowhere"));
    CHECK_THROWS_WITH(m.to_spice(), Contains("no element is connected to node 'nowhere'"));
    Netlist k = two_cell_row();
    k.add_probe("x", Probe::current("missing"));
    CHECK_THROWS_WITH(k.to_spice(), Contains("no element named 'missing'"));
}

TEST_CASE("title is sanitised and can never start a command") {
    Netlist n("");
    CHECK(n.sanitized_title() == "spincim netlist");
    n.set_title(".control");
    CHECK(n.sanitized_title() == "control");
    n.set_title("2T2J XNOR row (8 cells), Vdd=1.1");
    CHECK(n.sanitized_title() == "2T2J XNOR row (8 cells), Vdd=1.1");
    n.set_title("a\n.control\nshell rm -rf /\n.endc");
    CHECK(n.sanitized_title() == "a .control shell rm -rf / .endc");
    n.set_title("* comment; 'quoted' \"q\" $x {b} caf\xc3\xa9");
    CHECK(n.sanitized_title() == "comment_ _quoted_ _q_ _x _b_ caf__");
    n.set_title(std::string(500, 'x'));
    CHECK(n.sanitized_title().size() == kMaxTitleLength);
    CHECK(lines_of(n.to_spice()).size() == 2); // title + .end
}

TEST_CASE(".include: a file under the models folder is accepted") {
    Netlist n("inc");
    n.add_include(fixture_models(), "fixture_res.sub");
    n.add_include(fixture_models(), "sub/fixture_cap.sub");
    n.add_include(fixture_models(), "./fixture_res.sub"); // same file: written once
    n.add_include(fixture_models(), fs::canonical(fixture_models() / "fixture_res.sub"));
    REQUIRE(n.includes().size() == 2);
    const std::string text = n.to_spice();
    const auto lines = lines_of(text);
    CHECK(lines[1] == ".include " + fs::canonical(fixture_models() / "fixture_res.sub").string());
    CHECK(lines[2] ==
          ".include " + fs::canonical(fixture_models() / "sub/fixture_cap.sub").string());
    // With an include, instances of subcircuits not defined here are allowed.
    n.add(SubcktInstance{"r0", {"a", Node::ground()}, "fixture_res", {{"r", 2e3}}});
    CHECK_NOTHROW(n.to_spice());
}

TEST_CASE(".include: outside paths, '..' escapes, missing files and symlink escapes") {
    const fs::path root = fixture_models();
    Netlist n("inc");
    CHECK_THROWS_WITH(n.add_include(root, "/etc/hostname"), Contains("outside the models folder"));
    CHECK_THROWS_WITH(n.add_include(root, "../golden/rc.cir"), Contains("'..' is not allowed"));
    CHECK_THROWS_WITH(n.add_include(root, "sub/../../netlist_test.cpp"),
                      Contains("'..' is not allowed"));
    CHECK_THROWS_WITH(n.add_include(root, "missing.sub"), Contains("no such file"));
    CHECK_THROWS_WITH(n.add_include(root, "sub"), Contains("not a regular file"));
    CHECK_THROWS_WITH(n.add_include(root, ""), Contains("empty path"));
    CHECK_THROWS_WITH(n.add_include(root / "nope", "fixture_res.sub"),
                      Contains("models folder") && Contains("does not exist"));

    TempDir tmp("symlink");
    const fs::path models = tmp.path() / "models";
    fs::create_directories(models);
    {
        std::ofstream(tmp.path() / "secret.txt") << "outside\n";
        std::ofstream(models / "ok.sub") << "* fine\n";
    }
    fs::create_symlink(tmp.path() / "secret.txt", models / "escape.sub");
    fs::create_directory_symlink(tmp.path(), models / "updir");
    fs::create_symlink(models / "ok.sub", models / "inside_link.sub");
    CHECK_THROWS_WITH(n.add_include(models, "escape.sub"),
                      Contains("resolves to") && Contains("outside the models folder"));
    CHECK_THROWS_WITH(n.add_include(models, "updir/secret.txt"), Contains("outside"));
    CHECK_THROWS_WITH(n.add_include(models, tmp.path() / "secret.txt"), Contains("outside"));
    // A symlink that stays inside the folder is fine; the real path is what gets written.
    n.add_include(models, "inside_link.sub");
    CHECK(n.includes().back() == fs::canonical(models / "ok.sub"));

    // Paths ngspice cannot read unquoted, and model files that carry a .control block.
    std::ofstream(models / "with space.sub") << "* x\n";
    CHECK_THROWS_WITH(n.add_include(models, "with space.sub"), Contains("unquoted"));
    std::ofstream(models / "ctl.sub") << "* x\n  .CONTROL\nshell id\n.endc\n";
    CHECK_THROWS_WITH(n.add_include(models, "ctl.sub"), Contains("line 2") && Contains(".control"));
}
