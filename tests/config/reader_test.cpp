#include <array>

#include <catch2/catch.hpp>

#include "spincim/config/reader.hpp"

using namespace spincim::config;
using Catch::Matchers::Contains;

namespace {
// Runs `f` and returns the InputError message it threw (fails the test if it did not throw).
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const spincim::InputError& e) {
        return e.what();
    }
    FAIL("no InputError thrown");
    return {};
}
} // namespace

TEST_CASE("values know their file, line, column and key path") {
    const Value root = load_yaml_text(
        "study: x\ncircuit:\n  rows:\n    - {vbl: 0.3}\n    - {vbl: 1k5}\n", "s.yaml");
    Map top = root.map();
    Map circuit = top.required("circuit").map();
    const auto rows = circuit.required("rows").items();
    REQUIRE(rows.size() == 2);
    Map row0 = rows[0].map();
    CHECK(row0.required("vbl").number() == 0.3);
    Map row1 = rows[1].map();
    const std::string msg = error_of([&] { (void)row1.required("vbl").number(); });
    CHECK_THAT(msg, Contains("s.yaml:5:13: circuit.rows[1].vbl:") && Contains("'1k5'"));
}

TEST_CASE("unknown keys are reported with a suggestion") {
    const Value root = load_yaml_text("tran:\n  tstep: 1n\n  tsop: 5u\n", "a.yaml");
    Map top = root.map();
    Map tran = top.required("tran").map();
    (void)tran.required("tstep").number();
    (void)tran.optional("tstop");
    const std::string msg = error_of([&] { tran.finish(); });
    CHECK_THAT(msg, Contains("a.yaml:3:3: tran.tsop:") && Contains("did you mean 'tstop'"));
}

TEST_CASE("unknown keys far from every known key list the known keys") {
    const Value root = load_yaml_text("seed: 1\nzzzzzzzz: 2\n", "b.yaml");
    Map top = root.map();
    (void)top.required("seed").seed();
    (void)top.has("study");
    CHECK_THAT(error_of([&] { top.finish(); }), Contains("known keys here: seed study"));
}

TEST_CASE("missing keys, repeated keys and wrong shapes are named") {
    {
        Map top = load_yaml_text("a: 1\n", "c.yaml").map();
        CHECK_THAT(error_of([&] { (void)top.required("seed"); }),
                   Contains("c.yaml:1:1") && Contains("missing required key 'seed'"));
    }
    CHECK_THAT(error_of([] { (void)load_yaml_text("a: 1\na: 2\n", "d.yaml").map(); }),
               Contains("d.yaml:2:1: a:") && Contains("appears twice"));
    {
        Map top = load_yaml_text("a: [1, 2]\n", "e.yaml").map();
        CHECK_THAT(error_of([&] { (void)top.required("a").number(); }),
                   Contains("e.yaml:1:4: a:") && Contains("found a list"));
    }
    CHECK_THAT(error_of([] { (void)load_yaml_text("- 1\n", "f.yaml").map(); }),
               Contains("expected a mapping"));
}

TEST_CASE("syntax errors carry the position") {
    CHECK_THAT(error_of([] { (void)load_yaml_text("a: [1, 2\nb: 3\n", "g.yaml"); }),
               Contains("g.yaml:") && Contains("YAML syntax error"));
}

TEST_CASE("typed scalars enforce their ranges") {
    Map m = load_yaml_text("n: 12\nbig: 99999999999999999999\nf: 1.5\nb: yes\nname: \"a b\"\n"
                           "w: tran\nneg: -1\n",
                           "h.yaml")
                .map();
    CHECK(m.required("n").integer(0, 100) == 12);
    CHECK_THAT(error_of([&] { (void)m.required("n").integer(0, 10); }),
               Contains("outside the allowed range"));
    CHECK_THAT(error_of([&] { (void)m.required("big").integer(0, 10); }), Contains("out of range"));
    CHECK_THAT(error_of([&] { (void)m.required("f").integer(0, 10); }), Contains("whole number"));
    CHECK_THAT(error_of([&] { (void)m.required("b").boolean(); }), Contains("true or false"));
    CHECK_THAT(error_of([&] { (void)m.required("name").identifier(); }),
               Contains("not a valid name"));
    constexpr std::array<std::string_view, 3> kinds{"op", "dc", "tran"};
    CHECK(m.required("w").choice(kinds) == "tran");
    CHECK_THAT(error_of([&] { (void)m.required("neg").positive(); }),
               Contains("greater than zero"));
    CHECK_THAT(error_of([&] { (void)m.required("neg").non_negative(); }), Contains("negative"));
}

TEST_CASE("resolved parameters record what was read and the defaults") {
    const Value root = load_yaml_text("seed: 7\ncircuit:\n  r: 1k\n  items: [1n, 2n]\n", "r.yaml");
    Map top = root.map();
    (void)top.required("seed").seed();
    Map c = top.required("circuit").map();
    (void)c.required("r").positive();
    (void)c.required("items").numbers();
    (void)c.number_or("c", 1e-12);
    const auto& j = root.context()->resolved;
    CHECK(j["seed"] == 7);
    CHECK(j["circuit"]["r"] == 1000.0);
    CHECK(j["circuit"]["c"] == 1e-12);
    CHECK(j["circuit"]["items"][1] == 2e-9);
}

TEST_CASE("one_of demands exactly one alternative") {
    constexpr std::array<std::string_view, 3> kinds{"op", "dc", "tran"};
    Map none = load_yaml_text("x: 1\n", "o.yaml").map();
    CHECK_THAT(error_of([&] { (void)none.one_of(kinds); }),
               Contains("needs one of 'op', 'dc', 'tran'"));
    Map two = load_yaml_text("op: {}\ntran: {}\n", "o.yaml").map();
    CHECK_THAT(error_of([&] { (void)two.one_of(kinds); }), Contains("only one of"));
    Map one = load_yaml_text("dc: {}\n", "o.yaml").map();
    CHECK(one.one_of(kinds) == 1);
}

TEST_CASE("edit distance and suggestions") {
    CHECK(edit_distance("tstop", "tsop") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("", "abc") == 3);
    const std::vector<std::string> c{"tstop", "tstep", "seed"};
    CHECK(closest("tstpo", c) == "tstop");
    CHECK(closest("completely_different", c).empty());
}
