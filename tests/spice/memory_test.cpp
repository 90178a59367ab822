// Memory stays flat over thousands of alter+run cycles (issue: spice layer, test 6;
// shared/NGSPICE.md: without destroy/remcirc/ngSpice_Command(NULL) RSS grows per sample).

#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "spincim/spice/session.hpp"

#include "helpers.hpp"

using namespace spincim;
using namespace spincim::spice;
using Catch::Matchers::WithinRel;

namespace {

// Resident set size in kB from /proc/self/status (VmRSS).
long rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kb = 0;
            status >> kb;
            return kb;
        }
        std::string rest;
        std::getline(status, rest);
    }
    return -1;
}

} // namespace

TEST_CASE("RSS grows < 5 MB over 2000 alter+run cycles", "[spice][memory]") {
    Session session;
    const std::string netlist = "rc\n"
                                "V1 in 0 PULSE(0 1 0 1n 1n 20n 40n)\n"
                                "R1 in out 1k\n"
                                "C1 out 0 1p\n"
                                "R2 out 0 1k\n"
                                ".tran 0.5n 20n\n"
                                ".end\n";
    REQUIRE(session.simulate(netlist).status == RunStatus::ok);
    auto cycle = [&](int i) {
        const double r2 = 1000.0 + i % 7 * 100.0;
        session.alter("r2", "resistance", r2);
        auto result = session.run();
        REQUIRE(result.status == RunStatus::ok);
        auto out = session.vector("out");
        // Final value of the RC low-pass fed by 1 V through a divider: r2 / (1k + r2), the pulse
        // being 20 tau long (tau = (1k || r2) * 1p <= 0.6 ns).
        REQUIRE_THAT(out.back(), WithinRel(r2 / (1000.0 + r2), 1e-3));
    };
    for (int i = 0; i < 100; ++i) {
        cycle(i);
    }
    const long before = rss_kb();
    for (int i = 0; i < 2000; ++i) {
        cycle(i);
    }
    const long after = rss_kb();
    INFO("VmRSS " << before << " kB -> " << after << " kB");
    WARN("VmRSS growth over 2000 alter+run cycles: " << (after - before) << " kB");
    CHECK(after - before < 5 * 1024);
}
