#pragma once
// Native nodal-analysis solver for a passive M x N crossbar (one two-terminal device per
// crosspoint, no selector), the fast counterpart of the ngspice `.op` of the netlist that
// spincim::circuits::crossbar() generates (seed 003: Goodwill et al., "Implementation of a Binary
// Neural Network on a Passive Array of Magnetic Tunnel Junctions", Phys. Rev. Applied 18, 014039
// (2022), Sections II.A-B: passive 15 x 15 arrays read port-to-port, line resistance matters).
//
// Topology (identical to the generator's, see include/spincim/circuits/crossbar.hpp):
//   row i:    pad --r_row_contact-- entry --seg-- R(i,0) --seg-- R(i,1) ... --seg-- R(i,N-1)
//             (the pad is on the left, before column 0; N segments of r_row_segment)
//   column j: C(0,j) --seg-- C(1,j) ... C(M-1,j) --seg-- entry --r_col_contact-- pad
//             (the pad is at the bottom, after row M-1; M segments of r_col_segment)
//   device (i,j) between R(i,j) (MTJ free layer, terminal p) and C(i,j) (terminal n).
// A zero contact or segment resistance merges the two nodes (ideal wire). Each pad is either
// driven by an ideal voltage source or left floating.
//
// Device law (seed 003 Eq. (1) with the bias dependence of the MTJ model, models/mtj_stt.sub
// Eq. (2); Zhang et al., IEEE TED 59(3), 819 (2012), Eq. (11)):
//   I(V) = G(V) V,   G(V) = g_p / (1 + TMR(V)),   TMR(V) = tmr0 / (1 + (V / v_h)^2),
// where g_p is the parallel (on-state) conductance and tmr0 the zero-bias TMR for a device in the
// antiparallel (off) state; tmr0 = 0 describes a device in the P state (bias-independent). With
// `bias_dependent = false` every device is the linear conductance g_p / (1 + tmr0).
//
// Method: Kirchhoff's current law at every non-driven node, G v = i, with the driven pads
// eliminated into the right-hand side. For a passive network in which every node is connected to
// a driven pad, G is symmetric positive definite; small arrays are factorised with Eigen's
// SimplicialLDLT (AMD ordering; the symbolic analysis is done once per CrossbarSolver), large ones
// solved by line-preconditioned conjugate gradients (CrossbarMethod below). Nonlinear devices are
// linearised by Newton's method: around the device voltage V_k the device is the companion model
// of its differential conductance g_d = dI/dV (positive for the law above, so G stays SPD) in
// parallel with the current source I(V_k) - g_d V_k. The iteration starts from the linear
// solution at the zero-bias conductances and stops when the largest change of any device voltage
// is at most `v_tol_rel` times the largest driven voltage (plus `v_tol_abs`); it throws
// spincim::SimulationError after `max_iterations`.

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

namespace spincim::solvers {

struct CrossbarCircuit {
    std::size_t rows = 0;
    std::size_t cols = 0;
    // Row-major (index i * cols + j), each of size rows * cols.
    std::vector<double> g_parallel; // P-state (on) conductance g_p, S, > 0
    std::vector<double> tmr0;       // zero-bias TMR of an AP (off) device, 0 for P devices, >= 0
    double v_h = 0.5;               // bias at which the TMR is halved, V
    bool bias_dependent = true;     // false: linear devices at their zero-bias conductance
    double r_row_segment = 0.0;     // Ohm per row segment (>= 0)
    double r_col_segment = 0.0;     // Ohm per column segment (>= 0)
    double r_row_contact = 0.0;     // Ohm between each row pad and its line (>= 0)
    double r_col_contact = 0.0;     // Ohm between each column pad and its line (>= 0)
    // Pad drives: a voltage (V) or std::nullopt for a floating pad. Empty = all grounded.
    std::vector<std::optional<double>> row_voltages;
    std::vector<std::optional<double>> col_voltages;
};

// Linear solver for each (Newton) step. `direct`: SimplicialLDLT. `iterative`: preconditioned
// conjugate gradients, the preconditioner being the exact inverse of every line's own tridiagonal
// block (each row and column line with the device conductances on its diagonal: block Jacobi by
// lines, solved by the Thomas algorithm). The lines are the stiff part of the matrix (12 Ohm
// segments against 10-100 kOhm devices), so this removes most of the ill-conditioning, and each
// CG step costs O(nodes) where a direct factorisation of a 1024 x 1024 array fills in badly.
// `automatic`: direct up to `direct_max_unknowns`, iterative above.
enum class CrossbarMethod { automatic, direct, iterative };

struct CrossbarSolveOptions {
    // Newton stop: max |dV_device| <= v_tol_rel * max|V_drive| + v_tol_abs.
    double v_tol_rel = 1e-10;
    double v_tol_abs = 1e-15; // V
    int max_iterations = 50;  // Newton steps
    CrossbarMethod method = CrossbarMethod::automatic;
    std::size_t direct_max_unknowns = 4096;
    // CG stop: ||G v - i||_2 <= cg_tol_rel * ||i||_2 (i: the right-hand side).
    double cg_tol_rel = 1e-14;
    int cg_max_iterations = 100000;
};

struct CrossbarSolution {
    // Current out of the array into each column pad's source (the sensed column current), A.
    // Zero for floating pads.
    std::vector<double> col_currents;
    // Current from each row pad's source into the array, A. Zero for floating pads.
    std::vector<double> row_currents;
    // V(R(i,j)) - V(C(i,j)) for every device, row-major, V.
    std::vector<double> device_voltages;
    // Current through each device from row to column, row-major, A.
    std::vector<double> device_currents;
    // Pad voltages (the drive, or the solved voltage of a floating pad), V.
    std::vector<double> row_pad_voltages;
    std::vector<double> col_pad_voltages;
    int iterations = 0;     // linear solves (1 for a linear circuit)
    long cg_iterations = 0; // total conjugate-gradient steps (0 for the direct method)
};

// Reusable solver: checks the circuit and analyses the sparsity pattern once; solve() may then be
// called with other drives that keep the same set of driven pads (e.g. many input vectors of a
// vector-matrix multiplication).
class CrossbarSolver {
public:
    // Throws spincim::InputError for inconsistent sizes or non-physical values, and when a
    // pad-less island would make the conductance matrix singular (no driven pad at all).
    explicit CrossbarSolver(CrossbarCircuit circuit, CrossbarSolveOptions options = {});
    ~CrossbarSolver();
    CrossbarSolver(const CrossbarSolver&) = delete;
    CrossbarSolver& operator=(const CrossbarSolver&) = delete;
    CrossbarSolver(CrossbarSolver&&) noexcept;
    CrossbarSolver& operator=(CrossbarSolver&&) noexcept;

    // Solves with the circuit's own drive.
    [[nodiscard]] CrossbarSolution solve();
    // Solves with new pad voltages; the same pads must be driven (InputError otherwise).
    [[nodiscard]] CrossbarSolution solve(const std::vector<std::optional<double>>& row_voltages,
                                         const std::vector<std::optional<double>>& col_voltages);

    [[nodiscard]] const CrossbarCircuit& circuit() const;
    // Number of unknown node voltages.
    [[nodiscard]] std::size_t unknowns() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One-shot convenience: CrossbarSolver(circuit, options).solve().
[[nodiscard]] CrossbarSolution solve_crossbar(const CrossbarCircuit& circuit,
                                              const CrossbarSolveOptions& options = {});

// The device law above: current (A) through a device with P conductance g_p and zero-bias TMR
// tmr0 at bias v, and its differential conductance dI/dV (S).
[[nodiscard]] double crossbar_device_current(double g_p, double tmr0, double v_h, double v);
[[nodiscard]] double crossbar_device_slope(double g_p, double tmr0, double v_h, double v);

} // namespace spincim::solvers
