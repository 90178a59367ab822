// Monte Carlo variation draws (montecarlo/variation.hpp): the requested sigmas, the global/local
// split, Pelgrom's area law, order independence, the generic application to a built netlist, and
// bad input. No simulator.

#include <cmath>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/circuits/tbs.hpp"
#include "spincim/circuits/xnor_row.hpp"
#include "spincim/core/error.hpp"
#include "spincim/montecarlo/variation.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace spincim;
using namespace spincim::montecarlo;

namespace {

constexpr std::uint64_t kSeed = 4242;
constexpr std::size_t kDraws = 5000;

struct Moments {
    double mean = 0.0;
    double sigma = 0.0;
};

Moments moments(const std::vector<double>& x) {
    Moments m;
    for (const double v : x) {
        m.mean += v;
    }
    m.mean /= static_cast<double>(x.size());
    for (const double v : x) {
        m.sigma += (v - m.mean) * (v - m.mean);
    }
    m.sigma = std::sqrt(m.sigma / static_cast<double>(x.size() - 1));
    return m;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const Moments ma = moments(a);
    const Moments mb = moments(b);
    double c = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        c += (a[i] - ma.mean) * (b[i] - mb.mean);
    }
    return c / static_cast<double>(a.size() - 1) / (ma.sigma * mb.sigma);
}

circuits::XnorRowSpec row_spec(std::size_t n) {
    const auto v = circuits::xnor_vectors_for_n1(n, n / 2, kSeed, 0);
    circuits::XnorRowSpec spec;
    spec.weights = v.weights;
    spec.inputs = v.inputs;
    return spec;
}

double param_of(const netlist::Element& e, const std::string& name) {
    if (const auto* x = std::get_if<netlist::SubcktInstance>(&e)) {
        for (const auto& p : x->params) {
            if (p.name == name) {
                return p.value.number();
            }
        }
    }
    if (const auto* m = std::get_if<netlist::Mosfet>(&e)) {
        for (const auto& p : m->extra) {
            if (p.name == name) {
                return p.value.number();
            }
        }
    }
    FAIL("no parameter " << name << " on " << netlist::spice_name(e));
    return 0.0;
}

} // namespace

// The sample standard deviation of n Gaussian draws has a relative standard error of
// 1/sqrt(2(n-1)) = 1.0 % at n = 5000; the tolerance, 4 %, is four standard errors. The mean of the
// factor is 1 within 4 sigma/sqrt(n).
TEST_CASE("MTJ factors have the seed 000 sigmas", "[variation]") {
    const VariationSpec spec;
    const std::vector<std::pair<const char*, const ParamSigma*>> params{
        {"area", &spec.area}, {"tox", &spec.tox}, {"tfl", &spec.tfl}, {"tmr0", &spec.tmr0}};
    // Seed 000 Sec. III: 5 % area, 1 % t_ox, 1 % t_FL, 3 % TMR (total of global and local).
    const std::vector<double> expected{0.05, 0.01, 0.01, 0.03};
    for (std::size_t p = 0; p < params.size(); ++p) {
        INFO(params[p].first);
        CHECK_THAT(params[p].second->total(), WithinRel(expected[p], 0.005));
        std::vector<double> f;
        for (std::size_t i = 0; i < kDraws; ++i) {
            f.push_back(
                mtj_factor(*params[p].second, params[p].first, "mtj0_3", kSeed, sample_key(7, i)));
        }
        const Moments m = moments(f);
        CHECK_THAT(m.sigma, WithinRel(expected[p], 0.04));
        CHECK_THAT(m.mean, WithinAbs(1.0, 4.0 * expected[p] / std::sqrt(double(kDraws))));
    }
}

// The global component is one draw per sample for all devices: with local = 0 two devices agree
// exactly within a sample and differ between samples; with global = 0 they are independent. With
// both, the correlation between two devices across samples is global^2 / (global^2 + local^2)
// (0.16 for the default area split); the standard error of a correlation estimate is
// (1 - rho^2)/sqrt(n) = 0.014 at n = 5000, tolerance 0.05.
TEST_CASE("Global variation is shared by devices, local is not", "[variation]") {
    const ParamSigma global_only{0.05, 0.0};
    const ParamSigma local_only{0.0, 0.05};
    for (std::uint64_t i = 0; i < 50; ++i) {
        const auto key = sample_key(3, i);
        const double a = mtj_factor(global_only, "area", "mtj0_0", kSeed, key);
        const double b = mtj_factor(global_only, "area", "mtj1_9", kSeed, key);
        CHECK(a == b);
        CHECK(a != mtj_factor(global_only, "area", "mtj0_0", kSeed, sample_key(3, i + 1)));
        CHECK(mtj_factor(local_only, "area", "mtj0_0", kSeed, key) !=
              mtj_factor(local_only, "area", "mtj1_9", kSeed, key));
    }
    const VariationSpec spec;
    std::vector<double> a, b;
    for (std::size_t i = 0; i < kDraws; ++i) {
        a.push_back(mtj_factor(spec.area, "area", "mtj0_0", kSeed, sample_key(5, i)));
        b.push_back(mtj_factor(spec.area, "area", "mtj1_9", kSeed, sample_key(5, i)));
    }
    const double rho =
        spec.area.global * spec.area.global / (spec.area.total() * spec.area.total());
    CHECK_THAT(correlation(a, b), WithinAbs(rho, 0.05));

    // MOS global shifts: per device type, shared within a sample.
    VariationSpec mos;
    mos.avt_v_m = 0.0;
    const auto key = sample_key(1, 2);
    CHECK(mos_delvto(mos, false, 1e-6, 65e-9, 1, "a", kSeed, key) ==
          mos_delvto(mos, false, 2e-6, 130e-9, 4, "b", kSeed, key));
    CHECK(mos_delvto(mos, false, 1e-6, 65e-9, 1, "a", kSeed, key) !=
          mos_delvto(mos, true, 1e-6, 65e-9, 1, "a", kSeed, key));
}

// Pelgrom, Duinmaijer, Welbers, IEEE JSSC 24(5) 1989: sigma(Vth) = A_VT / sqrt(W L). Analytic
// value, the 1/sqrt(WL) scaling (4x the area halves sigma, m fingers count as area) and the
// empirical sigma of the draws (global part off) at 4 % (four standard errors, n = 5000).
TEST_CASE("Pelgrom mismatch scales as 1/sqrt(WL)", "[variation]") {
    const double avt = 3.5e-9; // 3.5 mV um
    CHECK_THAT(pelgrom_sigma(avt, 1e-6, 1e-6), WithinRel(3.5e-3, 1e-12));
    CHECK_THAT(pelgrom_sigma(avt, 0.54e-6, 65e-9),
               WithinRel(3.5e-9 / std::sqrt(0.54e-6 * 65e-9), 1e-12));
    CHECK_THAT(pelgrom_sigma(avt, 4e-6, 1e-6) / pelgrom_sigma(avt, 1e-6, 1e-6),
               WithinRel(0.5, 1e-12));
    CHECK_THAT(pelgrom_sigma(avt, 1e-6, 1e-6, 4.0) / pelgrom_sigma(avt, 1e-6, 1e-6),
               WithinRel(0.5, 1e-12));

    VariationSpec spec;
    spec.global_vth_n_v = 0.0;
    spec.global_vth_p_v = 0.0;
    const double w = 0.54e-6;
    const double l = 65e-9;
    for (const double scale : {1.0, 4.0, 16.0}) {
        std::vector<double> d;
        for (std::size_t i = 0; i < kDraws; ++i) {
            d.push_back(
                mos_delvto(spec, false, w * scale, l, 1, "acc0_0", kSeed, sample_key(0, i)));
        }
        INFO("W x " << scale);
        CHECK_THAT(moments(d).sigma, WithinRel(spec.avt_v_m / std::sqrt(w * scale * l), 0.04));
    }
    // Global and local add in quadrature.
    const VariationSpec both;
    std::vector<double> d;
    for (std::size_t i = 0; i < kDraws; ++i) {
        d.push_back(mos_delvto(both, true, w, l, 1, "tgp_0", kSeed, sample_key(0, i)));
    }
    CHECK_THAT(moments(d).sigma,
               WithinRel(std::hypot(both.global_vth_p_v, both.avt_v_m / std::sqrt(w * l)), 0.04));
}

// apply_variation on a generated row: every MOSFET gets a delvto, every MTJ varied parameters; a
// device's draw depends only on (seed, sample, name), not on the other devices (the same cell in
// an 8- and a 16-cell row gets the same values); disabled variation leaves the text unchanged.
TEST_CASE("apply_variation varies every device of a built netlist", "[variation]") {
    const VariationSpec spec;
    const auto key = sample_key(4, 11);
    netlist::Netlist small = circuits::xnor_row(row_spec(8));
    netlist::Netlist large = circuits::xnor_row(row_spec(16));
    const std::string nominal_text = small.to_spice();
    apply_variation(small, spec, kSeed, key);
    apply_variation(large, spec, kSeed, key);
    std::size_t mos = 0;
    std::size_t mtj = 0;
    for (const auto& e : small.elements()) {
        if (std::holds_alternative<netlist::Mosfet>(e)) {
            ++mos;
            const double d = param_of(e, "delvto");
            CHECK(std::abs(d) > 0.0);
            CHECK(std::abs(d) < 0.3);
            CHECK(param_of(*large.find(netlist::name_of(e)), "delvto") == d);
        }
        if (std::holds_alternative<netlist::SubcktInstance>(e)) {
            ++mtj;
            for (const char* p : {"area", "tox", "tfl", "tmr0"}) {
                CHECK(param_of(e, p) == param_of(*large.find(netlist::name_of(e)), p));
            }
            const double area = param_of(e, "area");
            CHECK(area != 3.6e-15);
            CHECK(std::abs(area / 3.6e-15 - 1.0) < 0.3);
        }
    }
    CHECK(mos == small.count(netlist::ElementKind::mosfet));
    CHECK(mtj == 16);
    CHECK(small.to_spice() != nominal_text);
    CHECK(small.to_spice().find("delvto=") != std::string::npos);

    netlist::Netlist off = circuits::xnor_row(row_spec(8));
    VariationSpec disabled;
    disabled.enabled = false;
    apply_variation(off, disabled, kSeed, key);
    CHECK(off.to_spice() == nominal_text);
}

TEST_CASE("Variation spec and sample keys reject bad input", "[variation]") {
    VariationSpec spec;
    spec.area.local = -0.01;
    netlist::Netlist net = circuits::xnor_row(row_spec(4));
    CHECK_THROWS_WITH(apply_variation(net, spec, 1, 0), Catch::Contains("area.local"));
    spec = VariationSpec{};
    spec.tmr0.global = std::nan("");
    CHECK_THROWS_WITH(check_variation_spec(spec), Catch::Contains("tmr0.global"));
    spec = VariationSpec{};
    spec.avt_v_m = -1e-9;
    CHECK_THROWS_AS(check_variation_spec(spec), InputError);
    CHECK_THROWS_WITH(check_variation_spec(spec), Catch::Contains("avt_v_m"));
    spec = VariationSpec{};
    spec.global_vth_p_v = 1.0;
    CHECK_THROWS_WITH(check_variation_spec(spec), Catch::Contains("global_vth_p_v"));
    CHECK_THROWS_AS(sample_key(std::size_t{1} << 24, 0), InputError);
    CHECK_THROWS_AS(sample_key(0, std::uint64_t{1} << 40), InputError);
    CHECK(sample_key(1, 0) != sample_key(0, 1));

    // A MOSFET with a model of unknown type.
    netlist::Netlist odd("odd");
    odd.add(netlist::Mosfet{.name = "m1",
                            .drain = "d",
                            .gate = "g",
                            .source = "s",
                            .bulk = "s",
                            .model = "mystery",
                            .width = 1e-6,
                            .length = 1e-7});
    CHECK_THROWS_WITH(apply_variation(odd, VariationSpec{}, 1, 0), Catch::Contains("mystery"));
    // Netlist::replace keeps names.
    CHECK_THROWS_AS(
        odd.replace(0, netlist::Resistor{.name = "r1", .pos = "a", .neg = "b", .resistance = 1.0}),
        InputError);
    CHECK_THROWS_AS(
        odd.replace(5, netlist::Resistor{.name = "m1", .pos = "a", .neg = "b", .resistance = 1.0}),
        InputError);
}

// The fine-trim bank of the TBS delay line (circuits/tbs.hpp): bit b of the code connects
// trim_unit_cap * 2^b; the code must fit the bank.
TEST_CASE("TBS trim bank follows the code", "[variation][tbs]") {
    circuits::TbsSpec tbs;
    tbs.delay_stages = 2;
    tbs.trim_bits = 4;
    tbs.trim_unit_cap = 3e-15;
    tbs.trim_code = 5; // bits 0 and 2
    const auto net = circuits::tbs_testbench(tbs, 0.15, 10e-9);
    const auto* c0 = net.find("sa_dtc_0");
    const auto* c2 = net.find("sa_dtc_2");
    REQUIRE(c0 != nullptr);
    REQUIRE(c2 != nullptr);
    CHECK(net.find("sa_dtc_1") == nullptr);
    CHECK(net.find("sa_dtc_3") == nullptr);
    CHECK_THAT(std::get<netlist::Capacitor>(*c0).capacitance.number(), WithinRel(3e-15, 1e-12));
    CHECK_THAT(std::get<netlist::Capacitor>(*c2).capacitance.number(), WithinRel(12e-15, 1e-12));
    CHECK(net.probe("v_sa_ref") == net.probe("v_sa_trim"));
    tbs.trim_code = 16;
    CHECK_THROWS_WITH(circuits::check_tbs_spec(tbs), Catch::Contains("trim_code"));
    tbs.trim_code = 0;
    tbs.trim_bits = 13;
    CHECK_THROWS_WITH(circuits::check_tbs_spec(tbs), Catch::Contains("trim_bits"));
}

// Antithetic draws (VariationSpec::antithetic, used to estimate the per-die reference's local
// bias): every local deviation is mirrored, every global one kept, so a draw and its twin average
// to the global-only values exactly for quantities linear in the deviations.
TEST_CASE("Antithetic draws mirror the local deviations and keep the global ones", "[variation]") {
    const VariationSpec spec;
    VariationSpec twin = spec;
    twin.antithetic = true;
    const VariationSpec global = global_part(spec);
    const auto key = sample_key(5, 9);
    netlist::Netlist a = circuits::xnor_row(row_spec(8));
    netlist::Netlist b = a;
    netlist::Netlist g = a;
    apply_variation(a, spec, kSeed, key);
    apply_variation(b, twin, kSeed, key);
    apply_variation(g, global, kSeed, key);
    std::size_t checked = 0;
    for (const auto& e : a.elements()) {
        const auto& eb = *b.find(netlist::name_of(e));
        const auto& eg = *g.find(netlist::name_of(e));
        if (std::holds_alternative<netlist::Mosfet>(e)) {
            const double mid = 0.5 * (param_of(e, "delvto") + param_of(eb, "delvto"));
            CHECK_THAT(mid, WithinAbs(param_of(eg, "delvto"), 1e-15));
            CHECK(param_of(e, "delvto") != param_of(eb, "delvto"));
            ++checked;
        }
        if (std::holds_alternative<netlist::SubcktInstance>(e)) {
            for (const char* p : {"area", "tox", "tfl", "tmr0"}) {
                const double mid = 0.5 * (param_of(e, p) + param_of(eb, p));
                CHECK_THAT(mid, WithinRel(param_of(eg, p), 1e-12));
            }
            ++checked;
        }
    }
    CHECK(checked == a.count(netlist::ElementKind::mosfet) + 16);
}
