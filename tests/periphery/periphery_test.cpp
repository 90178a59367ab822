// Generators and helpers of the STT-BNN periphery without a simulator: netlist structure, the
// automatic reference length, the booster's charge-sharing gain and the energy breakdown of
// seed 001 (Pham et al., IEEE JETCAS 12(2), 2022) Eq. (10). Bad input throws InputError.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/analysis/energy.hpp"
#include "spincim/circuits/booster.hpp"
#include "spincim/circuits/tbs.hpp"
#include "spincim/core/error.hpp"

using Catch::Matchers::WithinRel;
using namespace spincim;
using namespace spincim::circuits;

TEST_CASE("pick_delay_stages returns the tap nearest to the target", "[tbs]") {
    const std::vector<double> taps{1e-9, 2e-9, 3e-9, 4e-9};
    CHECK(pick_delay_stages(taps, 2.4e-9) == 2);
    CHECK(pick_delay_stages(taps, 2.6e-9) == 3);
    CHECK(pick_delay_stages(taps, 0.0) == 1);
    CHECK(pick_delay_stages(taps, 9e-9) == 4);
    CHECK_THAT(midpoint_reference(10e-9, 12e-9), WithinRel(11e-9, 1e-12));
    CHECK_THROWS_AS(pick_delay_stages(std::vector<double>{}, 1e-9), InputError);
    CHECK_THROWS_AS(pick_delay_stages(std::vector<double>{1e-9, 1e-9}, 1e-9), InputError);
}

TEST_CASE("booster gain estimate is the charge-sharing formula", "[booster]") {
    // G = 1 + n C / (C + n C_L) (booster.hpp): n + 1 without load, 1 + n/(1 + n) for C_L = C.
    CHECK_THAT(booster_gain_estimate(1, 200e-15, 0.0), WithinRel(2.0, 1e-12));
    CHECK_THAT(booster_gain_estimate(2, 200e-15, 0.0), WithinRel(3.0, 1e-12));
    CHECK_THAT(booster_gain_estimate(2, 200e-15, 200e-15), WithinRel(1.0 + 2.0 / 3.0, 1e-12));
    CHECK_THROWS_AS(booster_gain_estimate(0, 200e-15, 0.0), InputError);
}

TEST_CASE("booster netlist: n capacitors, three switches per stage", "[booster]") {
    for (const std::size_t n : {1U, 2U, 3U}) {
        BoosterSpec spec;
        spec.stages = n;
        const auto net = booster_testbench(spec, 0.15, 50e-15, 5e-9);
        // n boosting capacitors + the load; 3 transmission gates (2 MOSFETs each) per stage.
        CHECK(net.count(netlist::ElementKind::capacitor) == n + 1);
        CHECK(net.count(netlist::ElementKind::mosfet) == 6 * n);
        spec.sw = BoosterSwitch::ideal;
        const auto ideal = booster_testbench(spec, 0.15, 50e-15, 5e-9);
        CHECK(ideal.count(netlist::ElementKind::vswitch) == 3 * n);
        CHECK(ideal.to_spice().find(".model bst_sw sw") != std::string::npos);
    }
}

TEST_CASE("booster and TBS reject bad specs with the field name", "[booster][tbs]") {
    BoosterSpec b;
    b.stages = 0;
    CHECK_THROWS_WITH(booster_testbench(b, 0.15, 0.0, 5e-9), Catch::Contains("stages"));
    b.stages = 2;
    b.t_boost = b.t_sample; // no room for phase 1
    CHECK_THROWS_WITH(booster_testbench(b, 0.15, 0.0, 5e-9), Catch::Contains("t_boost"));
    TbsSpec t;
    t.delay_stages = 0;
    CHECK_THROWS_WITH(tbs_testbench(t, 0.15, 20e-9), Catch::Contains("delay_stages"));
    t.delay_stages = 4;
    t.st_multiplicity = 0;
    CHECK_THROWS_WITH(tbs_testbench(t, 0.15, 20e-9), Catch::Contains("st_multiplicity"));
    t.st_multiplicity = 12;
    t.delay_stage_load = -1e-15;
    CHECK_THROWS_AS(tbs_testbench(t, 0.15, 20e-9), InputError);
}

TEST_CASE("TBS netlist structure and sense_row wiring", "[tbs]") {
    TbsSpec spec;
    spec.delay_stages = 5;
    const auto bench = tbs_testbench(spec, 0.15, 20e-9);
    // Starved inverter 4 + sharpening 2 + delay line 4 per stage + latch 10.
    CHECK(bench.count(netlist::ElementKind::mosfet) == 4 + 2 + 4 * 5 + 10);
    CHECK(bench.probes().count("v_sa_tap_5") == 1);
    CHECK(bench.probes().count("v_sa_tap_6") == 0);

    SenseRowSpec row;
    const XnorVectors v = xnor_vectors_for_n1(8, 4, 1, 0);
    row.row.weights = v.weights;
    row.row.inputs = v.inputs;
    row.tbs = spec;
    const auto net = sense_row(row);
    // The row's DC wordline source is replaced by the buffer's rail and input.
    CHECK(net.find("wl") == nullptr);
    CHECK(net.find("vwl") != nullptr);
    CHECK(net.find("sa_st") != nullptr);
    CHECK(net.count(netlist::ElementKind::capacitor) == 1 + 2 * 8 + 5);
    const auto supplies = sense_row_supplies(row);
    CHECK(supplies.size() == 7);
    row.booster = BoosterSpec{};
    row.booster->t_sample = 1e-9;
    row.booster->t_boost = 2e-9;
    const auto boosted = sense_row(row);
    CHECK(boosted.find("bst_1") != nullptr);
    CHECK(sense_row_supplies(row).size() == 11);
    row.row.driver = BlDriver::ideal;
    CHECK_THROWS_WITH(sense_row(row), Catch::Contains("driver"));
}

TEST_CASE("energy breakdown integrates v*i per component", "[energy]") {
    // A 1 V source delivering 1 mA (ngspice branch current -1 mA) for 1 ns: 1 pJ; the same source
    // over half the window 0.5 pJ; a 0.5 V / 2 mA source 1 pJ scaled by 1/4.
    const std::vector<double> t{0.0, 1e-9};
    const std::vector<double> v1{1.0, 1.0};
    const std::vector<double> i1{-1e-3, -1e-3};
    const std::vector<double> v2{0.5, 0.5};
    const std::vector<double> i2{-2e-3, -2e-3};
    std::vector<analysis::SupplyEnergy> s;
    s.push_back({"E_BL", analysis::Trace(t, v1), analysis::Trace(t, i1)});
    s.push_back({"E_SA", analysis::Trace(t, v1), analysis::Trace(t, i1), 0.0, 0.5e-9});
    s.push_back({"E_BL", analysis::Trace(t, v2), analysis::Trace(t, i2), -1.0, 1.0, 0.25});
    const auto e = analysis::energy_breakdown(s);
    CHECK_THAT(e.energy("E_BL"), WithinRel(1.25e-12, 1e-12));
    CHECK_THAT(e.energy("E_SA"), WithinRel(0.5e-12, 1e-12));
    CHECK_THAT(e.total(), WithinRel(1.75e-12, 1e-12));
    CHECK_THAT(e.share("E_BL"), WithinRel(1.25 / 1.75, 1e-12));
    CHECK(e.largest() == "E_BL");
    CHECK(e.table().find("E_SA") != std::string::npos);
    CHECK_THROWS_AS(e.energy("E_WL"), InputError);
}
