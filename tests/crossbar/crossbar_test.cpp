// Passive crossbar generator (issue 5, "What to build" 1): structure of the netlist, the seed-003
// presets and line geometry, per-device variation statistics and input errors.

#include <cmath>
#include <string>
#include <variant>

#include <catch2/catch.hpp>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/core/error.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using namespace spincim;
using namespace spincim::circuits;
using netlist::ElementKind;

namespace {

double resistance_of(const netlist::Netlist& net, const std::string& name) {
    const auto* e = net.find(name);
    REQUIRE(e != nullptr);
    const auto* r = std::get_if<netlist::Resistor>(e);
    REQUIRE(r != nullptr);
    REQUIRE(r->resistance.is_number());
    return r->resistance.number();
}

double instance_param(const netlist::Netlist& net, const std::string& name,
                      const std::string& param) {
    const auto* e = net.find(name);
    REQUIRE(e != nullptr);
    const auto* x = std::get_if<netlist::SubcktInstance>(e);
    REQUIRE(x != nullptr);
    for (const auto& p : x->params) {
        if (p.name == param) {
            REQUIRE(p.value.is_number());
            return p.value.number();
        }
    }
    FAIL("no parameter " << param << " on " << name);
    return 0.0;
}

} // namespace

TEST_CASE("line segment resistance from sheet resistance and geometry (seed 003)") {
    // Seed 003 Sec. III: 6 Ohm/sq; App. A: 400 nm wide lines on an 800 nm pitch -> 2 squares.
    CHECK_THAT(
        line_segment_resistance(kSeed003SheetResistance, kSeed003LinePitch, kSeed003LineWidth),
        WithinRel(12.0, 1e-12));
    CHECK_THAT(line_segment_resistance(1.0, 1e-6, 250e-9), WithinRel(4.0, 1e-12));
    CHECK_THROWS_AS(line_segment_resistance(6.0, 800e-9, 0.0), InputError);
    CHECK_THROWS_AS(line_segment_resistance(-1.0, 800e-9, 400e-9), InputError);
}

TEST_CASE("device presets: 30 nm from seed 003, conductance proportional to area") {
    const CrossbarDevice d30 = crossbar_device_preset(30e-9);
    // Seed 003 Sec. II.C-D: g_on - g_off = 7 uS and on/off ratio ~2 for 30 nm.
    CHECK_THAT(d30.g_off, WithinRel(7e-6, 1e-12));
    CHECK_THAT(d30.g_on(), WithinRel(14e-6, 1e-12));
    CHECK_THAT(d30.g_on() - d30.g_off, WithinRel(7e-6, 1e-12));
    // g ~ d^2 (same RA): 40 nm x 16/9, 50 nm x 25/9, 60 nm x 4.
    CHECK_THAT(crossbar_device_preset(40e-9).g_off, WithinRel(7e-6 * 16.0 / 9.0, 1e-12));
    CHECK_THAT(crossbar_device_preset(50e-9).g_off, WithinRel(7e-6 * 25.0 / 9.0, 1e-12));
    CHECK_THAT(crossbar_device_preset(60e-9).g_off, WithinRel(28e-6, 1e-12));
    CHECK_THAT(crossbar_device_preset(60e-9).diameter, WithinRel(60e-9, 1e-12));
    CHECK_THROWS_WITH(crossbar_device_preset(45e-9), Contains("30n, 40n, 50n, 60n"));
}

TEST_CASE("linear crossbar netlist: lines, contacts, devices, drive and probes") {
    CrossbarSpec spec;
    spec.rows = 4;
    spec.cols = 3;
    spec.model = CrossbarDeviceModel::linear;
    spec.r_row_segment = 12.0;
    spec.r_col_segment = 10.0;
    spec.r_row_contact = 50.0;
    spec.r_col_contact = 40.0;
    spec.states.assign(12, models::MtjState::antiparallel);
    spec.states[1 * 3 + 2] = models::MtjState::parallel;
    spec.row_voltages = {0.2, std::nullopt, 0.1, 0.0};
    const netlist::Netlist net = crossbar(spec);

    // M*N row segments + M*N column segments + M + N contacts + M*N devices.
    CHECK(net.count(ElementKind::resistor) == 12 + 12 + 4 + 3 + 12);
    // Three driven rows (row 1 floats) and three grounded columns.
    CHECK(net.count(ElementKind::voltage_source) == 3 + 3);
    CHECK(net.find("row1") == nullptr);
    CHECK(net.probes().count("i_row_1") == 0);
    CHECK(net.probes().count("i_row_0") == 1);
    CHECK(net.probe("i_col_2").vector_name() == "vcol2#branch");

    CHECK_THAT(resistance_of(net, "rs0_0"), WithinRel(12.0, 1e-12));
    CHECK_THAT(resistance_of(net, "cs3_1"), WithinRel(10.0, 1e-12));
    CHECK_THAT(resistance_of(net, "rc2"), WithinRel(50.0, 1e-12));
    CHECK_THAT(resistance_of(net, "cc0"), WithinRel(40.0, 1e-12));
    // Off devices are 1/g_off, the on device 1/g_on (30 nm preset: 7 uS, 14 uS).
    CHECK_THAT(resistance_of(net, "d0_0"), WithinRel(1.0 / 7e-6, 1e-12));
    CHECK_THAT(resistance_of(net, "d1_2"), WithinRel(1.0 / 14e-6, 1e-12));

    // Device (i, j) sits between row node r<i>_<j> and column node c<i>_<j>; the column pad is
    // below the last row: cs3_<j> joins the column entry to c3_<j>.
    const auto nodes = netlist::nodes_of(*net.find("d2_1"));
    CHECK(nodes.at(0).name() == "r2_1");
    CHECK(nodes.at(1).name() == "c2_1");
    const auto seg = netlist::nodes_of(*net.find("cs3_1"));
    CHECK(seg.at(0).name() == "ce1");
    CHECK(seg.at(1).name() == "c3_1");
    CHECK(net.probe("v_r_2_1").vector_name() == "r2_1");

    const std::string text = net.to_spice();
    CHECK_THAT(text, Contains(".op"));
    CHECK_THAT(text, !Contains(".include"));
}

TEST_CASE("ideal lines merge nodes: devices sit directly on the pads") {
    CrossbarSpec spec;
    spec.rows = 2;
    spec.cols = 2;
    spec.model = CrossbarDeviceModel::linear;
    spec.r_row_segment = 0.0;
    spec.r_col_segment = 0.0;
    const netlist::Netlist net = crossbar(spec);
    CHECK(net.count(ElementKind::resistor) == 4);
    const auto nodes = netlist::nodes_of(*net.find("d1_0"));
    CHECK(nodes.at(0).name() == "rp1");
    CHECK(nodes.at(1).name() == "cp0");
}

TEST_CASE("MTJ crossbar: static subcircuit instances with per-device ra and TMR") {
    CrossbarSpec spec;
    spec.rows = 3;
    spec.cols = 2;
    spec.device = crossbar_device_preset(40e-9);
    spec.states.assign(6, models::MtjState::antiparallel);
    spec.states[0] = models::MtjState::parallel;
    const netlist::Netlist net = crossbar(spec);
    CHECK(net.count_instances("mtj_stt") == 6);
    CHECK(net.includes().size() == 1);
    const double area = 3.141592653589793 * 40e-9 * 40e-9 / 4.0;
    // R_P = ra / area = 1 / g_on (models/mtj_stt.sub Eq. (1) with tox = toxref).
    CHECK_THAT(instance_param(net, "m0_0", "ra") / instance_param(net, "m0_0", "area"),
               WithinRel(1.0 / spec.device.g_on(), 1e-9));
    CHECK_THAT(instance_param(net, "m1_1", "area"), WithinRel(area, 1e-9));
    CHECK(instance_param(net, "m0_0", "state0") == 0.0);
    CHECK(instance_param(net, "m2_1", "state0") == 1.0);
    CHECK(instance_param(net, "m2_1", "dyn") == 0.0);
    CHECK_THAT(instance_param(net, "m2_1", "tmr0"), WithinRel(1.0, 1e-12));
    CHECK_THAT(instance_param(net, "m2_1", "vh"), WithinRel(0.5, 1e-12));
}

TEST_CASE("device variation: reproducible normal draws with the requested spread") {
    CrossbarSpec spec;
    spec.rows = 100;
    spec.cols = 100;
    spec.variation = {.g_off_rel_sigma = 0.05, .tmr_rel_sigma = 0.10, .seed = 7, .sample = 3};
    const CrossbarDevices a = crossbar_devices(spec);
    const CrossbarDevices b = crossbar_devices(spec);
    CHECK(a.g_off == b.g_off);
    CHECK(a.tmr0 == b.tmr0);
    spec.variation.sample = 4;
    const CrossbarDevices c = crossbar_devices(spec);
    CHECK(a.g_off != c.g_off);

    // Sample mean and standard deviation of 10^4 draws: the mean within 4 standard errors
    // (sigma / 100), the standard deviation within 4 % (its relative standard error is
    // 1/sqrt(2 n) = 0.7 %).
    const auto stats = [](const std::vector<double>& v) {
        double mean = 0.0;
        for (const double x : v) {
            mean += x;
        }
        mean /= static_cast<double>(v.size());
        double var = 0.0;
        for (const double x : v) {
            var += (x - mean) * (x - mean);
        }
        return std::pair{mean, std::sqrt(var / static_cast<double>(v.size() - 1))};
    };
    const auto [g_mean, g_sd] = stats(a.g_off);
    CHECK(std::abs(g_mean - 7e-6) < 4 * 0.05 * 7e-6 / 100);
    CHECK_THAT(g_sd, WithinRel(0.05 * 7e-6, 0.04));
    const auto [t_mean, t_sd] = stats(a.tmr0);
    CHECK(std::abs(t_mean - 1.0) < 4 * 0.10 / 100);
    CHECK_THAT(t_sd, WithinRel(0.10, 0.04));
    // g_off and TMR are independent streams (seed 003 Sec. II.D): sample correlation ~ 0 within
    // 4 / sqrt(n) = 0.04.
    double cov = 0.0;
    for (std::size_t k = 0; k < a.g_off.size(); ++k) {
        cov += (a.g_off[k] - g_mean) * (a.tmr0[k] - t_mean);
    }
    cov /= static_cast<double>(a.g_off.size() - 1);
    CHECK(std::abs(cov / (g_sd * t_sd)) < 0.04);
}

TEST_CASE("crossbar input errors name the field") {
    CrossbarSpec spec;
    spec.rows = 4;
    spec.cols = 4;
    SECTION("drive size") {
        spec.row_voltages = {0.1, 0.2};
        CHECK_THROWS_WITH(crossbar(spec), Contains("row_voltages") && Contains("4 entries"));
    }
    SECTION("states size") {
        spec.states.assign(5, models::MtjState::parallel);
        CHECK_THROWS_WITH(crossbar(spec), Contains("states"));
    }
    SECTION("negative line resistance") {
        spec.r_col_segment = -1.0;
        CHECK_THROWS_WITH(crossbar(spec), Contains("r_col_segment"));
    }
    SECTION("empty array") {
        spec.rows = 0;
        CHECK_THROWS_AS(crossbar(spec), InputError);
    }
    SECTION("non-finite drive") {
        spec.col_voltages = {0.0, std::nan(""), 0.0, 0.0};
        CHECK_THROWS_WITH(crossbar(spec), Contains("col_voltages[1]"));
    }
    SECTION("variation too wide for a positive conductance") {
        spec.rows = 30;
        spec.cols = 30;
        spec.variation.g_off_rel_sigma = 0.6;
        CHECK_THROWS_WITH(crossbar(spec), Contains("variation"));
    }
}
