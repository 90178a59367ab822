// Model-card bookkeeping that needs no simulator: files, names, instance text, documented ranges.

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/models/cmos.hpp"

#include "cmos_ranges.hpp"

namespace m = spincim::models;

TEST_CASE("CMOS cards exist, are BSIM4 and document provenance and ranges", "[cmos]") {
    for (const auto& card : {m::cmos65(), m::cmos45()}) {
        INFO(card.file);
        REQUIRE(std::filesystem::exists(card.file));
        std::ifstream in(card.file);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        CHECK(text.find(".model " + card.nmos_model + " nmos level=54") != std::string::npos);
        CHECK(text.find(".model " + card.pmos_model + " pmos level=54") != std::string::npos);
        CHECK(text.find("Predictive Technology Model") != std::string::npos);
        CHECK(text.find(".control") == std::string::npos);
        const auto n = spincim::test::documented_ranges(card.file, "NMOS");
        const auto p = spincim::test::documented_ranges(card.file, "PMOS");
        CHECK(n.vth.lo > 0);
        CHECK(p.vth.hi < 0);
        CHECK(n.ion.lo > p.ion.lo);
        CHECK(n.ioff.hi < n.ion.lo);
    }
    CHECK(m::cmos_card("cmos45").nmos_model == "nmos45");
    CHECK_THROWS_AS(m::cmos_card("cmos7"), spincim::InputError);
}

TEST_CASE("MOSFET instance text carries delvto for mismatch", "[cmos]") {
    CHECK(m::mos_instance_params(0.54e-6, 65e-9, -0.012) == "w=5.4e-07 l=6.5e-08 delvto=-0.012");
    CHECK_THROWS_AS(m::mos_instance_params(0, 65e-9), spincim::InputError);
    CHECK_THROWS_AS(m::mos_instance_params(1e-6, -1), spincim::InputError);
}
