#pragma once
// The native solver's view of a generated crossbar: the same devices (after variation), line and
// contact resistances and drive as circuits::crossbar() writes into the netlist. The circuits and
// network layers do not depend on each other (ARCHITECTURE.md), so the program layer, which
// uses both, joins them here. Header-only: benchmarks and tests use it without linking the layer.

#include <cstddef>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/solvers/crossbar_solver.hpp"

namespace spincim::cosim {

// P devices get tmr0 = 0 (bias-independent g_on); AP devices their drawn tmr0, so that the
// solver's law g_p / (1 + TMR(V)) matches models/mtj_stt.sub in either state (seed 003 Eq. (1)).
inline solvers::CrossbarCircuit to_circuit(const circuits::CrossbarSpec& spec) {
    const circuits::CrossbarDevices dev = circuits::crossbar_devices(spec);
    solvers::CrossbarCircuit c;
    c.rows = spec.rows;
    c.cols = spec.cols;
    const std::size_t n = spec.rows * spec.cols;
    c.g_parallel.resize(n);
    c.tmr0.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        c.g_parallel[k] = dev.g_on(k);
        c.tmr0[k] = dev.states[k] == models::MtjState::antiparallel ? dev.tmr0[k] : 0.0;
    }
    c.v_h = dev.v_h;
    c.bias_dependent = spec.model == circuits::CrossbarDeviceModel::mtj;
    c.r_row_segment = spec.r_row_segment;
    c.r_col_segment = spec.r_col_segment;
    c.r_row_contact = spec.r_row_contact;
    c.r_col_contact = spec.r_col_contact;
    c.row_voltages = spec.row_voltages;
    c.col_voltages = spec.col_voltages;
    return c;
}

} // namespace spincim::cosim
