#pragma once
// Programming a weight solution into a passive MTJ crossbar and reading it back (seed 003:
// Goodwill et al., Phys. Rev. Applied 18, 014039 (2022), Sec. II.C, Fig. 3(c)): "clear" (all
// devices off), "write" (the devices of the solution that must be on), "read" (serial
// port-to-port reads at V_read with every other line grounded). The read is done with the native
// solver on the generated array (devices after variation, line and contact resistances).

#include <vector>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/solvers/crossbar_solver.hpp"

namespace spincim::cosim {

// The array `base` (its size, devices, variation, lines; its states and drives are ignored)
// programmed to `target_on` (row-major, true = on/P): every device is cleared to off and the
// targets are written on, except those listed in `write_failed` (same size or empty), which stay
// off (a write error, seed 003 Sec. II.B). Returns the solver circuit of the programmed array.
[[nodiscard]] solvers::CrossbarCircuit programmed_array(const circuits::CrossbarSpec& base,
                                                        const std::vector<bool>& target_on,
                                                        const std::vector<bool>& write_failed = {});

// Serial read of the programmed array: port-to-port conductances (S, row-major) at v_read.
[[nodiscard]] std::vector<double> read_programmed(const circuits::CrossbarSpec& base,
                                                  const std::vector<bool>& target_on, double v_read,
                                                  const std::vector<bool>& write_failed = {});

} // namespace spincim::cosim
