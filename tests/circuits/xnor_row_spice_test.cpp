// The 2T2J XNOR row in ngspice (issue 3 acceptance 5, 6, 7): V_SL(N1) against seed 001 Eq. (5),
// the single-bitcell case of Fig. 3 and the 50 uA read-current limit of Table I. One Session per
// TEST_CASE (each runs in its own process under ctest).

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/circuits/xnor_row.hpp"
#include "spincim/models/cmos.hpp"
#include "spincim/spice/session.hpp"

using Catch::Matchers::WithinRel;
using namespace spincim::circuits;
using spincim::spice::Session;

namespace {

constexpr std::uint64_t kSeed = 2022;

// One operating point of a row, with the branch resistances seen by Eq. (5).
struct RowPoint {
    std::size_t n1 = 0;
    double v_sl = 0.0;
    // Mean over the row of |V_rail - V_SL| / |I_MTJ| for the branches whose MTJ is P (AP): the
    // branch from the ideal bitline level (V_BL or 0, i.e. before the drivers) to the source line,
    // so it holds R_MTJ(V) + R_access (+ R_driver). These are the "R_P + R_access" and
    // "R_AP + R_access" of Eq. (5), extracted at the bias of this very operating point.
    double r_p_branch = 0.0;
    double r_ap_branch = 0.0;
    ReadCurrentCheck read;
};

double op_value(const Session& s, const spincim::netlist::Netlist& net, const std::string& probe) {
    const auto v = s.vector(net.probe(probe).vector_name());
    REQUIRE(v.size() == 1);
    return v.front();
}

// Reads the operating point of the row `net` built from `spec` (the circuit as last run).
RowPoint measure(const Session& s, const spincim::netlist::Netlist& net, const XnorRowSpec& spec) {
    RowPoint p;
    p.n1 = count_xnor_plus(spec.weights, spec.inputs);
    p.v_sl = op_value(s, net, "v_sl");
    double sum_p = 0.0;
    double sum_ap = 0.0;
    std::size_t count_p = 0;
    std::size_t count_ap = 0;
    std::vector<std::pair<std::string, double>> currents;
    for (std::size_t j = 0; j < spec.weights.size(); ++j) {
        for (const int side : {0, 1}) {
            const std::string probe = "i_mtj" + std::to_string(side) + "_" + std::to_string(j);
            const double i = op_value(s, net, probe);
            currents.emplace_back(probe, i);
            // Side 0 carries V_BL for IN = +1; its MTJ is P for W = +1.
            const bool high = (side == 0) == (spec.inputs[j] == 1);
            const bool parallel = (side == 0) == (spec.weights[j] == 1);
            const double rail = high ? spec.v_bl : 0.0;
            const double r_branch = std::abs(rail - p.v_sl) / std::abs(i);
            (parallel ? sum_p : sum_ap) += r_branch;
            (parallel ? count_p : count_ap) += 1;
        }
    }
    p.r_p_branch = sum_p / static_cast<double>(count_p);
    p.r_ap_branch = sum_ap / static_cast<double>(count_ap);
    p.read = check_read_current(currents);
    return p;
}

RowPoint simulate_row(Session& s, const XnorRowSpec& spec) {
    const auto net = xnor_row(spec);
    const auto r = s.simulate(net.to_spice());
    INFO(r.summary());
    REQUIRE(r.usable());
    return measure(s, net, spec);
}

XnorRowSpec spec_for(std::size_t n, std::size_t n1, const XnorRowSpec& base) {
    const XnorVectors v = xnor_vectors_for_n1(n, n1, kSeed, n1);
    XnorRowSpec s = base;
    s.weights = v.weights;
    s.inputs = v.inputs;
    return s;
}

struct LineFit {
    double slope = 0.0;
    double intercept = 0.0;
    double r2 = 0.0;
};

// Ordinary least squares y = a + b x and the coefficient of determination R^2 = 1 - SS_res/SS_tot.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
    const auto n = static_cast<double>(x.size());
    double sx = 0.0;
    double sy = 0.0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        sx += x[k];
        sy += y[k];
    }
    const double mx = sx / n;
    const double my = sy / n;
    double sxx = 0.0;
    double sxy = 0.0;
    double syy = 0.0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        sxx += (x[k] - mx) * (x[k] - mx);
        sxy += (x[k] - mx) * (y[k] - my);
        syy += (y[k] - my) * (y[k] - my);
    }
    LineFit f;
    f.slope = sxy / sxx;
    f.intercept = my - f.slope * mx;
    double ss_res = 0.0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        const double e = y[k] - (f.intercept + f.slope * x[k]);
        ss_res += e * e;
    }
    f.r2 = 1.0 - ss_res / syy;
    return f;
}

// Acceptance 5 for one N: V_SL(N1) for N1 = 0, step, 2 step, ..., N, linear fit, and Eq. (5)
// evaluated with the branch resistances extracted from each operating point. Eq. (5) assumes the
// same R_access in the V_BL branch and in the grounded branch of a cell. In the circuit the access
// NMOS of the grounded branch conducts in reverse (its source is the MTJ side, so its V_GS is
// larger) and the one in the V_BL branch sees V_GS = V_WL - V_SL: with 4x access devices the two
// differ by ~1 kOhm and Eq. (5) is only printed; with small access resistance (wide devices) the
// assumption holds and Eq. (5) is asserted to 2 %, the bound the issue sets on the midpoint.
void check_row(std::size_t n, std::size_t step, const XnorRowSpec& base, const char* label,
               bool assert_eq5) {
    Session s;
    std::vector<double> x;
    std::vector<double> y;
    std::printf("\n%s, N = %zu: V_SL(N1) [V_BL %.2f V, V_WL %.2f V, access %gx]\n", label, n,
                base.v_bl, base.v_wl, base.access_width_factor);
    std::printf("  N1   V_SL/mV   Eq5/mV   R_P+acc/Ohm  R_AP+acc/Ohm  max|I_MTJ|/uA\n");
    double max_eq5_err = 0.0;
    double max_current = 0.0;
    // The row is loaded once. The vectors of one (seed, sample) are nested in N1 (the +1 cells
    // for N1 are a prefix of one random permutation, see xnor_vectors_for_n1), so each next N1
    // flips the inputs of a few columns: their driver select sources are altered and the
    // operating point re-solved, instead of re-parsing 128 MTJ subcircuits per point.
    XnorRowSpec spec = base;
    const XnorVectors v0 = xnor_vectors_for_n1(n, 0, kSeed, 0);
    spec.weights = v0.weights;
    spec.inputs = v0.inputs;
    const auto net = xnor_row(spec);
    REQUIRE(s.load(net.to_spice()).usable());
    const double vdd = spincim::models::cmos_card(base.cmos).vdd;
    for (std::size_t n1 = 0; n1 <= n; n1 += step) {
        const XnorVectors v = xnor_vectors_for_n1(n, n1, kSeed, 0);
        REQUIRE(v.weights == spec.weights);
        for (std::size_t j = 0; j < n; ++j) {
            if (v.inputs[j] != spec.inputs[j]) {
                const bool plus = v.inputs[j] == 1;
                if (base.driver == BlDriver::transmission_gate) {
                    s.alter("vin_" + std::to_string(j), "dc", plus ? vdd : 0.0);
                    s.alter("vinb_" + std::to_string(j), "dc", plus ? 0.0 : vdd);
                } else {
                    s.alter("vbl0_" + std::to_string(j), "dc", plus ? base.v_bl : 0.0);
                    s.alter("vbl1_" + std::to_string(j), "dc", plus ? 0.0 : base.v_bl);
                }
            }
        }
        spec.inputs = v.inputs;
        const auto r = s.run();
        INFO(r.summary());
        REQUIRE(r.usable());
        const RowPoint p = measure(s, net, spec);
        REQUIRE(p.n1 == n1);
        const double eq5 = eq5_v_sl(n, n1, base.v_bl, p.r_p_branch, p.r_ap_branch);
        std::printf("  %3zu  %8.3f  %8.3f  %10.1f  %11.1f  %8.2f\n", n1, p.v_sl * 1e3, eq5 * 1e3,
                    p.r_p_branch, p.r_ap_branch, p.read.max_current * 1e6);
        INFO("N1 = " << n1 << ": V_SL = " << p.v_sl << " V, Eq. (5) = " << eq5 << " V");
        if (assert_eq5) {
            CHECK_THAT(p.v_sl, WithinRel(eq5, 0.02));
        }
        max_eq5_err = std::max(max_eq5_err, std::abs(p.v_sl - eq5) / eq5);
        max_current = std::max(max_current, p.read.max_current);
        x.push_back(static_cast<double>(n1));
        y.push_back(p.v_sl);
    }
    // The altered circuit is the circuit of the last spec: a fresh load of it gives the same
    // operating point (to the solver's tolerance, reltol 1e-3 on top of a converged point).
    const double v_fresh = simulate_row(s, spec).v_sl;
    CHECK_THAT(v_fresh, WithinRel(y.back(), 1e-4));
    const LineFit f = fit_line(x, y);
    const double mid = y[(n / 2) / step];
    std::printf("  fit: V_SL = %.4f mV + %.5f mV * N1, R^2 = %.6f; midpoint %.3f mV = %.3f %% of "
                "0.5 V_BL off; max |V_SL - Eq5|/Eq5 = %.3f %%; max |I_MTJ| = %.2f uA\n",
                f.intercept * 1e3, f.slope * 1e3, f.r2, mid * 1e3,
                100.0 * (mid - 0.5 * base.v_bl) / (0.5 * base.v_bl), 100.0 * max_eq5_err,
                max_current * 1e6);
    // Seed 001 Eq. (5): V_SL is linear in N1 (issue 3 acceptance 5: R^2 > 0.999).
    CHECK(f.r2 > 0.999);
    // More +1 outputs raise V_SL.
    CHECK(f.slope > 0.0);
}

} // namespace

// Seed 001's cell: 4x minimum access width, V_BL 0.3 V, V_WL 0.7 V.
TEST_CASE("V_SL(N1) of a 16-cell row of 4x cells is linear", "[ngspice]") {
    check_row(16, 1, XnorRowSpec{}, "4x access, 16x transmission-gate drivers", false);
}

TEST_CASE("V_SL(N1) of a 64-cell row of 4x cells is linear", "[ngspice]") {
    check_row(64, 1, XnorRowSpec{}, "4x access, 16x transmission-gate drivers", false);
}

// Small access resistance: 64x minimum width (8.6 um) access NMOS and 64x drivers, so
// R_access + R_driver is a few per cent of R_P.
XnorRowSpec wide_access() {
    XnorRowSpec s;
    s.access_width_factor = 64.0;
    s.driver_width_factor = 64.0;
    return s;
}

TEST_CASE("V_SL(N1) of a 16-cell row with small access resistance follows Eq. (5)", "[ngspice]") {
    check_row(16, 1, wide_access(), "64x access, 64x drivers", true);
}

TEST_CASE("V_SL(N1) of a 64-cell row with small access resistance follows Eq. (5)", "[ngspice]") {
    check_row(64, 1, wide_access(), "64x access, 64x drivers", true);
}

TEST_CASE("midpoint V_SL(N/2) is V_BL/2 within 2 % when the access resistance is small",
          "[ngspice]") {
    Session s;
    const XnorRowSpec base = wide_access();
    for (const std::size_t n : {16U, 64U}) {
        const RowPoint p = simulate_row(s, spec_for(n, n / 2, base));
        std::printf("N = %zu, N1 = N/2, 64x access and drivers: V_SL = %.3f mV, 0.5 V_BL = %.1f "
                    "mV, off by %.3f %%\n",
                    n, p.v_sl * 1e3, 0.5 * base.v_bl * 1e3,
                    100.0 * (p.v_sl - 0.5 * base.v_bl) / (0.5 * base.v_bl));
        CHECK_THAT(p.v_sl, WithinRel(0.5 * base.v_bl, 0.02));
    }
    // The same holds for the 4x cell of the paper only to within the access asymmetry; printed
    // for the report, not asserted.
    for (const std::size_t n : {16U, 64U}) {
        const RowPoint p = simulate_row(s, spec_for(n, n / 2, XnorRowSpec{}));
        std::printf("N = %zu, N1 = N/2, 4x access, 16x drivers: V_SL = %.3f mV (%.3f %% off)\n", n,
                    p.v_sl * 1e3, 100.0 * (p.v_sl - 0.15) / 0.15);
    }
}

TEST_CASE("single bitcell at V_BL 0.3 V, V_WL 0.7 V, 4x access (seed 001 Fig. 3)", "[ngspice]") {
    Session s;
    XnorRowSpec plus;
    plus.weights = {1};
    plus.inputs = {1};
    XnorRowSpec minus = plus;
    minus.inputs = {-1};
    const RowPoint hi = simulate_row(s, plus);
    const RowPoint lo = simulate_row(s, minus);
    REQUIRE(hi.n1 == 1);
    REQUIRE(lo.n1 == 0);
    const double margin = hi.v_sl - lo.v_sl;
    // Seed 001 Sec. II (Fig. 3): V_SL = 185 mV (XNOR = +1), 97.6 mV (XNOR = -1), margin 87.4 mV;
    // I_MTJ = 26 uA (+1) and 29.9 uA (-1).
    std::printf("\nsingle bitcell, cmos65, 4x access (W %.2f um), 16x drivers:\n", 0.54);
    std::printf("                 spincim    seed 001   ratio\n");
    std::printf("  V_SL(+1) mV    %7.2f    %7.1f    %.3f\n", hi.v_sl * 1e3, 185.0,
                hi.v_sl * 1e3 / 185.0);
    std::printf("  V_SL(-1) mV    %7.2f    %7.1f    %.3f\n", lo.v_sl * 1e3, 97.6,
                lo.v_sl * 1e3 / 97.6);
    std::printf("  margin   mV    %7.2f    %7.1f    %.3f\n", margin * 1e3, 87.4,
                margin * 1e3 / 87.4);
    std::printf("  I_MTJ(+1) uA   %7.2f    %7.1f\n", hi.read.max_current * 1e6, 26.0);
    std::printf("  I_MTJ(-1) uA   %7.2f    %7.1f\n", lo.read.max_current * 1e6, 29.9);
    std::printf("  branch R (+1): P %.0f Ohm, AP %.0f Ohm; (-1): P %.0f Ohm, AP %.0f Ohm\n",
                hi.r_p_branch, hi.r_ap_branch, lo.r_p_branch, lo.r_ap_branch);
    // Physics that holds whatever the card: XNOR = +1 conducts from V_BL through the P junction,
    // so its V_SL is higher, and both lie between 0 and V_BL.
    CHECK(hi.v_sl > lo.v_sl);
    CHECK(margin > 0.0);
    CHECK(lo.v_sl > 0.0);
    CHECK(hi.v_sl < plus.v_bl);
    // Issue 3 acceptance 6: within 20 % of the paper's values. The paper used a commercial 65 nm
    // kit (L = 60 nm) and the model of its refs. [27], [28]; spincim uses the PTM-based cmos65
    // card (L = 65 nm) and the mtj_stt model with the Table I resistances.
    CHECK_THAT(hi.v_sl, WithinRel(0.185, 0.2));
    CHECK_THAT(lo.v_sl, WithinRel(0.0976, 0.2));
    CHECK_THAT(margin, WithinRel(0.0874, 0.2));
    // Acceptance 7: the read current stays below the 50 uA read-disturb limit (Table I).
    CHECK_FALSE(hi.read.exceeds);
    CHECK_FALSE(lo.read.exceeds);
}

TEST_CASE("the read-current check flags a configuration above 50 uA", "[ngspice]") {
    Session s;
    // V_BL 0.8 V across roughly R_P + R_AP + 2 R_access (< 9 kOhm) drives more than 80 uA.
    XnorRowSpec hot;
    hot.weights = {1};
    hot.inputs = {1};
    hot.v_bl = 0.8;
    hot.v_wl = 1.1;
    const RowPoint p = simulate_row(s, hot);
    std::printf("V_BL 0.8 V, V_WL 1.1 V: max |I_MTJ| = %.2f uA (%s)\n", p.read.max_current * 1e6,
                p.read.warning.c_str());
    CHECK(p.read.exceeds);
    CHECK_FALSE(p.read.warning.empty());
}
