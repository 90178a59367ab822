// Every hazard of shared/NGSPICE.md as a test (issue: spice layer, test 2). Each fault test ends
// by simulating a different, correct circuit in the same Session and checking it analytically.

#include <chrono>
#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/spice/session.hpp"

#include "helpers.hpp"

using namespace spincim;
using namespace spincim::spice;
using Catch::Matchers::WithinRel;

TEST_CASE("floating capacitor node is a warning naming the node", "[spice][hazard]") {
    Session session;
    // Node b sits between two capacitors: no DC path to ground, the DC matrix is singular.
    auto result = session.simulate("floating\n"
                                   "V1 in 0 DC 1\n"
                                   "R1 in a 1k\n"
                                   "C1 a b 1p\n"
                                   "C2 b 0 1p\n"
                                   ".tran 1n 10n\n"
                                   ".end\n");
    INFO(result.summary());
    CHECK(result.status == RunStatus::warning);
    CHECK(result.usable());
    REQUIRE_FALSE(result.diagnostics.empty());
    CHECK(result.diagnostics.front().find("'b'") != std::string::npos);
    CHECK(test::any_contains(result.diagnostics, "singular matrix"));
    // With gmin stepping ngspice still finds the capacitive divider: v(b) = v(a) / 2 at DC.
    CHECK_THAT(session.vector("b")[0], WithinRel(0.5, 1e-3));
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("two parallel voltage sources do not converge", "[spice][hazard]") {
    Session session;
    auto result = session.simulate("parallel sources\n"
                                   "V1 a 0 DC 1\n"
                                   "V2 a 0 DC 2\n"
                                   "R1 a 0 1k\n"
                                   ".tran 1n 10n\n"
                                   ".end\n");
    INFO(result.summary());
    CHECK(result.status == RunStatus::nonconvergence);
    CHECK_FALSE(result.usable());
    // ngspice's own words.
    CHECK(test::any_contains(result.diagnostics, "Timestep too small"));
    CHECK(session.vector_names().empty());
    CHECK_THROWS_AS(session.vector("a"), Error);
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("unknown model is a parse error naming it, with no stale vectors", "[spice][hazard]") {
    Session session;
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    REQUIRE(session.has_vector("out"));
    auto result = session.simulate("unknown model\n"
                                   "V1 a 0 DC 1\n"
                                   "R1 a out 1k\n"
                                   "D1 out 0 nosuchdiode\n"
                                   ".op\n"
                                   ".end\n");
    INFO(result.summary());
    CHECK(result.status == RunStatus::parse_error);
    REQUIRE_FALSE(result.diagnostics.empty());
    CHECK(result.diagnostics.front().find("nosuchdiode") != std::string::npos);
    CHECK(test::any_contains(result.diagnostics, "could not find a valid modelname"));
    // The previous circuit's "out" must not be readable any more.
    CHECK_FALSE(session.has_vector("out"));
    CHECK_THROWS_AS(session.vector("out"), Error);
    CHECK(session.vector_names().empty());
    // And run() must not silently re-run anything.
    auto again = session.run();
    CHECK(again.status == RunStatus::parse_error);
    CHECK_FALSE(session.has_vector("out"));
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("circular .param is fatal and the image is reloaded before the next circuit",
          "[spice][hazard]") {
    Session session;
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    auto result = session.simulate("circular\n"
                                   ".param a={b}\n"
                                   ".param b={a}\n"
                                   "V1 x 0 DC {a}\n"
                                   "R1 x 0 1k\n"
                                   ".op\n"
                                   ".end\n");
    INFO(result.summary());
    CHECK(result.status == RunStatus::fatal);
    CHECK(test::any_contains(result.diagnostics, "circular"));
    CHECK(session.reloads() == 1);
    CHECK_FALSE(session.has_vector("out"));
    // Different ratio from the first divider (0.75): 2 V * 7k / 8k = 1.75 V.
    test::check_fresh_divider(session, 1000.0, 7000.0);
    CHECK(session.reloads() == 1);
}

TEST_CASE("stray .ends is fatal or a parse error and the next circuit is right",
          "[spice][hazard]") {
    Session session;
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    auto result = session.simulate("stray ends\nV1 a 0 DC 1\nR1 a 0 1k\n.ends\n.op\n.end\n");
    INFO(result.summary());
    CHECK((result.status == RunStatus::fatal || result.status == RunStatus::parse_error));
    CHECK_FALSE(result.usable());
    test::check_fresh_divider(session, 5000.0, 1000.0);
}

TEST_CASE("node name with a quote is fatal or a parse error and the next circuit is right",
          "[spice][hazard]") {
    Session session;
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    auto result = session.simulate("quote node\nV1 a' 0 DC 1\nR1 a' 0 1k\n.op\n.end\n");
    INFO(result.summary());
    CHECK((result.status == RunStatus::fatal || result.status == RunStatus::parse_error));
    CHECK_FALSE(result.usable());
    test::check_fresh_divider(session, 5000.0, 1000.0);
}

TEST_CASE(".tran 1e-30 1 times out within 2 s of the limit", "[spice][hazard]") {
    SessionOptions options;
    options.timeout_s = 2.0;
    Session session(options);
    const auto start = std::chrono::steady_clock::now();
    auto result = session.simulate("forever\n"
                                   "V1 a 0 PULSE(0 1 0 1n 1n 5n 10n)\n"
                                   "R1 a b 1k\n"
                                   "C1 b 0 1p\n"
                                   ".tran 1e-30 1\n"
                                   ".end\n");
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(result.summary() << " after " << waited << " s");
    CHECK(result.status == RunStatus::timeout);
    CHECK_FALSE(result.usable());
    // Issue requirement: reported within 2 s of the limit.
    CHECK(waited >= 2.0);
    CHECK(waited < 4.0);
    CHECK_FALSE(session.has_vector("b"));
    // A halted analysis is not resumed by run().
    CHECK(session.run().status != RunStatus::ok);
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("infinite source value is reported, not returned as data", "[spice][hazard]") {
    Session session;
    auto result = session.simulate("inf\nV1 a 0 DC 1e400\nR1 a 0 1k\n.op\n.end\n");
    INFO(result.summary());
    CHECK_FALSE(result.usable());
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("duplicate device names R1 and r1 are reported", "[spice][hazard]") {
    Session session;
    auto result =
        session.simulate("dup\nV1 a 0 DC 1\nR1 a b 1k\nr1 a b 2k\nR2 b 0 1k\n.op\n.end\n");
    INFO(result.summary());
    // ngspice 39 prints "device already exists, existing one being used" as part of an
    // "Error on line 4" and then refuses the circuit ("circuit not parsed").
    CHECK(result.status == RunStatus::parse_error);
    CHECK(test::any_contains(result.diagnostics, "already exists"));
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("a .control block in netlist text is refused", "[spice][hazard]") {
    Session session;
    auto sentinel = std::filesystem::temp_directory_path() /
                    ("spincim-control-sentinel-" + std::to_string(::getpid()));
    auto result = session.simulate("control\nV1 a 0 DC 1\nR1 a 0 1k\n.control\nshell touch " +
                                   sentinel.string() + "\n.endc\n.op\n.end\n");
    CHECK(result.status == RunStatus::parse_error);
    CHECK_FALSE(std::filesystem::exists(sentinel));
    test::check_fresh_divider(session, 1000.0, 2000.0);
}

TEST_CASE("a de_DE process locale does not change ngspice's numbers", "[spice][locale]") {
    // Compile de_DE.UTF-8 into the build tree (Debian's `locales` package ships the sources).
    auto dir = std::filesystem::path(SPINCIM_BINARY_DIR) / "tests" / "spice" / "locale";
    if (!std::filesystem::exists(dir / "de_DE.UTF-8")) {
        std::filesystem::create_directories(dir);
        auto cmd =
            "localedef -i de_DE -f UTF-8 '" + (dir / "de_DE.UTF-8").string() + "' >/dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    ::setenv("LOCPATH", dir.c_str(), 1);
    REQUIRE(std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr);
    // Sanity: in this locale printf really writes a decimal comma.
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", 1.5);
    REQUIRE(std::string(buffer) == "1,5");

    Session session;
    // numparam substitutes {rr*...} by printing numbers and re-parsing them: with a decimal comma
    // ".param rr=1.5k" fails ("Number format error") unless ngspice runs in the C locale.
    auto result = session.simulate("param divider\n"
                                   ".param rr=1.5k\n"
                                   ".subckt half a b r=1\n"
                                   "R1 a b {r*1.25}\n"
                                   ".ends\n"
                                   "V1 in 0 DC 1\n"
                                   "X1 in out half r={rr}\n"
                                   "R2 out 0 {rr*0.5}\n"
                                   ".op\n"
                                   ".end\n");
    INFO(result.summary());
    REQUIRE(result.status == RunStatus::ok);
    // 1 V * 750 / (1875 + 750).
    CHECK_THAT(session.vector("out")[0], WithinRel(750.0 / 2625.0, 1e-9));
    // The process locale itself is left alone.
    CHECK(std::string(std::setlocale(LC_NUMERIC, nullptr)) == "de_DE.UTF-8");
    std::setlocale(LC_ALL, "C");
}
