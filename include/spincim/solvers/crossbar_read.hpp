#pragma once
// Port-to-port measurements on a passive crossbar with the native solver (seed 003: Goodwill et
// al., Phys. Rev. Applied 18, 014039 (2022), Sec. II.B and Appendix B).
//
// Serial read (Sec. II.B): "applying a voltage (V_read) of 0.2 V on the target row with all other
// connections grounded and measuring the current on the target column". Every column is grounded
// in that configuration, so one solve with row i driven gives the port-to-port conductances
// g_ij = I_col_j / V_read of the whole row i: the M x N map costs M solves.
//
// Superposition check (Appendix B, Eq. (B1)): for random binary input vectors x (rows with x_i = 1
// at V_apply, the others grounded, all columns grounded) the "parallel" column currents I_j,p are
// compared with the sum of serial reads, sum_i x_i g_ij(0.2 V) V_apply:
//   relative RMS deviation = sqrt(sum_j (I_j,p - sum_i x_i g_ij V_apply)^2)
//                            / sqrt(sum_j (sum_i x_i g_ij V_apply)^2).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "spincim/solvers/crossbar_solver.hpp"

namespace spincim::solvers {

// Port-to-port conductance map (S, row-major rows x cols) of the circuit's devices and lines; the
// circuit's own drive is ignored (every pad is driven). InputError for v_read <= 0.
[[nodiscard]] std::vector<double> read_conductance_map(const CrossbarCircuit& circuit,
                                                       double v_read = 0.2,
                                                       const CrossbarSolveOptions& options = {});

struct SuperpositionPoint {
    double v_apply = 0.0;        // V
    double mean_deviation = 0.0; // mean of Eq. (B1) over the input vectors
    double max_deviation = 0.0;  // largest Eq. (B1) value
    std::size_t vectors = 0;     // input vectors used (all-zero vectors are skipped)
};

// `n_vectors` input vectors of size rows, x_i = 0 or 1 with probability 1/2 each, drawn from
// RandomStream(seed, v, "superposition") for vector v; g_serial is the map read at v_read.
[[nodiscard]] std::vector<SuperpositionPoint>
superposition_check(const CrossbarCircuit& circuit, const std::vector<double>& g_serial,
                    const std::vector<double>& v_apply, std::size_t n_vectors, std::uint64_t seed,
                    const CrossbarSolveOptions& options = {});

} // namespace spincim::solvers
