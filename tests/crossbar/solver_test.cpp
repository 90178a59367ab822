// Native crossbar solver (issue 5, "What to build" 2) against closed-form circuits: ideal lines
// (Ohm's law per device), series chains, a two-cell ladder solved by Cramer's rule, a nonlinear
// MTJ in series with a resistor solved by bisection, floating pads, superposition and
// Kirchhoff's current law.

#include <cmath>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/solvers/crossbar_solver.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using namespace spincim;
using namespace spincim::solvers;

namespace {

CrossbarCircuit uniform(std::size_t m, std::size_t n, double g, double tmr = 0.0) {
    CrossbarCircuit c;
    c.rows = m;
    c.cols = n;
    c.g_parallel.assign(m * n, g);
    c.tmr0.assign(m * n, tmr);
    return c;
}

// A random array: g_p in [10, 30] uS, half the devices AP with tmr0 in [0.8, 1.2].
CrossbarCircuit random_array(std::size_t m, std::size_t n, std::uint64_t sample) {
    CrossbarCircuit c = uniform(m, n, 1.0);
    RandomStream rng(11, sample, "solver_test");
    for (std::size_t k = 0; k < m * n; ++k) {
        c.g_parallel[k] = 10e-6 + 20e-6 * rng.uniform();
        c.tmr0[k] = rng.uniform() < 0.5 ? 0.8 + 0.4 * rng.uniform() : 0.0;
    }
    return c;
}

} // namespace

TEST_CASE("ideal lines: every device sees its row voltage, columns sum g V (Ohm + KCL)") {
    CrossbarCircuit c = random_array(7, 5, 1);
    c.bias_dependent = false;
    c.row_voltages = {0.2, 0.1, 0.0, 0.2, 0.05, 0.2, 0.15};
    const CrossbarSolution s = solve_crossbar(c);
    CHECK(s.iterations == 1);
    for (std::size_t j = 0; j < c.cols; ++j) {
        double expected = 0.0;
        for (std::size_t i = 0; i < c.rows; ++i) {
            const std::size_t k = i * c.cols + j;
            expected += c.g_parallel[k] / (1.0 + c.tmr0[k]) * *c.row_voltages[i];
            CHECK_THAT(s.device_voltages[k], WithinAbs(*c.row_voltages[i], 1e-15));
        }
        CHECK_THAT(s.col_currents[j], WithinRel(expected, 1e-12));
    }
}

TEST_CASE("1x1 array: series chain of contacts, segments and the device") {
    CrossbarCircuit c = uniform(1, 1, 20e-6);
    c.r_row_contact = 100.0;
    c.r_row_segment = 12.0;
    c.r_col_segment = 8.0;
    c.r_col_contact = 50.0;
    c.row_voltages = {0.3};
    const CrossbarSolution s = solve_crossbar(c);
    const double r_total = 100.0 + 12.0 + 1.0 / 20e-6 + 8.0 + 50.0;
    CHECK_THAT(s.col_currents[0], WithinRel(0.3 / r_total, 1e-12));
    CHECK_THAT(s.row_currents[0], WithinRel(0.3 / r_total, 1e-12));
    CHECK_THAT(s.device_voltages[0], WithinRel(0.3 / r_total / 20e-6, 1e-12));
}

TEST_CASE("1x2 ladder with line resistance matches Cramer's rule") {
    // Row: pad (V) --Rs-- a --Rs-- b; device 1 from a, device 2 from b to grounded columns (no
    // column resistance). KCL: (V - a) gs = a g1 + (a - b) gs and (a - b) gs = b g2, i.e.
    // [2gs + g1, -gs; -gs, gs + g2] [a; b] = [gs V; 0].
    const double gs = 1.0 / 12.0;
    const double g1 = 1e-2; // large device conductances make the line drop visible
    const double g2 = 2e-2;
    const double v = 0.2;
    CrossbarCircuit c = uniform(1, 2, 1.0);
    c.g_parallel = {g1, g2};
    c.r_row_segment = 12.0;
    c.row_voltages = {v};
    const CrossbarSolution s = solve_crossbar(c);
    const double det = (2 * gs + g1) * (gs + g2) - gs * gs;
    const double a = gs * v * (gs + g2) / det;
    const double b = gs * v * gs / det;
    CHECK_THAT(s.device_voltages[0], WithinRel(a, 1e-12));
    CHECK_THAT(s.device_voltages[1], WithinRel(b, 1e-12));
    CHECK_THAT(s.col_currents[0], WithinRel(a * g1, 1e-12));
    CHECK_THAT(s.col_currents[1], WithinRel(b * g2, 1e-12));
}

TEST_CASE("TMR(V): an AP device in series with a resistor matches a bisection solution") {
    // V_drive = V_d + R I(V_d) with I(V) = g_p V / (1 + tmr0 / (1 + (V / v_h)^2)); the left-hand
    // side is monotone in V_d, so bisection finds the unique root.
    const double gp = 1e-4;
    const double tmr0 = 1.5;
    const double vh = 0.5;
    const double r = 5e3;
    const double vdrive = 1.2;
    CrossbarCircuit c = uniform(1, 1, gp, tmr0);
    c.v_h = vh;
    c.r_row_contact = r;
    c.row_voltages = {vdrive};
    const auto law = [&](double vd) {
        const double x = vd / vh;
        return gp * vd / (1.0 + tmr0 / (1.0 + x * x));
    };
    double lo = 0.0;
    double hi = vdrive;
    for (int k = 0; k < 200; ++k) {
        const double mid = 0.5 * (lo + hi);
        (mid + r * law(mid) < vdrive ? lo : hi) = mid;
    }
    const double vd = 0.5 * (lo + hi);
    const CrossbarSolution s = solve_crossbar(c);
    CHECK(s.iterations > 2);
    CHECK_THAT(s.device_voltages[0], WithinRel(vd, 1e-9));
    CHECK_THAT(s.col_currents[0], WithinRel(law(vd), 1e-9));
    // The bias dependence matters here: the zero-bias linear answer differs by more than 5 %.
    c.bias_dependent = false;
    const CrossbarSolution lin = solve_crossbar(c);
    CHECK(lin.iterations == 1);
    const double i_lin = vdrive / (r + (1.0 + tmr0) / gp);
    CHECK_THAT(lin.col_currents[0], WithinRel(i_lin, 1e-12));
    CHECK(std::abs(lin.col_currents[0] / law(vd) - 1.0) > 0.05);
}

TEST_CASE("device law and its slope") {
    // P device (tmr0 = 0): Ohmic. AP at V = v_h: TMR halves, I = g_p V / (1 + tmr0 / 2).
    CHECK_THAT(crossbar_device_current(2e-5, 0.0, 0.5, 0.3), WithinRel(6e-6, 1e-14));
    CHECK_THAT(crossbar_device_current(2e-5, 1.0, 0.5, 0.5), WithinRel(2e-5 * 0.5 / 1.5, 1e-14));
    // Slope against a central difference (step 1e-6 V, truncation error ~ 1e-12 relative).
    for (const double v : {-0.7, -0.1, 0.0, 0.2, 0.5, 1.3}) {
        const double h = 1e-6;
        const double fd = (crossbar_device_current(2e-5, 1.2, 0.5, v + h) -
                           crossbar_device_current(2e-5, 1.2, 0.5, v - h)) /
                          (2 * h);
        CHECK_THAT(crossbar_device_slope(2e-5, 1.2, 0.5, v), WithinRel(fd, 1e-8));
    }
}

TEST_CASE("floating pads carry no current and take the voltage of their line") {
    // One row at V, column 0 grounded, column 1 floating, ideal columns: no current flows through
    // device 1, so column pad 1 sits at the row voltage at crosspoint 1, which equals the one at
    // crosspoint 0 (no current in the last row segment): V - I Rs with I = V / (Rs + 1/g).
    const double g = 1e-3;
    const double rs = 12.0;
    CrossbarCircuit c = uniform(1, 2, g);
    c.r_row_segment = rs;
    c.row_voltages = {0.2};
    c.col_voltages = {0.0, std::nullopt};
    const CrossbarSolution s = solve_crossbar(c);
    const double i = 0.2 / (rs + 1.0 / g);
    CHECK_THAT(s.col_currents[0], WithinRel(i, 1e-12));
    CHECK(s.col_currents[1] == 0.0);
    CHECK_THAT(s.col_pad_voltages[1], WithinRel(0.2 - i * rs, 1e-12));
    CHECK_THAT(s.device_currents[1], WithinAbs(0.0, 1e-18));
}

TEST_CASE("linear array: superposition of drives and KCL balance") {
    CrossbarCircuit c = random_array(20, 30, 2);
    c.bias_dependent = false;
    c.r_row_segment = 12.0;
    c.r_col_segment = 12.0;
    c.r_row_contact = 100.0;
    c.r_col_contact = 100.0;
    std::vector<std::optional<double>> v1(20, 0.0);
    std::vector<std::optional<double>> v2(20, 0.0);
    std::vector<std::optional<double>> v12(20, 0.0);
    for (std::size_t i = 0; i < 20; ++i) {
        v1[i] = i % 2 == 0 ? 0.2 : 0.0;
        v2[i] = i % 3 == 0 ? 0.1 : 0.0;
        v12[i] = *v1[i] + *v2[i];
    }
    const std::vector<std::optional<double>> cols(30, 0.0);
    CrossbarSolver solver(c);
    const CrossbarSolution s1 = solver.solve(v1, cols);
    const CrossbarSolution s2 = solver.solve(v2, cols);
    const CrossbarSolution s12 = solver.solve(v12, cols);
    double in = 0.0;
    double out = 0.0;
    for (std::size_t j = 0; j < 30; ++j) {
        CHECK_THAT(s12.col_currents[j], WithinRel(s1.col_currents[j] + s2.col_currents[j], 1e-10));
        out += s12.col_currents[j];
    }
    for (std::size_t i = 0; i < 20; ++i) {
        in += s12.row_currents[i];
    }
    CHECK_THAT(in, WithinRel(out, 1e-10));
    // A drive that changes which pads are driven needs a new solver.
    std::vector<std::optional<double>> floating = v1;
    floating[3] = std::nullopt;
    CHECK_THROWS_WITH(solver.solve(floating, cols), Contains("same pads"));
}

TEST_CASE("nonlinear array: Newton converges and balances KCL") {
    CrossbarCircuit c = random_array(24, 24, 3);
    c.r_row_segment = 12.0;
    c.r_col_segment = 12.0;
    c.row_voltages.assign(24, 0.5);
    const CrossbarSolution s = solve_crossbar(c);
    CHECK(s.iterations > 1);
    CHECK(s.iterations < 10);
    double in = 0.0;
    double out = 0.0;
    for (std::size_t k = 0; k < 24; ++k) {
        in += s.row_currents[k];
        out += s.col_currents[k];
    }
    CHECK_THAT(in, WithinRel(out, 1e-10));
    // Each device current follows the device law at its own voltage.
    for (std::size_t k = 0; k < c.rows * c.cols; k += 37) {
        CHECK_THAT(s.device_currents[k],
                   WithinRel(crossbar_device_current(c.g_parallel[k], c.tmr0[k], c.v_h,
                                                     s.device_voltages[k]),
                             1e-14));
    }
}

TEST_CASE("line-preconditioned CG agrees with the direct factorisation") {
    // Same nonlinear array with contacts, a floating row and a floating column, solved both ways;
    // CG stops at a relative residual of 1e-14, so the answers agree to ~1e-10.
    CrossbarCircuit c = random_array(40, 40, 4);
    c.r_row_segment = 12.0;
    c.r_col_segment = 12.0;
    c.r_row_contact = 200.0;
    c.r_col_contact = 100.0;
    c.row_voltages.assign(40, 0.4);
    c.row_voltages[7] = std::nullopt;
    c.col_voltages.assign(40, 0.0);
    c.col_voltages[30] = std::nullopt;
    CrossbarSolveOptions direct;
    direct.method = CrossbarMethod::direct;
    CrossbarSolveOptions iterative;
    iterative.method = CrossbarMethod::iterative;
    const CrossbarSolution a = solve_crossbar(c, direct);
    const CrossbarSolution b = solve_crossbar(c, iterative);
    CHECK(a.cg_iterations == 0);
    CHECK(b.cg_iterations > 0);
    CHECK(b.iterations == a.iterations);
    for (std::size_t j = 0; j < 40; ++j) {
        if (j != 30) {
            CHECK_THAT(b.col_currents[j], WithinRel(a.col_currents[j], 1e-10));
        }
    }
    for (std::size_t k = 0; k < 1600; k += 13) {
        CHECK_THAT(b.device_voltages[k], WithinAbs(a.device_voltages[k], 1e-11));
    }
    CHECK_THAT(b.row_pad_voltages[7], WithinAbs(a.row_pad_voltages[7], 1e-11));
}

TEST_CASE("solver input errors") {
    CrossbarCircuit c = uniform(2, 2, 1e-5);
    SECTION("every pad floating leaves the matrix singular") {
        c.row_voltages.assign(2, std::nullopt);
        c.col_voltages.assign(2, std::nullopt);
        CHECK_THROWS_WITH(CrossbarSolver(c), Contains("singular"));
    }
    SECTION("sizes") {
        c.g_parallel.pop_back();
        CHECK_THROWS_WITH(CrossbarSolver(c), Contains("g_parallel"));
    }
    SECTION("non-positive conductance") {
        c.g_parallel[1] = 0.0;
        CHECK_THROWS_WITH(CrossbarSolver(c), Contains("g_parallel[1]"));
    }
    SECTION("negative line resistance") {
        c.r_row_segment = -2.0;
        CHECK_THROWS_AS(CrossbarSolver(c), InputError);
    }
}
