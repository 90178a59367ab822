// The 2T2J XNOR row generator without a simulator: structure (issue 3 acceptance 8), the golden
// 4-cell netlist, input validation, the N1-controlled vector draw, Eq. (5) of seed 001 and the
// read-current check.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "spincim/circuits/xnor_row.hpp"
#include "spincim/core/error.hpp"
#include "spincim/models/cmos.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace spincim::circuits;
using spincim::netlist::ElementKind;
namespace fs = std::filesystem;
namespace m = spincim::models;

namespace {

XnorRowSpec row_spec(std::size_t n, std::size_t n1, std::uint64_t sample = 0) {
    const XnorVectors v = xnor_vectors_for_n1(n, n1, 2022, sample);
    XnorRowSpec s;
    s.weights = v.weights;
    s.inputs = v.inputs;
    return s;
}

fs::path golden_path(const std::string& name) {
    return fs::path(SPINCIM_SOURCE_DIR) / "tests" / "circuits" / "golden" / (name + ".cir");
}

// The golden files must not depend on where the tree is checked out: the canonical models
// directory in `.include` lines is replaced by a placeholder.
std::string portable(std::string text) {
    const std::string root = fs::canonical(m::models_dir()).string();
    const std::string placeholder = "@SPINCIM_MODELS_DIR@";
    for (std::size_t at = text.find(root); at != std::string::npos;
         at = text.find(root, at + placeholder.size())) {
        text.replace(at, root.size(), placeholder);
    }
    return text;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("a 64-cell row has 2N MTJ instances, 2N access and 6N driver transistors") {
    const auto net = xnor_row(row_spec(64, 20));
    CHECK(net.count_instances("mtj_stt") == 128);
    CHECK(net.count(ElementKind::subckt_instance) == 128);
    // Per cell: 2 access NMOS + per bitline a transmission gate (NMOS + PMOS) and a pull-down.
    CHECK(net.count(ElementKind::mosfet) == 64 * 2 + 64 * 6);
    CHECK(net.count(ElementKind::capacitor) == 1);
    // wl, vbl, vdd rails + in/inb per column.
    CHECK(net.count(ElementKind::voltage_source) == 3 + 2 * 64);

    XnorRowSpec ideal = row_spec(64, 20);
    ideal.driver = BlDriver::ideal;
    const auto net_ideal = xnor_row(ideal);
    CHECK(net_ideal.count_instances("mtj_stt") == 128);
    CHECK(net_ideal.count(ElementKind::mosfet) == 128);
    CHECK(net_ideal.count(ElementKind::voltage_source) == 1 + 2 * 64);
    CHECK(net_ideal.probes().count("v_sl") == 1);
    CHECK(net_ideal.probes().count("i_vbl") == 0);
}

TEST_CASE("every access transistor sits between its MTJ and the source line with gate on WL") {
    const auto net = xnor_row(row_spec(8, 3));
    const auto card = m::cmos65();
    for (std::size_t j = 0; j < 8; ++j) {
        for (const char* side : {"0", "1"}) {
            const std::string acc = std::string("acc") + side + "_" + std::to_string(j);
            const auto* e = net.find(acc);
            REQUIRE(e != nullptr);
            const auto& mos = std::get<spincim::netlist::Mosfet>(*e);
            CHECK(mos.gate.name() == "wl");
            CHECK(mos.source.name() == "sl");
            CHECK(mos.model == card.nmos_model);
            // Seed 001 Sec. II: access width 4x the minimum (0.54 um at W_min = 0.135 um).
            CHECK_THAT(mos.width.number(), WithinRel(0.54e-6, 1e-12));
            const auto* x = net.find(std::string("mtj") + side + "_" + std::to_string(j));
            REQUIRE(x != nullptr);
            const auto& inst = std::get<spincim::netlist::SubcktInstance>(*x);
            CHECK(inst.nodes.at(1) == mos.drain);
        }
    }
}

TEST_CASE("MTJ states encode the weight and the bitlines encode the input") {
    XnorRowSpec s;
    s.weights = {1, -1, 1, -1};
    s.inputs = {1, 1, -1, -1};
    s.driver = BlDriver::ideal;
    const auto net = xnor_row(s);
    const auto state0 = [&](const std::string& name) {
        const auto& inst = std::get<spincim::netlist::SubcktInstance>(*net.find(name));
        for (const auto& p : inst.params) {
            if (p.name == "state0") {
                return p.value.number();
            }
        }
        FAIL("no state0 on " << name);
        return -1.0;
    };
    const auto dc = [&](const std::string& name) {
        return std::get<spincim::netlist::VoltageSource>(*net.find(name)).dc->number();
    };
    for (std::size_t j = 0; j < 4; ++j) {
        const std::string k = "_" + std::to_string(j);
        // W = +1: MTJ_0 parallel (state0 = 0), MTJ_1 antiparallel (seed 001 Sec. II).
        CHECK(state0("mtj0" + k) == (s.weights[j] == 1 ? 0.0 : 1.0));
        CHECK(state0("mtj1" + k) == (s.weights[j] == 1 ? 1.0 : 0.0));
        // IN = +1: V_BL on BL0, 0 on BL1.
        CHECK(dc("bl0" + k) == (s.inputs[j] == 1 ? 0.3 : 0.0));
        CHECK(dc("bl1" + k) == (s.inputs[j] == 1 ? 0.0 : 0.3));
    }
    CHECK(count_xnor_plus(s.weights, s.inputs) == 2);
}

TEST_CASE("golden netlist of a 4-cell row", "[golden]") {
    XnorRowSpec s;
    s.weights = {1, -1, 1, -1};
    s.inputs = {1, 1, -1, -1};
    const std::string text = portable(xnor_row(s).to_spice());
    const fs::path path = golden_path("xnor_row_4");
    if (std::getenv("SPINCIM_REGEN_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << text;
        WARN("regenerated " << path.string());
        return;
    }
    REQUIRE(fs::exists(path)); // run scripts/regen_golden_circuits.sh to create it
    CHECK(read(path) == text);
}

TEST_CASE("the generator is a pure function of its spec") {
    CHECK(xnor_row(row_spec(16, 5)).to_spice() == xnor_row(row_spec(16, 5)).to_spice());
}

TEST_CASE("bad row specs are InputErrors naming the field") {
    using Catch::Matchers::Contains;
    XnorRowSpec s;
    CHECK_THROWS_WITH(xnor_row(s), Contains("weights"));
    s.weights = {1, 0};
    s.inputs = {1, 1};
    CHECK_THROWS_AS(xnor_row(s), spincim::InputError);
    CHECK_THROWS_WITH(xnor_row(s), Contains("weights[1]"));
    s.weights = {1, -1};
    s.inputs = {1};
    CHECK_THROWS_WITH(xnor_row(s), Contains("inputs"));
    s.inputs = {1, -1};
    s.v_bl = -0.3;
    CHECK_THROWS_WITH(xnor_row(s), Contains("v_bl"));
    s.v_bl = 0.3;
    s.access_width_factor = 0.5;
    CHECK_THROWS_WITH(xnor_row(s), Contains("access_width_factor"));
    s.access_width_factor = 4.0;
    s.cmos = "cmos7";
    CHECK_THROWS_AS(xnor_row(s), spincim::InputError);
    s.cmos = "cmos65";
    s.mtj.ra = -1.0;
    CHECK_THROWS_AS(xnor_row(s), spincim::InputError);
    CHECK_NOTHROW(xnor_row([] {
        XnorRowSpec ok;
        ok.weights = {1};
        ok.inputs = {-1};
        return ok;
    }()));
}

TEST_CASE("vectors drawn for a chosen N1 have exactly N1 XNOR = +1 outputs, reproducibly") {
    for (const std::size_t n : {1U, 4U, 16U, 64U}) {
        for (std::size_t n1 = 0; n1 <= n; ++n1) {
            const XnorVectors v = xnor_vectors_for_n1(n, n1, 7, 3);
            REQUIRE(v.weights.size() == n);
            REQUIRE(v.inputs.size() == n);
            CHECK(count_xnor_plus(v.weights, v.inputs) == n1);
            const XnorVectors again = xnor_vectors_for_n1(n, n1, 7, 3);
            CHECK(again.weights == v.weights);
            CHECK(again.inputs == v.inputs);
        }
    }
    // Different samples give different rows (64 random signs agreeing by chance: p = 2^-64).
    CHECK(xnor_vectors_for_n1(64, 32, 7, 3).weights != xnor_vectors_for_n1(64, 32, 7, 4).weights);
    // Weights are balanced on average: 64 x 64 draws, mean of +-1 within 5 sigma (5/64) of 0.
    double sum = 0.0;
    for (std::uint64_t sample = 0; sample < 64; ++sample) {
        for (const int w : xnor_vectors_for_n1(64, 10, 11, sample).weights) {
            sum += w;
        }
    }
    CHECK(std::abs(sum / 4096.0) < 5.0 / 64.0);
    CHECK_THROWS_AS(xnor_vectors_for_n1(0, 0, 1, 1), spincim::InputError);
    CHECK_THROWS_AS(xnor_vectors_for_n1(4, 5, 1, 1), spincim::InputError);
}

TEST_CASE("Eq. (5) of seed 001: end points, linearity and midpoint V_BL/2") {
    // Table I resistances with R_access = 0: R_bitcell = 2k || 5.3k = 1452.05 Ohm.
    const double rp = 2e3;
    const double rap = 5.3e3;
    const double rb = rp * rap / (rp + rap);
    CHECK_THAT(eq5_v_sl(16, 0, 0.3, rp, rap), WithinRel(0.3 * rb / rap, 1e-12));
    CHECK_THAT(eq5_v_sl(16, 16, 0.3, rp, rap), WithinRel(0.3 * rb / rp, 1e-12));
    // The midpoint is V_BL/2 whatever the (equal) access resistance (seed 001 Sec. III.A).
    for (const double racc : {0.0, 500.0, 5e3}) {
        CHECK_THAT(eq5_v_sl(64, 32, 0.3, rp + racc, rap + racc), WithinRel(0.15, 1e-12));
    }
    // Constant step per N1.
    const double step = eq5_v_sl(64, 1, 0.3, rp, rap) - eq5_v_sl(64, 0, 0.3, rp, rap);
    for (std::size_t k = 1; k <= 64; ++k) {
        CHECK_THAT(eq5_v_sl(64, k, 0.3, rp, rap) - eq5_v_sl(64, k - 1, 0.3, rp, rap),
                   WithinRel(step, 1e-9));
    }
    // Single bitcell margin equals Eq. (4): V_BL * TMR * R_P / (R_P + R_AP).
    CHECK_THAT(eq5_v_sl(1, 1, 0.3, rp, rap) - eq5_v_sl(1, 0, 0.3, rp, rap),
               WithinRel(0.3 * 1.65 * rp / (rp + rap), 1e-12));
    CHECK_THROWS_AS(eq5_v_sl(4, 5, 0.3, rp, rap), spincim::InputError);
    CHECK_THROWS_AS(eq5_v_sl(4, 1, 0.3, 0.0, rap), spincim::InputError);
}

TEST_CASE("read-current check flags currents above the 50 uA limit of seed 001 Table I") {
    const auto ok = check_read_current({{"i_mtj0_0", 29.9e-6}, {"i_mtj1_0", -26e-6}});
    CHECK_FALSE(ok.exceeds);
    CHECK(ok.warning.empty());
    CHECK(ok.probe == "i_mtj0_0");
    CHECK_THAT(ok.max_current, WithinRel(29.9e-6, 1e-12));
    CHECK(ok.limit == 50e-6);

    const auto bad = check_read_current({{"i_mtj0_0", 10e-6}, {"i_mtj1_3", -61e-6}});
    CHECK(bad.exceeds);
    CHECK(bad.probe == "i_mtj1_3");
    CHECK_THAT(bad.max_current, WithinRel(61e-6, 1e-12));
    CHECK_THAT(bad.warning, Catch::Matchers::Contains("i_mtj1_3"));
    CHECK_THAT(bad.warning, Catch::Matchers::Contains("50"));

    CHECK_THROWS_AS(check_read_current({}), spincim::InputError);
    CHECK_THROWS_AS(check_read_current({{"x", 1e-6}}, 0.0), spincim::InputError);
    const auto probes = xnor_mtj_current_probes(2);
    REQUIRE(probes.size() == 4);
    CHECK(probes[3] == "i_mtj1_1");
}
