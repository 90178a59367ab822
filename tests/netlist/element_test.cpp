// Element cards (ngspice manual ch. 3, 4.1, 4.2, 5.1, 7, 11 and 2.4 for the syntax) and the
// per-element validation rules of ARCHITECTURE.md.

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/netlist/netlist.hpp"

#include "test_util.hpp"

using Catch::Matchers::Contains;
using namespace spincim::netlist;
using spincim::InputError;
using spincim::netlist::test::card_of;
using spincim::netlist::test::line_starting;

TEST_CASE("passive element cards carry the letter, the nodes and the exact value") {
    CHECK(card_of(Resistor{"load", "out", Node::ground(), 2e3}) == "Rload out 0 2000");
    CHECK(card_of(Capacitor{"c1", "out", Node::ground(), 1e-15}) == "Cc1 out 0 1e-15");
    CHECK(card_of(Capacitor{"c2", "a", "b", 2.5e-12, 0.3}) == "Cc2 a b 2.5e-12 ic=0.3");
    CHECK(card_of(Inductor{"l1", "a", "b", 1e-9}) == "Ll1 a b 1e-09");
    CHECK(card_of(Inductor{"l2", "a", "b", 1e-9, 1e-3}) == "Ll2 a b 1e-09 ic=0.001");
    // Round trip: the printed value reads back to the same double (units::to_spice).
    CHECK(card_of(Resistor{"r", "a", "b", 0.1 + 0.2}) == "Rr a b 0.30000000000000004");
}

TEST_CASE("independent sources: DC, PULSE, PWL and DC alongside a transient function") {
    CHECK(card_of(VoltageSource{"dd", "vdd", Node::ground(), 1.2, {}}) == "Vdd vdd 0 DC 1.2");
    CHECK(card_of(VoltageSource{"z", "a", Node::ground(), {}, {}}) == "Vz a 0 DC 0");
    CHECK(card_of(CurrentSource{"bias", "a", Node::ground(), 1e-6, {}}) == "Ibias a 0 DC 1e-06");
    const Pulse pulse{.initial = 0.0,
                      .pulsed = 1.0,
                      .delay = 1e-9,
                      .rise = 1e-10,
                      .fall = 1e-10,
                      .width = 5e-9,
                      .period = 1e-8};
    CHECK(card_of(VoltageSource{"wl", "wl", Node::ground(), {}, pulse}) ==
          "Vwl wl 0 PULSE(0 1 1e-09 1e-10 1e-10 5e-09 1e-08)");
    CHECK(card_of(VoltageSource{"wl", "wl", Node::ground(), 0.0, pulse}) ==
          "Vwl wl 0 DC 0 PULSE(0 1 1e-09 1e-10 1e-10 5e-09 1e-08)");
    const Pwl pwl{{{0.0, 0.0}, {1e-9, 0.8}, {2e-9, -0.8}}};
    CHECK(card_of(CurrentSource{"in", "a", "b", {}, pwl}) ==
          "Iin a b PWL(0 0 1e-09 0.8 2e-09 -0.8)");
}

TEST_CASE("controlled and behavioral sources") {
    CHECK(card_of(Vcvs{"amp", "o", Node::ground(), "p", "n", 100.0}) == "Eamp o 0 p n 100");
    CHECK(card_of(Vccs{"gm", "o", Node::ground(), "p", Node::ground(), 1e-3}) ==
          "Ggm o 0 p 0 0.001");
    CHECK(card_of(BehavioralSource{"r", "a", "b", Behavior::current, Expr::v("a", "b") / 1000.0}) ==
          "Br a b I=V(a,b)/1000");
    CHECK(card_of(BehavioralSource{"th", "o", Node::ground(), Behavior::voltage,
                                   tanh(Expr::v("in"))}) == "Bth o 0 V=tanh(V(in))");
}

TEST_CASE("MOSFET, diode and switch cards with their models") {
    Netlist n("m");
    n.add_model({"nch", "NMOS", {{"level", 1}, {"vto", 0.5}}});
    n.add_model({"dmod", "d", {}});
    n.add_model({"smod", "sw", {{"vt", 0.5}}});
    n.add(Mosfet{.name = "acc",
                 .drain = "bl",
                 .gate = "wl",
                 .source = "sn",
                 .bulk = Node::ground(),
                 .model = "nch",
                 .width = 1e-6,
                 .length = 45e-9,
                 .multiplier = 2,
                 .extra = {{"delvto", 0.01}}});
    n.add(Mosfet{"m2", "d", "g", "s", "s", "nch", 1e-6, 1e-7, {}, {}});
    n.add(Diode{"d1", "a", "k", "dmod", {}});
    n.add(Diode{"d2", "a", "k2", "dmod", 2.0});
    n.add(Switch{"s1", "a", "b", "c", Node::ground(), "smod"});
    CHECK(line_starting(n, "Macc") == "Macc bl wl sn 0 nch w=1e-06 l=4.5e-08 m=2 delvto=0.01");
    CHECK(line_starting(n, "Mm2") == "Mm2 d g s s nch w=1e-06 l=1e-07");
    CHECK(line_starting(n, "Dd1") == "Dd1 a k dmod");
    CHECK(line_starting(n, "Dd2") == "Dd2 a k2 dmod 2");
    CHECK(line_starting(n, "Ss1") == "Ss1 a b c 0 smod");
    // Model types are written in lower case whatever the input.
    CHECK(line_starting(n, ".model nch") == ".model nch nmos level=1 vto=0.5");
}

TEST_CASE("subcircuit instance card with instance parameters") {
    Netlist n("x");
    n.add_subckt(Subckt("cell", {"a", "b"}, {{"rp", 1e3}}));
    n.add(SubcktInstance{"c0", {"bl", Node::ground()}, "cell", {{"rp", 2e3}}});
    CHECK(line_starting(n, "Xc0") == "Xc0 bl 0 cell rp=2000");
}

TEST_CASE("parameter-valued fields are written in braces") {
    Netlist n("p");
    n.add_param("rlow", 5e3);
    n.add(Resistor{"r1", "a", Node::ground(), Expr::param("rlow") * 2.0});
    n.add(VoltageSource{"v1", "a", Node::ground(), Value::param("rlow"), {}});
    CHECK(line_starting(n, "Rr1") == "Rr1 a 0 {rlow*2}");
    CHECK(line_starting(n, "Vv1") == "Vv1 a 0 DC {rlow}");
}

TEST_CASE("element names and nodes are validated with the element and field named") {
    Netlist n("v");
    CHECK_THROWS_WITH(n.add(Resistor{"1r", "a", "b", 1.0}),
                      Contains("resistor name '1r'") && Contains("first character"));
    CHECK_THROWS_WITH(n.add(Resistor{"r1", "a", "gnd", 1.0}),
                      Contains("element 'Rr1' node 2 (negative)") && Contains("Node::ground()"));
    CHECK_THROWS_WITH(n.add(Resistor{"r1", "0", "b", 1.0}),
                      Contains("element 'Rr1' node 1 (positive)") && Contains("ground"));
    CHECK_THROWS_WITH(n.add(Resistor{"r1", "GND", "b", 1.0}), Contains("node 1"));
    CHECK_THROWS_WITH(n.add(Resistor{"r1", "time", "b", 1.0}), Contains("reserved"));
    CHECK_THROWS_WITH(n.add(Resistor{"temper", "a", "b", 1.0}), Contains("reserved"));
    CHECK_THROWS_WITH(n.add(Resistor{"r1", "a", "HERTZ", 1.0}), Contains("reserved"));
    CHECK_THROWS_WITH(n.add(Resistor{std::string(65, 'r'), "a", "b", 1.0}),
                      Contains("65 characters"));
    CHECK_NOTHROW(n.add(Resistor{std::string(64, 'r'), "a", "b", 1.0}));
    CHECK_THROWS_WITH(n.add(Mosfet{"m1", "d", "g", "s", "b b", "nch", 1e-6, 1e-7, {}, {}}),
                      Contains("element 'Mm1' node 4 (bulk)") && Contains("a space at position 2"));
    CHECK_THROWS_WITH(n.add(Resistor{"r2", "a", "a", 1.0}), Contains("short-circuited"));
}

TEST_CASE("element names are unique case-insensitively within a scope, across kinds") {
    Netlist n("u");
    n.add(Resistor{"R1", "a", "b", 1.0});
    CHECK_THROWS_WITH(n.add(Resistor{"r1", "a", "c", 1.0}),
                      Contains("'r1' is already used by element 'RR1'") &&
                          Contains("case-insensitive"));
    CHECK_THROWS_AS(n.add(Capacitor{"r1", "a", "c", 1.0}), InputError);
    // Another scope (a subcircuit body) has its own names.
    Subckt s("cell", {"a", "b"});
    CHECK_NOTHROW(s.add(Resistor{"r1", "a", "b", 1.0}));
    CHECK_THROWS_WITH(s.add(Resistor{"R1", "a", "b", 2.0}), Contains("subcircuit 'cell'"));
}

TEST_CASE("element values are checked for sign and constancy") {
    Netlist n("s");
    CHECK_THROWS_WITH(n.add(Resistor{"r", "a", "b", 0.0}),
                      Contains("element 'Rr' resistance: must be positive"));
    CHECK_THROWS_WITH(n.add(Resistor{"r", "a", "b", -5.0}), Contains("must be positive"));
    CHECK_THROWS_WITH(n.add(Capacitor{"c", "a", "b", -1e-15}),
                      Contains("capacitance: must not be negative"));
    CHECK_THROWS_WITH(n.add(Mosfet{"m", "d", "g", "s", "b", "nch", 0.0, 1e-7, {}, {}}),
                      Contains("element 'Mm' width: must be positive"));
    CHECK_THROWS_WITH(n.add(Mosfet{"m", "d", "g", "s", "b", "nch", 1e-6, 1e-7, {}, {{"W", 1.0}}}),
                      Contains("parameter 'W'") && Contains("is a field"));
    CHECK_THROWS_WITH(
        n.add(Mosfet{
            "m", "d", "g", "s", "b", "nch", 1e-6, 1e-7, {}, {{"delvto", 0.1}, {"DELVTO", 0.2}}}),
        Contains("given twice"));
    // A value is evaluated when the netlist is read: V(), I() and time are not known then.
    CHECK_THROWS_WITH(n.add(Resistor{"r", "a", "b", Value(Expr::v("a") * 2.0)}),
                      Contains("element 'Rr' resistance") && Contains("only in B-source"));
    CHECK_THROWS_WITH(n.add(VoltageSource{"v", "a", "b", Value(Expr::time()), {}}),
                      Contains("DC value"));
    // NaN and infinity never become numbers (Expr refuses them at construction).
    CHECK_THROWS_AS(n.add(Resistor{"r", "a", "b", std::numeric_limits<double>::infinity()}),
                    InputError);
    CHECK_THROWS_AS(n.add(Resistor{"r", "a", "b", std::numeric_limits<double>::quiet_NaN()}),
                    InputError);
}

TEST_CASE("PULSE and PWL parameters are checked") {
    Netlist n("w");
    auto pulse = [](double period) { return Pulse{0.0, 1.0, 0.0, 1e-10, 1e-10, 5e-9, period}; };
    CHECK_THROWS_WITH(n.add(VoltageSource{"p", "a", Node::ground(), {}, pulse(0.0)}),
                      Contains("element 'Vp' PULSE period: must be positive"));
    CHECK_THROWS_WITH(n.add(VoltageSource{"p", "a", Node::ground(), {}, pulse(1e-9)}),
                      Contains("shorter than rise + width + fall = 5.2e-09"));
    CHECK_NOTHROW(n.add(VoltageSource{"p", "a", Node::ground(), {}, pulse(5.2e-9)}));
    CHECK_THROWS_WITH(n.add(VoltageSource{"q", "b", Node::ground(), {}, Pwl{}}),
                      Contains("PWL: needs at least one"));
    CHECK_THROWS_WITH(
        n.add(VoltageSource{
            "q", "b", Node::ground(), {}, Pwl{{{0.0, 0.0}, {1e-9, 1.0}, {1e-9, 0.0}}}}),
        Contains("PWL point 3 time: times must increase strictly, but 1e-09 follows 1e-09"));
    CHECK_THROWS_WITH(n.add(VoltageSource{"q", "b", Node::ground(), {}, Pwl{{{-1e-9, 0.0}}}}),
                      Contains("PWL point 1 time: must not be negative"));
}

TEST_CASE("kind, letter and node accessors") {
    const Element m = Mosfet{"acc", "d", "g", "s", Node::ground(), "nch", 1e-6, 1e-7, {}, {}};
    CHECK(kind_of(m) == ElementKind::mosfet);
    CHECK(letter_of(kind_of(m)) == 'M');
    CHECK(name_of(m) == "acc");
    CHECK(spice_name(m) == "Macc");
    const auto nodes = nodes_of(m);
    REQUIRE(nodes.size() == 4);
    CHECK(nodes[1].name() == "g");
    CHECK(nodes[3].is_ground());
    CHECK(Node::ground().name() == "0");
    CHECK(Node("A") == Node("a")); // SPICE node names are case-insensitive
}
