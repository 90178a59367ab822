#include "spincim/circuits/booster.hpp"

#include <cmath>

#include "spincim/circuits/spec_check.hpp"
#include "spincim/core/error.hpp"
#include "spincim/models/cmos.hpp"
#include "spincim/models/mtj.hpp"
#include "spincim/units/units.hpp"

namespace spincim::circuits {

using netlist::Node;
using netlist::Probe;

namespace {

using detail::indexed;
constexpr detail::SpecCheck check{"booster"};

// A clock that is high (at `level`) from t_on to t_off: one trapezoid of a PULSE source whose
// period is longer than any transient spincim runs.
netlist::Pulse window(double level, double t_on, double t_off, double t_edge) {
    return netlist::Pulse{.initial = 0.0,
                          .pulsed = level,
                          .delay = t_on,
                          .rise = t_edge,
                          .fall = t_edge,
                          .width = t_off - t_on - t_edge,
                          .period = 1.0};
}

netlist::Pulse window_inverted(double level, double t_on, double t_off, double t_edge) {
    return netlist::Pulse{.initial = level,
                          .pulsed = 0.0,
                          .delay = t_on,
                          .rise = t_edge,
                          .fall = t_edge,
                          .width = t_off - t_on - t_edge,
                          .period = 1.0};
}

} // namespace

void add_inverter(netlist::Netlist& net, const std::string& name, const Node& in, const Node& out,
                  const Node& supply, const CmosCell& cell) {
    const models::CmosCard card = models::cmos_card(cell.cmos);
    net.add(netlist::Mosfet{.name = name + "n",
                            .drain = out,
                            .gate = in,
                            .source = Node::ground(),
                            .bulk = Node::ground(),
                            .model = card.nmos_model,
                            .width = cell.wn,
                            .length = cell.l});
    net.add(netlist::Mosfet{.name = name + "p",
                            .drain = out,
                            .gate = in,
                            .source = supply,
                            .bulk = supply,
                            .model = card.pmos_model,
                            .width = cell.wp,
                            .length = cell.l});
}

void add_transmission_gate(netlist::Netlist& net, const std::string& name, const Node& a,
                           const Node& b, const Node& on, const Node& on_b, const Node& supply,
                           const CmosCell& cell) {
    const models::CmosCard card = models::cmos_card(cell.cmos);
    net.add(netlist::Mosfet{.name = name + "n",
                            .drain = a,
                            .gate = on,
                            .source = b,
                            .bulk = Node::ground(),
                            .model = card.nmos_model,
                            .width = cell.wn,
                            .length = cell.l});
    net.add(netlist::Mosfet{.name = name + "p",
                            .drain = a,
                            .gate = on_b,
                            .source = b,
                            .bulk = supply,
                            .model = card.pmos_model,
                            .width = cell.wp,
                            .length = cell.l});
}

void check_booster_spec(const BoosterSpec& spec) {
    if (spec.stages < 1 || spec.stages > 8) {
        check.fail("stages", "must be in [1, 8], got " + std::to_string(spec.stages));
    }
    check.range("c_boost", spec.c_boost, 1e-16, 1e-10);
    check.range("switch_width_factor", spec.switch_width_factor, 1.0, 1e3);
    check.range("ideal_r_on", spec.ideal_r_on, 1e-3, 1e6);
    check.range("t_edge", spec.t_edge, 1e-13, 1e-8);
    check.range("t_gap", spec.t_gap, spec.t_edge, 1e-6);
    check.range("t_sample", spec.t_sample, 0.0, 1e-3);
    check.range("t_boost", spec.t_boost, spec.t_sample + spec.t_gap + 3.0 * spec.t_edge, 1e-3);
    static_cast<void>(models::cmos_card(spec.cmos));
}

void add_booster(netlist::Netlist& net, const BoosterSpec& spec, const Node& input,
                 const Node& output) {
    check_booster_spec(spec);
    const models::CmosCard card = models::cmos_card(spec.cmos);
    const Node gnd = Node::ground();
    const bool ideal = spec.sw == BoosterSwitch::ideal;

    // Clocks at the card's VDD. phi1 (sample) is high from t_sample until t_gap before t_boost;
    // phi2 (boost) from t_boost to the end of the transient.
    const double t_phi1_off = spec.t_boost - spec.t_gap;
    const double t_end = 0.5; // phi2 stays high for any transient spincim runs
    net.add(netlist::VoltageSource{.name = "bst_phi1",
                                   .pos = "bst_phi1",
                                   .neg = gnd,
                                   .waveform =
                                       window(card.vdd, spec.t_sample, t_phi1_off, spec.t_edge)});
    net.add(netlist::VoltageSource{.name = "bst_phi2",
                                   .pos = "bst_phi2",
                                   .neg = gnd,
                                   .waveform = window(card.vdd, spec.t_boost, t_end, spec.t_edge)});
    if (!ideal) {
        net.add_include(models::models_dir(), card.file);
        net.add(netlist::VoltageSource{
            .name = "bst_phi1b",
            .pos = "bst_phi1b",
            .neg = gnd,
            .waveform = window_inverted(card.vdd, spec.t_sample, t_phi1_off, spec.t_edge)});
        net.add(netlist::VoltageSource{
            .name = "bst_phi2b",
            .pos = "bst_phi2b",
            .neg = gnd,
            .waveform = window_inverted(card.vdd, spec.t_boost, t_end, spec.t_edge)});
        net.add(netlist::VoltageSource{
            .name = "bst_vdd", .pos = "bst_vdd", .neg = gnd, .dc = card.vdd});
    } else {
        // Voltage-controlled switch (ngspice manual 3.2.14): on above vt + vh, off below vt - vh.
        net.add_model(netlist::ModelCard{.name = "bst_sw",
                                         .type = "sw",
                                         .params = {{"vt", 0.5 * card.vdd},
                                                    {"vh", 0.1 * card.vdd},
                                                    {"ron", spec.ideal_r_on},
                                                    {"roff", 1e12}}});
    }
    const CmosCell cell{.cmos = spec.cmos,
                        .wn = spec.switch_width_factor * card.w_min,
                        .wp = spec.switch_width_factor * card.w_min,
                        .l = card.l_min};
    const auto sw = [&](const std::string& name, const Node& a, const Node& b, const char* phase) {
        const std::string on = std::string("bst_") + phase;
        if (ideal) {
            net.add(netlist::Switch{.name = name,
                                    .pos = a,
                                    .neg = b,
                                    .ctrl_pos = on,
                                    .ctrl_neg = gnd,
                                    .model = "bst_sw"});
        } else {
            add_transmission_gate(net, name, a, b, on, on + "b", "bst_vdd", cell);
        }
    };

    for (std::size_t k = 1; k <= spec.stages; ++k) {
        const Node top = k == spec.stages ? output : Node(indexed("bst_top", k));
        const Node bot = indexed("bst_bot", k);
        net.add(netlist::Capacitor{
            .name = indexed("bst", k), .pos = top, .neg = bot, .capacitance = spec.c_boost});
        // Phase 1: both plates to the sampling levels.
        sw(indexed("bst_st", k), input, top, "phi1");
        sw(indexed("bst_sb", k), bot, gnd, "phi1");
        // Phase 2: the bottom plate rides on the input (k = 1) or on the previous top plate.
        const Node below = k == 1 ? input : Node(indexed("bst_top", k - 1));
        sw(indexed("bst_ss", k), bot, below, "phi2");
        net.add_probe(indexed("v_bst_top", k), Probe::voltage(top));
    }
    net.add_probe("v_bst_in", Probe::voltage(input));
    net.add_probe("v_bst_out", Probe::voltage(output));
    net.add_probe("v_bst_phi1", Probe::voltage("bst_phi1"));
    net.add_probe("v_bst_phi2", Probe::voltage("bst_phi2"));
    net.add_probe("i_bst_phi1", Probe::current("bst_phi1"));
    net.add_probe("i_bst_phi2", Probe::current("bst_phi2"));
    if (!ideal) {
        net.add_probe("v_bst_phi1b", Probe::voltage("bst_phi1b"));
        net.add_probe("v_bst_phi2b", Probe::voltage("bst_phi2b"));
        net.add_probe("i_bst_phi1b", Probe::current("bst_phi1b"));
        net.add_probe("i_bst_phi2b", Probe::current("bst_phi2b"));
        net.add_probe("i_bst_vdd", Probe::current("bst_vdd"));
    }
}

netlist::Netlist booster_testbench(const BoosterSpec& spec, double v_in, double c_load,
                                   double t_stop) {
    check.range("v_in", v_in, -2.0, 2.0);
    check.range("c_load", c_load, 0.0, 1e-9);
    check.range("t_stop", t_stop, spec.t_boost + 10.0 * spec.t_edge, 1e-3);
    netlist::Netlist net("spincim SL booster test bench n=" + std::to_string(spec.stages));
    net.add(
        netlist::VoltageSource{.name = "vin", .pos = "bst_in", .neg = Node::ground(), .dc = v_in});
    add_booster(net, spec, "bst_in", "bst_out");
    if (c_load > 0.0) {
        net.add(netlist::Capacitor{
            .name = "load", .pos = "bst_out", .neg = Node::ground(), .capacitance = c_load});
    }
    net.save_probes();
    net.add_analysis(
        netlist::TranAnalysis{.step = spec.t_edge / 2.0, .stop = t_stop, .max_step = spec.t_edge});
    return net;
}

double booster_gain_estimate(std::size_t stages, double c_boost, double c_load) {
    if (stages == 0) {
        check.fail("stages", "must be at least 1");
    }
    if (!(c_boost > 0) || !std::isfinite(c_boost) || !(c_load >= 0) || !std::isfinite(c_load)) {
        check.fail("c_boost/c_load", "must be finite, c_boost > 0 and c_load >= 0");
    }
    const auto n = static_cast<double>(stages);
    return 1.0 + n * c_boost / (c_boost + n * c_load);
}

} // namespace spincim::circuits
