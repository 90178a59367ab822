// Hostile strings at every string field (ARCHITECTURE.md: no string from a user reaches a netlist
// without validation; shared/NGSPICE.md "Hazards": `;`, quotes, `=`, `(`, `{`, `,`, `$`, a
// newline followed by `.control`/`shell` each make ngspice misparse, crash, or run commands).
// Each must be rejected with spincim::InputError; only the title is sanitised instead.

#include <fstream>
#include <functional>
#include <regex>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/netlist/netlist.hpp"

#include "test_util.hpp"

using namespace spincim::netlist;
using namespace spincim::netlist::test;
using spincim::InputError;

namespace {

const std::vector<std::string>& hostile() {
    static const std::vector<std::string> kStrings{"n\n.control",
                                                   "n\nshell rm -rf /",
                                                   "n\r\n.endc",
                                                   "n;x",
                                                   ";",
                                                   "n'x",
                                                   "n\"x",
                                                   "n`x`",
                                                   "n=x",
                                                   "n(x",
                                                   "n)x",
                                                   "n{x}",
                                                   "n,x",
                                                   "n x",
                                                   " n",
                                                   "n\t",
                                                   "n\xc3\xa9",
                                                   "\xe2\x80\x8b",
                                                   "n*x",
                                                   "*n",
                                                   "n$x",
                                                   "$",
                                                   ".control",
                                                   ".endc",
                                                   ".include",
                                                   "n.x",
                                                   "+n",
                                                   "n+x",
                                                   "-n",
                                                   "n\\x",
                                                   "n/x",
                                                   "n[x]",
                                                   "@n",
                                                   "n#b",
                                                   "n%x",
                                                   "n&x",
                                                   "n|x",
                                                   "n!x",
                                                   "n?x",
                                                   "n:x",
                                                   "n<x",
                                                   "n>x",
                                                   "n^x",
                                                   "n~x",
                                                   std::string("n\0x", 3),
                                                   "",
                                                   "1n",
                                                   "time",
                                                   "TEMPER",
                                                   "hertz",
                                                   std::string(65, 'n')};
    return kStrings;
}

// Independent of the writer's own guard: the text must not contain anything that can end a
// field, start a comment or a quote, or open a control block.
void require_safe(const std::string& text) {
    for (unsigned char c : text) {
        REQUIRE(((c >= 0x20 && c < 0x7f) || c == '\n'));
        REQUIRE(std::string_view(";'\"`$\\#%~\t\r").find(static_cast<char>(c)) ==
                std::string_view::npos);
    }
    const auto lines = lines_of(text);
    REQUIRE(lines.back() == ".end");
    for (std::size_t k = 1; k < lines.size(); ++k) {
        const std::string head = to_lower(lines[k].substr(0, 8));
        REQUIRE_FALSE(head.rfind(".control", 0) == 0);
        REQUIRE_FALSE(head.rfind(".endc", 0) == 0);
        REQUIRE_FALSE(head.rfind("shell", 0) == 0);
    }
}

// Names SPICE reads as ground: hostile only where a node is meant (an element may be called gnd).
const std::vector<std::string> kGroundNames{"0", "gnd", "GND", "Gnd"};

// Runs `build(s)` for every hostile string (and, for node fields, every ground spelling) and
// requires an InputError each time.
void all_rejected(const std::string& field, const std::function<void(const std::string&)>& build,
                  bool node_field = false) {
    std::vector<std::string> inputs = hostile();
    if (node_field)
        inputs.insert(inputs.end(), kGroundNames.begin(), kGroundNames.end());
    for (const auto& s : inputs) {
        INFO("field: " << field << ", input: " << quote(s));
        CHECK_THROWS_AS(build(s), InputError);
    }
}

const Node g = Node::ground();

} // namespace

TEST_CASE("hostile element names are rejected for every element kind") {
    const std::vector<std::function<Element(const std::string&)>> kinds{
        [](const std::string& s) {
            return Resistor{s, "a", "b", 1.0};
        },
        [](const std::string& s) {
            return Capacitor{s, "a", "b", 1.0};
        },
        [](const std::string& s) {
            return Inductor{s, "a", "b", 1.0};
        },
        [](const std::string& s) {
            return VoltageSource{s, "a", "b", 1.0};
        },
        [](const std::string& s) {
            return CurrentSource{s, "a", "b", 1.0};
        },
        [](const std::string& s) {
            return BehavioralSource{s, "a", "b", Behavior::voltage, Expr(1.0)};
        },
        [](const std::string& s) { return Vcvs{s, "a", "b", "c", "d", 1.0}; },
        [](const std::string& s) { return Vccs{s, "a", "b", "c", "d", 1.0}; },
        [](const std::string& s) { return Mosfet{s, "a", "b", "c", "d", "m", 1.0, 1.0}; },
        [](const std::string& s) {
            return Diode{s, "a", "b", "m"};
        },
        [](const std::string& s) { return Switch{s, "a", "b", "c", "d", "m"}; },
        [](const std::string& s) {
            return SubcktInstance{s, {"a"}, "sub"};
        }};
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        all_rejected("element name, kind " + std::to_string(k), [&](const std::string& s) {
            Netlist n("t");
            n.add(kinds[k](s));
        });
        all_rejected("subckt body element name, kind " + std::to_string(k),
                     [&](const std::string& s) {
                         Subckt sub("cell", {"a"});
                         sub.add(kinds[k](s));
                     });
    }
}

TEST_CASE("hostile node names are rejected at every terminal of every element kind") {
    // Each factory puts `s` at terminal `t`; the others are valid.
    auto at = [](std::size_t t, std::size_t k, const std::string& s) -> Node {
        return t == k ? Node(s) : Node("n" + std::to_string(k));
    };
    const std::vector<
        std::pair<std::size_t, std::function<Element(std::size_t, const std::string&)>>>
        kinds{{2,
               [&](std::size_t t, const std::string& s) {
                   return Resistor{"x", at(t, 0, s), at(t, 1, s), 1.0};
               }},
              {2,
               [&](std::size_t t, const std::string& s) {
                   return Capacitor{"x", at(t, 0, s), at(t, 1, s), 1.0};
               }},
              {2,
               [&](std::size_t t, const std::string& s) {
                   return Inductor{"x", at(t, 0, s), at(t, 1, s), 1.0};
               }},
              {2,
               [&](std::size_t t, const std::string& s) {
                   return VoltageSource{"x", at(t, 0, s), at(t, 1, s), 1.0};
               }},
              {2,
               [&](std::size_t t, const std::string& s) {
                   return CurrentSource{"x", at(t, 0, s), at(t, 1, s), 1.0};
               }},
              {2,
               [&](std::size_t t, const std::string& s) {
                   return BehavioralSource{"x", at(t, 0, s), at(t, 1, s), Behavior::current,
                                           Expr(1.0)};
               }},
              {4,
               [&](std::size_t t, const std::string& s) {
                   return Vcvs{"x", at(t, 0, s), at(t, 1, s), at(t, 2, s), at(t, 3, s), 1.0};
               }},
              {4,
               [&](std::size_t t, const std::string& s) {
                   return Vccs{"x", at(t, 0, s), at(t, 1, s), at(t, 2, s), at(t, 3, s), 1.0};
               }},
              {4,
               [&](std::size_t t, const std::string& s) {
                   return Mosfet{"x",         at(t, 0, s), at(t, 1, s), at(t, 2, s),
                                 at(t, 3, s), "m",         1.0,         1.0};
               }},
              {2,
               [&](std::size_t t, const std::string& s) {
                   return Diode{"x", at(t, 0, s), at(t, 1, s), "m"};
               }},
              {4,
               [&](std::size_t t, const std::string& s) {
                   return Switch{"x", at(t, 0, s), at(t, 1, s), at(t, 2, s), at(t, 3, s), "m"};
               }},
              {3, [&](std::size_t t, const std::string& s) {
                   return SubcktInstance{"x", {at(t, 0, s), at(t, 1, s), at(t, 2, s)}, "sub"};
               }}};
    for (std::size_t k = 0; k < kinds.size(); ++k)
        for (std::size_t t = 0; t < kinds[k].first; ++t)
            all_rejected(
                "kind " + std::to_string(k) + " node " + std::to_string(t + 1),
                [&](const std::string& s) {
                    Netlist n("t");
                    n.add(kinds[k].second(t, s));
                },
                true);
}

TEST_CASE("hostile model, subcircuit and parameter names are rejected") {
    all_rejected("MOSFET model", [](const std::string& s) {
        Netlist n("t");
        n.add(Mosfet{"m", "d", "g", "s", g, s, 1e-6, 1e-7});
    });
    all_rejected("diode model", [](const std::string& s) {
        Netlist n("t");
        n.add(Diode{"d", "a", g, s});
    });
    all_rejected("switch model", [](const std::string& s) {
        Netlist n("t");
        n.add(Switch{"s", "a", g, "c", g, s});
    });
    all_rejected("MOSFET extra parameter name", [](const std::string& s) {
        Netlist n("t");
        n.add(Mosfet{"m", "d", "g", "s", g, "nch", 1e-6, 1e-7, {}, {{s, 0.1}}});
    });
    all_rejected("X subcircuit name", [](const std::string& s) {
        Netlist n("t");
        n.add(SubcktInstance{"x", {"a"}, s});
    });
    all_rejected("X parameter name", [](const std::string& s) {
        Netlist n("t");
        n.add(SubcktInstance{"x", {"a"}, "sub", {{s, 1.0}}});
    });
    all_rejected(".param name", [](const std::string& s) { Netlist("t").add_param(s, 1.0); });
    all_rejected(".model name", [](const std::string& s) { Netlist("t").add_model({s, "nmos"}); });
    all_rejected(".model type", [](const std::string& s) { Netlist("t").add_model({"m", s}); });
    all_rejected(".model parameter", [](const std::string& s) {
        Netlist("t").add_model({"m", "nmos", {{s, 1.0}}});
    });
    all_rejected(".subckt name", [](const std::string& s) { Subckt(s, {"a"}); });
    all_rejected(
        ".subckt port",
        [](const std::string& s) {
            Subckt("sub", {"a", s});
        },
        true);
    all_rejected(".subckt parameter", [](const std::string& s) {
        Subckt("sub", {"a"}, {{s, 1.0}});
    });
    all_rejected("parameter reference in a value", [](const std::string& s) {
        Netlist n("t");
        n.add(Resistor{"r", "a", g, Value::param(s)});
    });
}

TEST_CASE("hostile strings in expressions are rejected") {
    all_rejected("expression parameter", [](const std::string& s) { (void)Expr::param(s); });
    all_rejected(
        "expression V() node", [](const std::string& s) { (void)Expr::v(Node(s)); }, true);
    all_rejected(
        "expression V() reference node", [](const std::string& s) { (void)Expr::v("a", Node(s)); },
        true);
    all_rejected("expression I() source", [](const std::string& s) { (void)Expr::i(s); });
    all_rejected("function name", [](const std::string& s) { (void)Expr::call(s, {Expr(1.0)}); });
    // Parsed text: each hostile string glued into an otherwise valid expression. The reserved
    // names and numbers are fine there (`time` is a variable, `0` a number), so only the strings
    // that carry a character outside the grammar are expected to fail.
    for (const auto& s : hostile()) {
        const bool plain = std::regex_match(s, std::regex("[ \t]*[A-Za-z0-9_]*[ \t]*"));
        if (plain || s == "-n" || s == "+n" || s.find_first_of("+-*/^<>!") != std::string::npos)
            continue;
        INFO("expression with " << quote(s));
        CHECK_THROWS_AS(Expr::parse("V(a)*2+" + s), InputError);
        CHECK_THROWS_AS(Expr::parse("max(" + s + ",1)"), InputError);
    }
}

TEST_CASE("hostile option keys, analysis sources and probe fields are rejected") {
    all_rejected(".options key", [](const std::string& s) { Netlist("t").set_option(s, 1e-3); });
    all_rejected(".dc source", [](const std::string& s) {
        Netlist("t").add_analysis(DcAnalysis{s, 0.0, 1.0, 0.1});
    });
    all_rejected(
        "probe node", [](const std::string& s) { (void)Probe::voltage(Node(s)); }, true);
    all_rejected("probe path", [](const std::string& s) { (void)Probe::voltage("a", {"x", s}); });
    all_rejected("probe source", [](const std::string& s) { (void)Probe::current(s); });
    all_rejected("probe device",
                 [](const std::string& s) { (void)Probe::device(ElementKind::mosfet, s, "id"); });
    all_rejected("probe device parameter",
                 [](const std::string& s) { (void)Probe::device(ElementKind::mosfet, "m1", s); });
    all_rejected("probe name",
                 [](const std::string& s) { Netlist("t").add_probe(s, Probe::voltage("a")); });
}

TEST_CASE("hostile include paths are rejected") {
    TempDir tmp("hostile_include");
    const auto models = tmp.path() / "models";
    std::filesystem::create_directories(models);
    for (const auto& s : hostile()) {
        // Ordinary file names (`time.sub`, `n+x.sub`, `1n.sub`) are fine as long as the file is
        // inside the folder; a name may not start with `.`, `+` or `-` nor contain anything else.
        if (std::regex_match(s, std::regex("[A-Za-z0-9_][A-Za-z0-9_.+-]*")))
            continue;
        INFO("include path " << quote(s));
        // Make the hostile file exist where the filesystem allows it, so rejection is not just
        // "file not found".
        const auto p = models / (s + ".sub");
        if (s.find('/') == std::string::npos && s.find('\0') == std::string::npos && !s.empty()) {
            std::ofstream(p) << "* x\n";
        }
        Netlist n("t");
        CHECK_THROWS_AS(n.add_include(models, s + ".sub"), InputError);
        CHECK_THROWS_AS(n.add_include(models, "../" + s + ".sub"), InputError);
    }
}

TEST_CASE("hostile titles are sanitised into one harmless line") {
    for (const auto& s : hostile()) {
        INFO("title " << quote(s));
        Netlist n(s + "\n.control\nshell id\n.endc\n" + s);
        n.add(Resistor{"r", "a", g, 1.0});
        const std::string text = n.to_spice();
        require_safe(text);
        CHECK(lines_of(text).size() == 3);
    }
}

TEST_CASE("random strings: either rejected or written safely, never anything between") {
    // 3000 strings over an alphabet rich in SPICE metacharacters, in the name and node fields;
    // seeded through the project's stream so the test is reproducible.
    static constexpr std::string_view kAlphabet =
        "aZ_09 ;'\"=({,*$\n.+-/\\\x01\xff@[]#!?:<>^gndGND";
    spincim::RandomStream rng(20261121, 0, "hostile_test");
    std::size_t accepted = 0;
    for (int k = 0; k < 3000; ++k) {
        std::string s;
        const auto len = 1 + rng.next() % 6;
        for (std::uint64_t j = 0; j < len; ++j)
            s += kAlphabet[rng.next() % kAlphabet.size()];
        Netlist n("t");
        try {
            n.add(Resistor{s, s, g, 1.0});
        } catch (const InputError&) {
            continue;
        }
        ++accepted;
        INFO("accepted " << quote(s));
        CHECK(std::regex_match(s, std::regex("[A-Za-z_][A-Za-z0-9_]*")));
        CHECK_FALSE(iequals(s, "gnd"));
        require_safe(n.to_spice());
    }
    CHECK(accepted > 0);
}
