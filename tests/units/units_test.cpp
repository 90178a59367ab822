#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

using Catch::Matchers::Contains;
using spincim::units::parse;
using spincim::units::to_eng;
using spincim::units::to_spice;

TEST_CASE("every accepted suffix scales by its SI factor, case-insensitively") {
    // Scale factors from the ngspice manual, section 2.3.5. A suffix means the decimal exponent,
    // so the result must be the double nearest the decimal value: `10u` is exactly 10e-6, not
    // 10 * 1e-6 (which is one ulp off).
    CHECK(parse("1f") == 1e-15);
    CHECK(parse("1F") == 1e-15);
    CHECK(parse("200f") == 200e-15);
    CHECK(parse("3p") == 3e-12);
    CHECK(parse("1.5n") == 1.5e-9);
    CHECK(parse("10u") == 10e-6);
    CHECK(parse("10U") == 10e-6);
    CHECK(parse("0.7u") == 0.7e-6);
    CHECK(parse("5m") == 5e-3);
    CHECK(parse("2k") == 2e3);
    CHECK(parse("2K") == 2e3);
    CHECK(parse("10meg") == 10e6);
    CHECK(parse("10MEG") == 10e6);
    CHECK(parse("10Meg") == 10e6);
    CHECK(parse("1g") == 1e9);
    CHECK(parse("1t") == 1e12);
}

TEST_CASE("plain SI numbers parse exactly") {
    CHECK(parse("0") == 0.0);
    CHECK(parse("-0.3") == -0.3);
    CHECK(parse("+0.3") == 0.3);
    CHECK(parse("1e-9") == 1e-9);
    CHECK(parse("2.5E3") == 2500.0);
    CHECK(parse(".5") == 0.5);
    CHECK(parse("1e-3k") == 1.0);
    CHECK(parse("2.5e+2n") == 2.5e-7);
}

TEST_CASE("a bare uppercase M is refused with a hint towards m or meg") {
    REQUIRE_THROWS_AS(parse("1M"), spincim::InputError);
    REQUIRE_THROWS_WITH(parse("1M"), Contains("ambiguous") && Contains("'m'") && Contains("'meg'"));
}

TEST_CASE("trailing junk, units and digits after a suffix are refused") {
    for (const char* bad : {"1k5", "10uF", "1Farad", "1x", "1 k", "1e", "1..2", "k", "", "-",
                            "1mil", "1,5", "0x10", "1a", "1µ"}) {
        INFO("input: " << bad);
        CHECK_THROWS_AS(parse(bad), spincim::InputError);
    }
    REQUIRE_THROWS_WITH(parse("1k5"), Contains("unknown unit suffix") && Contains("'k5'"));
}

TEST_CASE("non-finite and out-of-range numbers are refused") {
    for (const char* bad :
         {"nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e300t", "1e-400"}) {
        INFO("input: " << bad);
        CHECK_THROWS_AS(parse(bad), spincim::InputError);
    }
    REQUIRE_THROWS_WITH(parse("1e400"), Contains("out of the range"));
}

TEST_CASE("try_parse reports the reason instead of throwing") {
    std::string why;
    CHECK_FALSE(spincim::units::try_parse("10uF", &why).has_value());
    CHECK_THAT(why, Contains("10uF"));
    CHECK(spincim::units::try_parse("10u").value() == 10e-6);
}

TEST_CASE("netlist numbers round-trip exactly and carry no suffix") {
    for (double v : {0.0, 1.0, -1.0, 1e-9, 1.5e-9, 0.1, 1.0 / 3.0, 6.02214076e23, 5e-324,
                     std::numeric_limits<double>::max(), -2.2250738585072014e-308, 1234.5678}) {
        const std::string s = to_spice(v);
        INFO("value " << v << " written as " << s);
        CHECK(std::strtod(s.c_str(), nullptr) == v);
        CHECK(parse(s) == v);
        CHECK(s.find_first_of("fpnumkgtFPNUMKGT") == std::string::npos);
    }
    CHECK(to_spice(-0.0) == "0");
    CHECK_THROWS_AS(to_spice(std::nan("")), spincim::InputError);
    CHECK_THROWS_AS(to_spice(std::numeric_limits<double>::infinity()), spincim::InputError);
}

TEST_CASE("engineering form for people picks the suffix by magnitude") {
    CHECK(to_eng(1.5e-9) == "1.5n");
    CHECK(to_eng(2000) == "2k");
    CHECK(to_eng(1e7) == "10meg");
    CHECK(to_eng(0.3) == "300m");
    CHECK(to_eng(-4.7e-12) == "-4.7p");
    CHECK(to_eng(12.5) == "12.5");
    CHECK(to_eng(0) == "0");
    // The engineering form parses back to the value within its printed precision.
    CHECK_THAT(parse(to_eng(1.23456e-6, 6)), Catch::Matchers::WithinRel(1.23456e-6, 1e-12));
}
