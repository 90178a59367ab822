#pragma once
// Netlists and checks shared by the spice tests.

#include <string>

#include <catch2/catch.hpp>

#include "spincim/spice/session.hpp"
#include "spincim/units/units.hpp"

namespace spincim::spice::test {

// Resistive divider: v(out) = vin * r2 / (r1 + r2) exactly (Kirchhoff), i(v1) = -vin / (r1 + r2).
inline std::string divider(double vin, double r1, double r2, const std::string& title = "divider") {
    return title + "\nV1 in 0 DC " + units::to_spice(vin) + "\nR1 in out " + units::to_spice(r1) +
           "\nR2 out 0 " + units::to_spice(r2) + "\n.op\n.end\n";
}

// Every fault test ends with this: a different, correct circuit in the same Session, checked
// against the analytic divider ratio, so results can never be the previous circuit's.
inline void check_fresh_divider(Session& session, double r1, double r2) {
    auto result = session.simulate(divider(2.0, r1, r2, "fresh divider"));
    INFO(result.summary());
    REQUIRE(result.status == RunStatus::ok);
    auto out = session.vector("v(out)");
    REQUIRE(out.size() == 1);
    CHECK_THAT(out[0], Catch::Matchers::WithinRel(2.0 * r2 / (r1 + r2), 1e-9));
}

inline bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
    for (const auto& line : lines) {
        if (line.find(needle) != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace spincim::spice::test
