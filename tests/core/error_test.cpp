#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"

using spincim::InputError;
using spincim::SourceLocation;

TEST_CASE("input errors name file, line, column and key") {
    const InputError e("tstop must exceed tstep", {"study.yaml", 12, 5, "analysis.tran.tstop"});
    CHECK(std::string(e.what()) == "study.yaml:12:5: analysis.tran.tstop: tstop must exceed tstep");
    CHECK(e.exit_code() == spincim::ExitCode::bad_input);
    CHECK(e.detail() == "tstop must exceed tstep");
}

TEST_CASE("a location-free error can be placed later") {
    const InputError e("bad number");
    CHECK(std::string(e.what()) == "bad number");
    const InputError placed = e.at({"s.yaml", 3, 1, "seed"});
    CHECK(std::string(placed.what()) == "s.yaml:3:1: seed: bad number");
}

TEST_CASE("simulation errors exit with 3") {
    CHECK(spincim::SimulationError("timestep too small").exit_code() ==
          spincim::ExitCode::simulation_failed);
}
