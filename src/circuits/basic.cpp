#include "spincim/circuits/basic.hpp"

namespace spincim::circuits {

using netlist::Node;
using netlist::Probe;

netlist::Netlist rc_step(const RcStepSpec& spec) {
    netlist::Netlist n("spincim rc step");
    // A PWL step holds its last value for the rest of the transient (ngspice manual 4.1.4).
    netlist::Pwl step;
    step.points = {{0.0, 0.0}, {spec.t_delay, 0.0}, {spec.t_delay + spec.t_rise, spec.v_step}};
    if (spec.t_delay == 0.0)
        step.points.erase(step.points.begin());
    n.add(netlist::VoltageSource{
        .name = "vin", .pos = "in", .neg = Node::ground(), .dc = 0.0, .waveform = step});
    n.add(netlist::Resistor{.name = "r", .pos = "in", .neg = "out", .resistance = spec.r});
    n.add(netlist::Capacitor{.name = "c",
                             .pos = "out",
                             .neg = Node::ground(),
                             .capacitance = spec.c,
                             .initial_voltage = {}});
    n.add_probe("v_in", Probe::voltage("in"));
    n.add_probe("v_out", Probe::voltage("out"));
    n.add_probe("i_vin", Probe::current("vin"));
    return n;
}

netlist::Netlist divider(const DividerSpec& spec) {
    netlist::Netlist n("spincim resistive divider");
    n.add(netlist::VoltageSource{
        .name = "vin", .pos = "in", .neg = Node::ground(), .dc = spec.v_in, .waveform = {}});
    n.add(netlist::Resistor{.name = "r_top", .pos = "in", .neg = "out", .resistance = spec.r_top});
    n.add(netlist::Resistor{
        .name = "r_bottom", .pos = "out", .neg = Node::ground(), .resistance = spec.r_bottom});
    n.add_probe("v_in", Probe::voltage("in"));
    n.add_probe("v_out", Probe::voltage("out"));
    n.add_probe("i_vin", Probe::current("vin"));
    return n;
}

} // namespace spincim::circuits
