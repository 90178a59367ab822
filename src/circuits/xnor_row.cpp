#include "spincim/circuits/xnor_row.hpp"

#include <cmath>
#include <numeric>
#include <utility>

#include "spincim/circuits/spec_check.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/models/cmos.hpp"
#include "spincim/units/units.hpp"

namespace spincim::circuits {

using netlist::InstanceParam;
using netlist::Node;
using netlist::Probe;

namespace {

using detail::indexed;
constexpr detail::SpecCheck check{"xnor row"};

void check_pm1(const std::string& key, const std::vector<int>& v) {
    for (std::size_t j = 0; j < v.size(); ++j) {
        if (v[j] != 1 && v[j] != -1) {
            check.fail(key + "[" + std::to_string(j) + "]",
                       "must be -1 or +1, got " + std::to_string(v[j]));
        }
    }
}

void check_spec(const XnorRowSpec& s) {
    if (s.weights.empty()) {
        check.fail("weights", "must hold at least one bitcell");
    }
    if (s.inputs.size() != s.weights.size()) {
        check.fail("inputs", "must have as many entries as weights (" +
                                 std::to_string(s.weights.size()) + "), got " +
                                 std::to_string(s.inputs.size()));
    }
    check_pm1("weights", s.weights);
    check_pm1("inputs", s.inputs);
    // Read voltages: positive and below 2 V (above that the 65/45 nm oxides and the MTJ barrier
    // break down; a read is a few hundred mV).
    check.range("v_bl", s.v_bl, 1e-3, 2.0);
    check.range("v_wl", s.v_wl, 0.0, 2.0);
    check.range("access_width_factor", s.access_width_factor, 1.0, 1e3);
    check.range("access_length_factor", s.access_length_factor, 1.0, 1e2);
    check.range("driver_width_factor", s.driver_width_factor, 1.0, 1e4);
    check.range("c_sl", s.c_sl, 1e-18, 1e-9);
}

// MTJ instance parameters: the static (dyn = 0) form, every model parameter written out so each
// instance can later carry its own variability (models/mtj_stt.sub).
std::vector<InstanceParam> mtj_params(const models::MtjParams& p, models::MtjState state) {
    // Validates the parameter values (throws InputError naming the parameter).
    static_cast<void>(models::mtj_instance_params(p, state, false, 0.0));
    std::vector<InstanceParam> out;
    out.push_back({"state0", state == models::MtjState::antiparallel ? 1.0 : 0.0});
    out.push_back({"dyn", 0.0});
    out.push_back({"xsw", 0.0});
    for (const auto& [name, value] : models::mtj_param_list(p)) {
        out.push_back({name, value});
    }
    return out;
}

} // namespace

netlist::Netlist xnor_row(const XnorRowSpec& spec) {
    check_spec(spec);
    const models::CmosCard card = models::cmos_card(spec.cmos);
    const std::size_t n = spec.weights.size();
    const Node gnd = Node::ground();

    netlist::Netlist net("spincim 2T2J XNOR row N=" + std::to_string(n) + " (seed 001 STT-BNN)");
    const std::string root = models::models_dir();
    net.add_include(root, card.file);
    net.add_include(root, models::mtj_model_path());

    net.add(netlist::VoltageSource{.name = "wl", .pos = "wl", .neg = gnd, .dc = spec.v_wl});
    net.add(netlist::Capacitor{.name = "sl", .pos = "sl", .neg = gnd, .capacitance = spec.c_sl});
    const bool tg = spec.driver == BlDriver::transmission_gate;
    if (tg) {
        net.add(netlist::VoltageSource{.name = "vbl", .pos = "vbl", .neg = gnd, .dc = spec.v_bl});
        net.add(netlist::VoltageSource{.name = "vdd", .pos = "vdd", .neg = gnd, .dc = card.vdd});
    }

    const double w_acc = spec.access_width_factor * card.w_min;
    const double l_acc = spec.access_length_factor * card.l_min;
    const double w_drv = spec.driver_width_factor * card.w_min;
    const double l_drv = card.l_min;
    const std::string mtj = std::string(models::mtj_subckt_name());

    for (std::size_t j = 0; j < n; ++j) {
        const bool w_plus = spec.weights[j] == 1;
        const bool in_plus = spec.inputs[j] == 1;
        const std::string bl0 = indexed("bl0", j);
        const std::string bl1 = indexed("bl1", j);
        const std::string d0 = indexed("d0", j);
        const std::string d1 = indexed("d1", j);

        // Bitcell (seed 001 Fig. 2): MTJ_0 is P for W = +1, MTJ_1 the complement. Terminal p
        // (free layer) faces the bitline.
        const auto s0 = w_plus ? models::MtjState::parallel : models::MtjState::antiparallel;
        const auto s1 = w_plus ? models::MtjState::antiparallel : models::MtjState::parallel;
        net.add(
            netlist::SubcktInstance{indexed("mtj0", j), {bl0, d0}, mtj, mtj_params(spec.mtj, s0)});
        net.add(
            netlist::SubcktInstance{indexed("mtj1", j), {bl1, d1}, mtj, mtj_params(spec.mtj, s1)});
        // The two access transistors of the cell, gated by the wordline, onto the source line.
        for (const auto& [name, drain] : {std::pair{"acc0", d0}, std::pair{"acc1", d1}})
            net.add(netlist::Mosfet{.name = indexed(name, j),
                                    .drain = drain,
                                    .gate = "wl",
                                    .source = "sl",
                                    .bulk = gnd,
                                    .model = card.nmos_model,
                                    .width = w_acc,
                                    .length = l_acc});

        // Bitline pair: IN = +1 -> bl0 at V_BL, bl1 at 0; IN = -1 the opposite (seed 001 Sec. II).
        if (tg) {
            const std::string in = indexed("in", j);
            const std::string inb = indexed("inb", j);
            net.add(netlist::VoltageSource{
                .name = in, .pos = in, .neg = gnd, .dc = in_plus ? card.vdd : 0.0});
            net.add(netlist::VoltageSource{
                .name = inb, .pos = inb, .neg = gnd, .dc = in_plus ? 0.0 : card.vdd});
            // Bitline k is connected to V_BL while its select signal `on` is high.
            const auto driver = [&](const std::string& k, const std::string& bl,
                                    const std::string& on, const std::string& off) {
                net.add(netlist::Mosfet{.name = "tgn" + k,
                                        .drain = "vbl",
                                        .gate = on,
                                        .source = bl,
                                        .bulk = gnd,
                                        .model = card.nmos_model,
                                        .width = w_drv,
                                        .length = l_drv});
                net.add(netlist::Mosfet{.name = "tgp" + k,
                                        .drain = "vbl",
                                        .gate = off,
                                        .source = bl,
                                        .bulk = "vdd",
                                        .model = card.pmos_model,
                                        .width = w_drv,
                                        .length = l_drv});
                net.add(netlist::Mosfet{.name = "pd" + k,
                                        .drain = bl,
                                        .gate = off,
                                        .source = gnd,
                                        .bulk = gnd,
                                        .model = card.nmos_model,
                                        .width = w_drv,
                                        .length = l_drv});
            };
            driver(indexed("0", j), bl0, in, inb);
            driver(indexed("1", j), bl1, inb, in);
        } else {
            net.add(netlist::VoltageSource{
                .name = bl0, .pos = bl0, .neg = gnd, .dc = in_plus ? spec.v_bl : 0.0});
            net.add(netlist::VoltageSource{
                .name = bl1, .pos = bl1, .neg = gnd, .dc = in_plus ? 0.0 : spec.v_bl});
        }

        net.add_probe(indexed("v_bl0", j), Probe::voltage(bl0));
        net.add_probe(indexed("v_bl1", j), Probe::voltage(bl1));
        net.add_probe(indexed("i_mtj0", j), Probe::current("sense", {indexed("mtj0", j)}));
        net.add_probe(indexed("i_mtj1", j), Probe::current("sense", {indexed("mtj1", j)}));
    }

    net.add_probe("v_sl", Probe::voltage("sl"));
    net.add_probe("v_wl", Probe::voltage("wl"));
    if (tg) {
        net.add_probe("v_bl", Probe::voltage("vbl"));
        net.add_probe("i_vbl", Probe::current("vbl"));
    }
    net.save_probes();
    if (spec.add_op) {
        net.add_analysis(netlist::OpAnalysis{});
    }
    return net;
}

std::size_t count_xnor_plus(const std::vector<int>& weights, const std::vector<int>& inputs) {
    if (weights.size() != inputs.size()) {
        check.fail("inputs", "must have as many entries as weights (" +
                                 std::to_string(weights.size()) + "), got " +
                                 std::to_string(inputs.size()));
    }
    check_pm1("weights", weights);
    check_pm1("inputs", inputs);
    std::size_t n1 = 0;
    for (std::size_t j = 0; j < weights.size(); ++j) {
        n1 += weights[j] == inputs[j] ? 1U : 0U;
    }
    return n1;
}

XnorVectors xnor_vectors_for_n1(std::size_t n, std::size_t n1, std::uint64_t seed,
                                std::uint64_t sample) {
    if (n == 0) {
        check.fail("n", "must be at least 1");
    }
    if (n1 > n) {
        check.fail("n1", "must be in [0, " + std::to_string(n) + "], got " + std::to_string(n1));
    }
    XnorVectors v;
    RandomStream wstream(seed, sample, "xnor_row.weights");
    v.weights.resize(n);
    for (auto& w : v.weights) {
        w = wstream.uniform() < 0.5 ? -1 : 1;
    }
    // Partial Fisher-Yates: the first n1 entries of `order` are a uniform random n1-subset.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    RandomStream pstream(seed, sample, "xnor_row.positions");
    for (std::size_t k = 0; k < n1; ++k) {
        const auto span = static_cast<double>(n - k);
        auto pick = k + static_cast<std::size_t>(pstream.uniform() * span);
        if (pick >= n) {
            pick = n - 1;
        }
        std::swap(order[k], order[pick]);
    }
    v.inputs.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t j = order[k];
        v.inputs[j] = k < n1 ? v.weights[j] : -v.weights[j];
    }
    return v;
}

double eq5_v_sl(std::size_t n, std::size_t n1, double v_bl, double r_p_branch, double r_ap_branch) {
    if (n == 0 || n1 > n) {
        check.fail("n1", "must be in [0, n] with n >= 1");
    }
    if (!(r_p_branch > 0) || !(r_ap_branch > 0) || !std::isfinite(r_p_branch) ||
        !std::isfinite(r_ap_branch)) {
        check.fail("branch resistance", "must be positive and finite");
    }
    // R_bitcell = (R_P + R_acc) || (R_AP + R_acc); Eq. (5) of seed 001.
    const double r_bitcell = r_p_branch * r_ap_branch / (r_p_branch + r_ap_branch);
    const double fn = static_cast<double>(n);
    const double f1 = static_cast<double>(n1) / fn;
    const double f0 = static_cast<double>(n - n1) / fn;
    return v_bl * (f0 * r_bitcell / r_ap_branch + f1 * r_bitcell / r_p_branch);
}

std::vector<std::string> xnor_mtj_current_probes(std::size_t n) {
    std::vector<std::string> out;
    out.reserve(2 * n);
    for (std::size_t j = 0; j < n; ++j) {
        out.push_back(indexed("i_mtj0", j));
        out.push_back(indexed("i_mtj1", j));
    }
    return out;
}

ReadCurrentCheck check_read_current(const std::vector<std::pair<std::string, double>>& currents,
                                    double limit) {
    if (!(limit > 0) || !std::isfinite(limit)) {
        check.fail("read current limit",
                   "must be positive and finite, got " + units::to_eng(limit));
    }
    if (currents.empty()) {
        check.fail("read currents", "must hold at least one measured MTJ current");
    }
    ReadCurrentCheck out;
    out.limit = limit;
    out.max_current = -1.0;
    for (const auto& [name, i] : currents) {
        if (!std::isfinite(i)) {
            check.fail("read current '" + name + "'", "is not a finite number");
        }
        if (std::abs(i) > out.max_current) {
            out.max_current = std::abs(i);
            out.probe = name;
        }
    }
    out.exceeds = out.max_current > limit;
    if (out.exceeds) {
        out.warning = "MTJ read current " + units::to_eng(out.max_current) + "A at '" + out.probe +
                      "' exceeds the read-disturb limit of " + units::to_eng(limit) +
                      "A (seed 001 Table I: 1e-9 unintended bitflip rate); lower V_BL or V_WL";
    }
    return out;
}

} // namespace spincim::circuits
