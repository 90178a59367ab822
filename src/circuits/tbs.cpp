#include "spincim/circuits/tbs.hpp"

#include <cmath>
#include <limits>
#include <variant>

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
constexpr detail::SpecCheck check{"tbs"};

// A step from `low` to `high` at t_on (rise t_edge), back at t_off: one PULSE period longer than
// any transient spincim runs.
netlist::Pulse step(double low, double high, double t_on, double t_off, double t_edge) {
    return netlist::Pulse{.initial = low,
                          .pulsed = high,
                          .delay = t_on,
                          .rise = t_edge,
                          .fall = t_edge,
                          .width = t_off - t_on - t_edge,
                          .period = 1.0};
}

constexpr double kForever = 0.5; // s: "until the end of any transient"

} // namespace

void check_tbs_spec(const TbsSpec& spec) {
    static_cast<void>(models::cmos_card(spec.cmos));
    check.range("st_width_factor", spec.st_width_factor, 1.0, 1e3);
    check.range("st_length_factor", spec.st_length_factor, 1.0, 1e2);
    check.range("load_width_factor", spec.load_width_factor, 1.0, 1e3);
    check.range("load_length_factor", spec.load_length_factor, 1.0, 1e2);
    check.range("st_multiplicity", spec.st_multiplicity, 1, 1000);
    check.range("load_multiplicity", spec.load_multiplicity, 1, 1000);
    check.range("logic_width_factor", spec.logic_width_factor, 1.0, 1e3);
    check.range("sharpen_width_factor", spec.sharpen_width_factor, 1.0, 1e3);
    check.range("sharpen_length_factor", spec.sharpen_length_factor, 1.0, 1e2);
    check.range("switch_width_factor", spec.switch_width_factor, 1.0, 1e3);
    check.range("switch_length_factor", spec.switch_length_factor, 1.0, 1e2);
    if (spec.delay_stages < 1 || spec.delay_stages > 400) {
        check.fail("delay_stages", "must be in [1, 400], got " + std::to_string(spec.delay_stages));
    }
    check.range("delay_stage_load", spec.delay_stage_load, 0.0, 1e-11);
    if (spec.trim_bits > 12) {
        check.fail("trim_bits", "must be in [0, 12], got " + std::to_string(spec.trim_bits));
    }
    if (spec.trim_bits > 0) {
        check.range("trim_unit_cap", spec.trim_unit_cap, 1e-18, 1e-12);
    }
    if (spec.trim_code >= (std::uint32_t{1} << spec.trim_bits)) {
        check.fail("trim_code", "must be below 2^trim_bits = " +
                                    std::to_string(std::uint32_t{1} << spec.trim_bits) + ", got " +
                                    std::to_string(spec.trim_code));
    }
    check.range("t_edge", spec.t_edge, 1e-13, 1e-8);
    check.range("t_start", spec.t_start, 2.0 * spec.t_edge, 1e-3);
    if (spec.t_eval != 0.0) {
        check.range("t_eval", spec.t_eval, 10.0 * spec.t_edge, 1e-3);
    }
}

double tbs_threshold(const TbsSpec& spec) {
    return 0.5 * models::cmos_card(spec.cmos).vdd;
}

void add_tbs(netlist::Netlist& net, const TbsSpec& spec, const Node& input) {
    check_tbs_spec(spec);
    const models::CmosCard card = models::cmos_card(spec.cmos);
    const Node gnd = Node::ground();
    net.add_include(models::models_dir(), card.file);

    net.add(netlist::VoltageSource{.name = "sa_vdd", .pos = "sa_vdd", .neg = gnd, .dc = card.vdd});
    // The reference delay line has its own supply: in an array one line serves every row.
    net.add(
        netlist::VoltageSource{.name = "sa_vref", .pos = "sa_vref", .neg = gnd, .dc = card.vdd});
    net.add(netlist::VoltageSource{
        .name = "sa_start",
        .pos = "sa_start",
        .neg = gnd,
        .waveform = step(0.0, card.vdd, spec.t_start,
                         spec.t_eval > 0.0 ? spec.t_start + spec.t_eval : kForever, spec.t_edge)});

    const CmosCell logic{.cmos = spec.cmos,
                         .wn = spec.logic_width_factor * card.w_min,
                         .wp = 2.0 * spec.logic_width_factor * card.w_min,
                         .l = card.l_min};

    // Current-starved inverter (seed 001 Fig. 6(a)). While start is low the PMOS holds LOAD at
    // VDD; when start rises LOAD discharges through M_ST, whose gate is the sensed voltage:
    // I_starving grows with V_SL and the delay C_LOAD (VDD/2) / I_starving falls.
    net.add(netlist::Mosfet{.name = "sa_pre",
                            .drain = "sa_load",
                            .gate = "sa_start",
                            .source = "sa_vdd",
                            .bulk = "sa_vdd",
                            .model = card.pmos_model,
                            .width = logic.wp,
                            .length = logic.l});
    // The starving device sits at the foot of the stack, source grounded, as in the classic
    // current-starved inverter (the current-limiting devices at the rails, the switching devices
    // inside): its gate is the sensed node, which is floating when it is the booster's output
    // (seed 001 Fig. 9), and a grounded source keeps the start edge from coupling into it through
    // C_gs; its drain sa_mid, held near LOAD by the switch but clipped at ~VDD - V_th, swings far
    // less than LOAD, so the Miller coupling through C_gd is small too. (Measured with the 2-stage
    // booster and a 96-finger M_ST: with M_ST above the switch the boosted input fell from 0.24 V
    // to 0.07 V at the start edge and D_in never switched.)
    net.add(netlist::Mosfet{.name = "sa_en",
                            .drain = "sa_load",
                            .gate = "sa_start",
                            .source = "sa_mid",
                            .bulk = gnd,
                            .model = card.nmos_model,
                            .width = spec.switch_width_factor * card.w_min,
                            .length = spec.switch_length_factor * card.l_min});
    net.add(netlist::Mosfet{.name = "sa_st",
                            .drain = "sa_mid",
                            .gate = input,
                            .source = gnd,
                            .bulk = gnd,
                            .model = card.nmos_model,
                            .width = spec.st_width_factor * card.w_min,
                            .length = spec.st_length_factor * card.l_min,
                            .multiplier = static_cast<double>(spec.st_multiplicity)});
    // M_LOAD: NMOS gate capacitor (drain, source and bulk grounded) on LOAD.
    net.add(netlist::Mosfet{.name = "sa_ld",
                            .drain = gnd,
                            .gate = "sa_load",
                            .source = gnd,
                            .bulk = gnd,
                            .model = card.nmos_model,
                            .width = spec.load_width_factor * card.w_min,
                            .length = spec.load_length_factor * card.l_min,
                            .multiplier = static_cast<double>(spec.load_multiplicity)});
    // Sharpening inverter: D_in rises when LOAD falls through the inverter's threshold.
    const CmosCell sharpen{.cmos = spec.cmos,
                           .wn = spec.sharpen_width_factor * card.w_min,
                           .wp = 2.0 * spec.sharpen_width_factor * card.w_min,
                           .l = spec.sharpen_length_factor * card.l_min};
    add_inverter(net, "sa_sh", "sa_load", "sa_din", "sa_vdd", sharpen);

    // Delay line: non-inverting stages (inverter, stage load, inverter) from the start edge.
    Node previous = "sa_start";
    for (std::size_t k = 1; k <= spec.delay_stages; ++k) {
        const Node inner = indexed("sa_dx", k);
        const Node tap = indexed("sa_tap", k);
        add_inverter(net, indexed("sa_da", k), previous, inner, "sa_vref", logic);
        if (spec.delay_stage_load > 0.0) {
            net.add(netlist::Capacitor{.name = indexed("sa_dl", k),
                                       .pos = inner,
                                       .neg = gnd,
                                       .capacitance = spec.delay_stage_load});
        }
        add_inverter(net, indexed("sa_db", k), inner, tap, "sa_vref", logic);
        net.add_probe(indexed("v_sa_tap", k), Probe::voltage(tap));
        previous = tap;
    }
    // Fine-trim stage: the same inverter pair with a binary-weighted capacitor bank on its inner
    // node (see TbsSpec::trim_bits); its delay grows linearly with the selected capacitance.
    if (spec.trim_bits > 0) {
        add_inverter(net, "sa_dta", previous, "sa_dtx", "sa_vref", logic);
        for (std::size_t b = 0; b < spec.trim_bits; ++b) {
            if ((spec.trim_code >> b) & 1U) {
                net.add(
                    netlist::Capacitor{.name = indexed("sa_dtc", b),
                                       .pos = "sa_dtx",
                                       .neg = gnd,
                                       .capacitance = spec.trim_unit_cap *
                                                      static_cast<double>(std::uint32_t{1} << b)});
            }
        }
        add_inverter(net, "sa_dtb", "sa_dtx", "sa_trim", "sa_vref", logic);
        net.add_probe("v_sa_trim", Probe::voltage("sa_trim"));
        previous = "sa_trim";
    }
    const Node ref = previous;

    // D latch: transparent while REF is low (input gate on), holding from REF's rising edge
    // (feedback gate on). Q = D_in at T_REF.
    add_inverter(net, "sa_ck", ref, "sa_refb", "sa_vdd", logic);
    add_transmission_gate(net, "sa_ti", "sa_din", "sa_m", "sa_refb", ref, "sa_vdd", logic);
    add_inverter(net, "sa_i1", "sa_m", "sa_qb", "sa_vdd", logic);
    add_inverter(net, "sa_i2", "sa_qb", "sa_q", "sa_vdd", logic);
    add_transmission_gate(net, "sa_tf", "sa_q", "sa_m", ref, "sa_refb", "sa_vdd", logic);

    net.add_probe("v_sa_in", Probe::voltage(input));
    net.add_probe("v_sa_start", Probe::voltage("sa_start"));
    net.add_probe("v_sa_load", Probe::voltage("sa_load"));
    net.add_probe("v_sa_din", Probe::voltage("sa_din"));
    net.add_probe("v_sa_ref", Probe::voltage(ref));
    net.add_probe("v_sa_q", Probe::voltage("sa_q"));
    net.add_probe("v_sa_vdd", Probe::voltage("sa_vdd"));
    net.add_probe("i_sa_vdd", Probe::current("sa_vdd"));
    net.add_probe("i_sa_start", Probe::current("sa_start"));
    net.add_probe("v_sa_vref", Probe::voltage("sa_vref"));
    net.add_probe("i_sa_vref", Probe::current("sa_vref"));
}

netlist::Netlist tbs_testbench(const TbsSpec& spec, double v_in, double t_stop) {
    check.range("v_in", v_in, 0.0, 2.0);
    check.range("t_stop", t_stop, spec.t_start + 10.0 * spec.t_edge, 1e-3);
    netlist::Netlist net("spincim time-based sense amplifier test bench");
    net.add(netlist::VoltageSource{.name = "vsl", .pos = "sl", .neg = Node::ground(), .dc = v_in});
    add_tbs(net, spec, "sl");
    net.save_probes();
    net.add_analysis(
        netlist::TranAnalysis{.step = spec.t_edge, .stop = t_stop, .max_step = 2.0 * spec.t_edge});
    return net;
}

double sense_row_stop(const SenseRowSpec& spec) {
    return spec.t_stop > 0.0 ? spec.t_stop : spec.tbs.t_start + 25e-9;
}

namespace {

void check_sense_row(const SenseRowSpec& spec) {
    check_tbs_spec(spec.tbs);
    check.range("c_bl", spec.c_bl, 0.0, 1e-11);
    check.range("t_edge", spec.t_edge, 1e-13, 1e-8);
    check.range("t_pre", spec.t_pre, 0.0, 1e-3);
    check.range("t_wl", spec.t_wl, spec.t_pre + 2.0 * spec.t_edge, 1e-3);
    check.range("tbs.t_start", spec.tbs.t_start, spec.t_wl + 2.0 * spec.t_edge, 1e-3);
    if (spec.t_wl_off) {
        check.range("t_wl_off", *spec.t_wl_off, spec.t_wl + 2.0 * spec.t_edge, 1e-3);
    }
    if (spec.array_rows < 1 || spec.array_rows > 100000) {
        check.fail("array_rows", "must be in [1, 100000], got " + std::to_string(spec.array_rows));
    }
    check.range("wl_driver_width_factor", spec.wl_driver_width_factor, 4.0, 1e4);
    check.range("t_stop", sense_row_stop(spec), spec.tbs.t_start + 10.0 * spec.tbs.t_edge, 1e-3);
    if (spec.booster) {
        check_booster_spec(*spec.booster);
        check.range("booster.t_sample", spec.booster->t_sample, 0.0, spec.tbs.t_start);
        check.range("booster.t_boost", spec.booster->t_boost, spec.t_wl, spec.tbs.t_start);
    }
}

} // namespace

netlist::Netlist sense_row(const SenseRowSpec& spec) {
    check_sense_row(spec);
    XnorRowSpec row_spec = spec.row;
    row_spec.add_op = false;
    const netlist::Netlist row = xnor_row(row_spec);
    if (row.find("vbl") == nullptr) {
        check.fail("row.driver",
                   "must be transmission_gate (the energy split needs the V_BL rail)");
    }
    const models::CmosCard card = models::cmos_card(spec.row.cmos);
    const std::size_t n = spec.row.weights.size();
    const Node gnd = Node::ground();

    netlist::Netlist net("spincim STT-BNN row read with time-based sensing N=" + std::to_string(n) +
                         (spec.booster ? " boosted" : "") + " (seed 001 Fig. 6 and 9)");
    for (const auto& file : row.includes()) {
        net.add_include(models::models_dir(), file);
    }
    // The row's elements, except its DC wordline and V_BL sources, which become the WL buffer
    // and the precharge rail below.
    for (const auto& element : row.elements()) {
        if (std::holds_alternative<netlist::VoltageSource>(element)) {
            const auto& name = netlist::name_of(element);
            if (name == "wl" || name == "vbl") {
                continue;
            }
        }
        net.add(element);
    }
    for (const auto& [name, probe] : row.probes()) {
        net.add_probe(name, probe);
    }

    // Bitline precharge rail: 0 -> V_BL at t_pre, held.
    net.add(netlist::VoltageSource{
        .name = "vbl",
        .pos = "vbl",
        .neg = gnd,
        .waveform = step(0.0, spec.row.v_bl, spec.t_pre, kForever, spec.t_edge)});
    for (std::size_t j = 0; j < n; ++j) {
        for (const char* side : {"bl0", "bl1"}) {
            const std::string bl = indexed(side, j);
            if (spec.c_bl > 0.0) {
                net.add(netlist::Capacitor{
                    .name = "c" + bl, .pos = bl, .neg = gnd, .capacitance = spec.c_bl});
            }
        }
    }

    // Wordline: two-stage buffer on the V_WL rail (seed 001 Sec. III: "each wordline is driven by
    // a 2-stage buffer"), input pulse at V_WL.
    const double t_wl_off = spec.t_wl_off.value_or(kForever);
    net.add(netlist::VoltageSource{.name = "vwl", .pos = "vwl", .neg = gnd, .dc = spec.row.v_wl});
    net.add(netlist::VoltageSource{.name = "wl_in",
                                   .pos = "wl_in",
                                   .neg = gnd,
                                   .waveform =
                                       step(0.0, spec.row.v_wl, spec.t_wl, t_wl_off, spec.t_edge)});
    const double w2 = spec.wl_driver_width_factor * card.w_min;
    const CmosCell stage1{.cmos = spec.row.cmos, .wn = w2 / 4.0, .wp = w2 / 2.0, .l = card.l_min};
    const CmosCell stage2{.cmos = spec.row.cmos, .wn = w2, .wp = 2.0 * w2, .l = card.l_min};
    add_inverter(net, "wlb1", "wl_in", "wl_mid", "vwl", stage1);
    add_inverter(net, "wlb2", "wl_mid", "wl", "vwl", stage2);
    net.add_probe("v_vwl", Probe::voltage("vwl"));
    net.add_probe("i_vwl", Probe::current("vwl"));
    net.add_probe("v_wl_in", Probe::voltage("wl_in"));
    net.add_probe("i_wl_in", Probe::current("wl_in"));

    Node sensed = "sl";
    if (spec.booster) {
        add_booster(net, *spec.booster, "sl", "bst_out");
        sensed = "bst_out";
    }
    add_tbs(net, spec.tbs, sensed);

    net.save_probes();
    net.add_analysis(netlist::TranAnalysis{
        .step = spec.t_edge, .stop = sense_row_stop(spec), .max_step = 2.0 * spec.t_edge});
    return net;
}

std::vector<SupplyTerm> sense_row_supplies(const SenseRowSpec& spec) {
    const double t_end = sense_row_stop(spec);
    const double shared = 1.0 / static_cast<double>(spec.array_rows);
    std::vector<SupplyTerm> out{
        {"E_pre", "v_bl", "i_vbl", 0.0, spec.t_wl, shared},
        {"E_BL", "v_bl", "i_vbl", spec.t_wl, t_end},
        {"E_WL", "v_vwl", "i_vwl", 0.0, t_end},
        {"E_WL", "v_wl_in", "i_wl_in", 0.0, t_end},
        {"E_SA", "v_sa_vdd", "i_sa_vdd", 0.0, t_end},
        {"E_SA", "v_sa_start", "i_sa_start", 0.0, t_end},
        {"E_REF", "v_sa_vref", "i_sa_vref", 0.0, t_end, shared},
    };
    if (spec.booster) {
        out.push_back({"E_boost", "v_bst_phi1", "i_bst_phi1", 0.0, t_end});
        out.push_back({"E_boost", "v_bst_phi2", "i_bst_phi2", 0.0, t_end});
        if (spec.booster->sw == BoosterSwitch::transmission_gate) {
            out.push_back({"E_boost", "v_bst_phi1b", "i_bst_phi1b", 0.0, t_end});
            out.push_back({"E_boost", "v_bst_phi2b", "i_bst_phi2b", 0.0, t_end});
        }
    }
    return out;
}

std::size_t pick_delay_stages(std::span<const double> tap_delays, double target) {
    if (tap_delays.empty()) {
        check.fail("tap_delays", "must hold the delay of at least one stage");
    }
    if (!std::isfinite(target)) {
        check.fail("target", "must be a finite time");
    }
    std::size_t best = 0;
    double best_error = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < tap_delays.size(); ++k) {
        const double d = tap_delays[k];
        if (!std::isfinite(d) || (k > 0 && !(d > tap_delays[k - 1]))) {
            check.fail("tap_delays[" + std::to_string(k) + "]",
                       "must be finite and larger than the previous tap's delay, got " +
                           units::to_eng(d));
        }
        if (std::abs(d - target) < best_error) {
            best_error = std::abs(d - target);
            best = k;
        }
    }
    return best + 1;
}

double midpoint_reference(double t_sw_above, double t_sw_below) {
    if (!std::isfinite(t_sw_above) || !std::isfinite(t_sw_below)) {
        check.fail("t_sw", "must be finite times");
    }
    return 0.5 * (t_sw_above + t_sw_below);
}

} // namespace spincim::circuits
