#pragma once
// Small reference circuits with closed-form answers. They are the placeholder demo and the
// circuits the test suite holds ngspice (and spincim's plumbing) against.

#include "spincim/netlist/netlist.hpp"

namespace spincim::circuits {

// A first-order RC low-pass driven by a voltage step: source `vin` (node `in`), resistor `r`
// from `in` to `out`, capacitor `c` from `out` to ground. The step rises from 0 to `v_step`
// linearly between `t_delay` and `t_delay + t_rise`. For t_rise ≪ RC the output is
// v_out(t) = v_step·(1 − exp(−(t − t_delay)/RC)) (any circuits text, e.g. Sedra/Smith ch. 1).
// Probes: `v_in`, `v_out`, `i_vin` (branch current of the source).
struct RcStepSpec {
    double r = 1e3;
    double c = 1e-9;
    double v_step = 1.0;
    double t_delay = 0.0;
    double t_rise = 1e-12;
};
[[nodiscard]] netlist::Netlist rc_step(const RcStepSpec& spec);

// A resistive divider: source `vin` (node `in`, DC `v_in`), `r_top` from `in` to `out`,
// `r_bottom` from `out` to ground; v_out = v_in·r_bottom/(r_top + r_bottom).
// Probes: `v_in`, `v_out`, `i_vin`.
struct DividerSpec {
    double v_in = 1.0;
    double r_top = 1e3;
    double r_bottom = 1e3;
};
[[nodiscard]] netlist::Netlist divider(const DividerSpec& spec);

} // namespace spincim::circuits
