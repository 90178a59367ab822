// Acceptance tests of spice::Session on circuits with analytic answers (issue: spice layer,
// tests 1, 3, 4, 5). Each TEST_CASE runs in its own process (one Session per process).

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/spice/session.hpp"

#include "helpers.hpp"

using namespace spincim;
using namespace spincim::spice;
using Catch::Matchers::WithinRel;

namespace {

// Linear interpolation of y(t) on the simulator's time grid.
double at_time(const std::vector<double>& t, const std::vector<double>& y, double when) {
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (t[i] >= when) {
            double f = (when - t[i - 1]) / (t[i] - t[i - 1]);
            return y[i - 1] + f * (y[i] - y[i - 1]);
        }
    }
    return y.back();
}

std::filesystem::path scratch(const std::string& name) {
    auto dir = std::filesystem::path(SPINCIM_BINARY_DIR) / "tests" / "spice" / "scratch" /
               (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace

TEST_CASE("divider .op matches Kirchhoff exactly", "[spice]") {
    Session session;
    auto result = session.simulate(test::divider(1.0, 1000.0, 3000.0));
    INFO(result.summary());
    REQUIRE(result.status == RunStatus::ok);
    CHECK(result.usable());
    CHECK(result.plot.starts_with("op"));
    // v(out) = 1 V * 3k / (1k + 3k) = 0.75 V; the source current is -1 V / 4 kOhm.
    CHECK_THAT(session.vector("v(out)")[0], WithinRel(0.75, 1e-9));
    CHECK_THAT(session.vector("out")[0], WithinRel(0.75, 1e-9));
    CHECK_THAT(session.vector("v1#branch")[0], WithinRel(-1.0 / 4000.0, 1e-9));
    CHECK(session.has_vector("in"));
    CHECK_FALSE(session.has_vector("nosuch"));
    CHECK_THROWS_AS(session.vector("nosuch"), Error);
    auto names = session.vector_names();
    CHECK(test::any_contains(names, "v1#branch"));
    // Output is captured with the "stdout "/"stderr " tags stripped.
    CHECK(test::any_contains(session.output(), "Circuit: divider"));
    for (const auto& line : session.output()) {
        CHECK_FALSE(line.starts_with("stdout "));
        CHECK_FALSE(line.starts_with("stderr "));
    }
    CHECK(session.reloads() == 0);
}

TEST_CASE("RC step transient follows 1 - exp(-t/RC)", "[spice]") {
    Session session;
    // R = 1 kOhm, C = 1 nF: tau = 1 us. Step of 1 V with a 1 ps edge at t = 0.
    auto result = session.simulate("rc step\n"
                                   "V1 in 0 PULSE(0 1 0 1p 1p 1 2)\n"
                                   "R1 in out 1k\n"
                                   "C1 out 0 1n\n"
                                   ".tran 5n 5u 0 5n\n"
                                   ".end\n");
    INFO(result.summary());
    REQUIRE(result.status == RunStatus::ok);
    CHECK(result.plot.starts_with("tran"));
    auto t = session.vector("time");
    auto v = session.vector("v(out)");
    REQUIRE(t.size() == v.size());
    REQUIRE(t.size() > 100);
    const double tau = 1e-6;
    for (double when : {0.5e-6, 1e-6, 2e-6, 3e-6, 4e-6}) {
        INFO("t = " << when);
        // Issue requirement: within 0.5 % of the analytic charging curve.
        CHECK_THAT(at_time(t, v, when), WithinRel(1.0 - std::exp(-when / tau), 0.005));
    }
}

TEST_CASE("alter changes a resistor and the next run matches the analytic value", "[spice]") {
    Session session;
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    CHECK_THAT(session.vector("out")[0], WithinRel(0.75, 1e-9));
    session.alter("r2", "resistance", 1000.0);
    auto result = session.run();
    REQUIRE(result.status == RunStatus::ok);
    // 1 V * 1k / (1k + 1k) = 0.5 V.
    CHECK_THAT(session.vector("out")[0], WithinRel(0.5, 1e-9));
    session.alter("R1", "resistance", 9000.0);
    REQUIRE(session.run().status == RunStatus::ok);
    // 1 V * 1k / (9k + 1k) = 0.1 V.
    CHECK_THAT(session.vector("out")[0], WithinRel(0.1, 1e-9));

    CHECK_THROWS_AS(session.alter("r2; quit", "resistance", 1.0), InputError);
    CHECK_THROWS_AS(session.alter("r2", "resistance]=1\nquit", 1.0), InputError);
    CHECK_THROWS_AS(session.alter("2r", "resistance", 1.0), InputError);
    CHECK_THROWS_AS(session.alter("r2", "r-x", 1.0), InputError);
    CHECK_THROWS_AS(session.alter("r2", "resistance", std::nan("")), InputError);
    // A well-formed name ngspice does not know: ngspice's own error becomes an InputError.
    CHECK_THROWS_AS(session.alter("r9", "resistance", 1.0), InputError);
    // The session still works and the last good alter is in effect.
    REQUIRE(session.run().status == RunStatus::ok);
    CHECK_THAT(session.vector("out")[0], WithinRel(0.1, 1e-9));
}

TEST_CASE("alter_model changes a model parameter", "[spice]") {
    Session session;
    // A diode with is = 1e-14, n = 1 forward-biased by a 1 mA current source: v = n Vt ln(I/Is +
    // 1).
    const std::string netlist = "diode\n"
                                "I1 0 a DC 1m\n"
                                "D1 a 0 dmod\n"
                                ".model dmod D(is=1e-14 n=1)\n"
                                ".options temp=27 tnom=27\n"
                                ".op\n.end\n";
    REQUIRE(session.simulate(netlist).status == RunStatus::ok);
    const double vt = 1.380649e-23 * 300.15 / 1.602176634e-19;
    // ngspice's gmin (1e-12 S) in parallel with the junction shifts v by < 1e-9 relative.
    CHECK_THAT(session.vector("a")[0], WithinRel(vt * std::log(1e-3 / 1e-14 + 1.0), 1e-4));
    session.alter_model("dmod", "n", 2.0);
    REQUIRE(session.run().status == RunStatus::ok);
    CHECK_THAT(session.vector("a")[0], WithinRel(2.0 * vt * std::log(1e-3 / 1e-14 + 1.0), 1e-4));
    CHECK_THROWS_AS(session.alter_model("dmod", "n n", 2.0), InputError);
}

TEST_CASE("a second live Session in the same process throws", "[spice]") {
    Session first;
    CHECK_THROWS_AS(Session{}, Error);
    // The failed construction must not have disturbed the live one.
    test::check_fresh_divider(first, 1000.0, 1000.0);
}

TEST_CASE("the destructor removes the private directory; a later Session works", "[spice]") {
    std::filesystem::path dir;
    {
        Session session;
        dir = session.work_dir();
        CHECK(std::filesystem::exists(dir));
        REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    }
    CHECK_FALSE(std::filesystem::exists(dir));
    Session again;
    test::check_fresh_divider(again, 2000.0, 3000.0);
}

TEST_CASE("hostile .spiceinit in the working directory and in $HOME never runs", "[spice]") {
    auto base = scratch("spiceinit");
    auto cwd = base / "cwd";
    auto home = base / "home";
    std::filesystem::create_directories(cwd);
    std::filesystem::create_directories(home);
    auto sentinel_cwd = base / "sentinel-cwd";
    auto sentinel_home = base / "sentinel-home";
    auto hostile = [](const std::filesystem::path& file, const std::filesystem::path& sentinel) {
        std::ofstream out(file);
        out << "* hostile init file\n.control\nshell touch " << sentinel.string()
            << "\necho HOSTILE\n.endc\n";
    };
    hostile(cwd / ".spiceinit", sentinel_cwd);
    hostile(home / ".spiceinit", sentinel_home);

    // Control experiment: the stock ngspice executable does run the working directory's file,
    // so this test would catch a Session that lets it run.
    if (std::system("command -v ngspice >/dev/null 2>&1") == 0) {
        {
            std::ofstream deck(cwd / "deck.cir");
            deck << test::divider(1.0, 1.0, 1.0);
        }
        auto cmd = "cd '" + cwd.string() + "' && ngspice -b deck.cir >/dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        REQUIRE(std::filesystem::exists(sentinel_cwd));
        std::filesystem::remove(sentinel_cwd);
    }

    const auto old_cwd = std::filesystem::current_path();
    const char* old_home = std::getenv("HOME");
    const std::string saved_home = old_home != nullptr ? old_home : "";
    std::filesystem::current_path(cwd);
    ::setenv("HOME", home.c_str(), 1);
    {
        Session session;
        auto result = session.simulate(test::divider(1.0, 1000.0, 3000.0));
        REQUIRE(result.status == RunStatus::ok);
        CHECK_FALSE(test::any_contains(session.output(), "HOSTILE"));
        // The private copy carries no ".spiceinit" name any more.
        for (const auto& entry : std::filesystem::directory_iterator(session.work_dir())) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
            CHECK(bytes.find(std::string(1, '\0') + ".spiceinit" + std::string(1, '\0')) ==
                  std::string::npos);
        }
        // A fatal error reloads the image: the fresh image must not read the files either.
        CHECK(session.load("circular\n.param a={b}\n.param b={a}\nV1 x 0 {a}\nR1 x 0 1k\n.op\n")
                  .status == RunStatus::fatal);
        CHECK(session.reloads() == 1);
        test::check_fresh_divider(session, 1000.0, 4000.0);
    }
    std::filesystem::current_path(old_cwd);
    ::setenv("HOME", saved_home.c_str(), 1);
    CHECK_FALSE(std::filesystem::exists(sentinel_cwd));
    CHECK_FALSE(std::filesystem::exists(sentinel_home));
}

TEST_CASE("command() refuses quit, separators, shell and overlong text", "[spice]") {
    Session session;
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    CHECK_THROWS_AS(session.command("quit"), InputError);
    CHECK_THROWS_AS(session.command("  EXIT"), InputError);
    CHECK_THROWS_AS(session.command("echo hi; quit"), InputError);
    CHECK_THROWS_AS(session.command("echo hi\nquit"), InputError);
    CHECK_THROWS_AS(session.command("shell touch /tmp/x"), InputError);
    CHECK_THROWS_AS(session.command("echo `touch /tmp/x`"), InputError);
    CHECK_THROWS_AS(session.command("print out > /tmp/x"), InputError);
    CHECK_THROWS_AS(session.command("bg_run"), InputError);
    CHECK_THROWS_AS(session.command("echo " + std::string(1100, 'a')), InputError);
    auto printed = session.command("echo spincim-ok");
    CHECK(test::any_contains(printed, "spincim-ok"));
    test::check_fresh_divider(session, 3000.0, 1000.0);
}
