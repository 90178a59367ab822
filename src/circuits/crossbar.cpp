#include "spincim/circuits/crossbar.hpp"

#include <cmath>
#include <numbers>
#include <utility>

#include "spincim/circuits/spec_check.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/units/units.hpp"

namespace spincim::circuits {

using netlist::InstanceParam;
using netlist::Node;
using netlist::Probe;

namespace {

using detail::indexed;
constexpr detail::SpecCheck check{"crossbar"};

// |V| <= 10 V: far above any MTJ read or write bias (seed 003: switching ~1.5-2.2 V).
constexpr double kMaxDrive = 10.0;

// Largest side the generator accepts. ngspice's own solver is already slow at 128 x 128
// (shared/NGSPICE.md: 131 s); larger arrays are for the native solver.
constexpr std::size_t kMaxSide = 4096;

void check_spec(const CrossbarSpec& s) {
    if (s.rows == 0 || s.cols == 0 || s.rows > kMaxSide || s.cols > kMaxSide) {
        check.fail("rows/cols", "must be in [1, " + std::to_string(kMaxSide) + "], got " +
                                    std::to_string(s.rows) + " x " + std::to_string(s.cols));
    }
    check.positive("device.diameter", s.device.diameter);
    check.positive("device.g_off", s.device.g_off);
    check.positive("device.tmr0", s.device.tmr0);
    check.positive("device.v_h", s.device.v_h);
    check.non_negative("variation.g_off_rel_sigma", s.variation.g_off_rel_sigma);
    check.non_negative("variation.tmr_rel_sigma", s.variation.tmr_rel_sigma);
    if (!s.states.empty() && s.states.size() != s.rows * s.cols) {
        check.fail("states", "must have rows*cols = " + std::to_string(s.rows * s.cols) +
                                 " entries (or none), got " + std::to_string(s.states.size()));
    }
    check.non_negative("r_row_segment", s.r_row_segment);
    check.non_negative("r_col_segment", s.r_col_segment);
    check.non_negative("r_row_contact", s.r_row_contact);
    check.non_negative("r_col_contact", s.r_col_contact);
    check.drives("row_voltages", s.row_voltages, s.rows, kMaxDrive);
    check.drives("col_voltages", s.col_voltages, s.cols, kMaxDrive);
}

std::string ij(const char* stem, std::size_t i, std::size_t j) {
    return std::string(stem) + std::to_string(i) + "_" + std::to_string(j);
}

std::string at(const char* stem, std::size_t k) {
    return std::string(stem) + std::to_string(k);
}

} // namespace

CrossbarDevice crossbar_device_preset(double diameter) {
    constexpr double d_ref = 30e-9;
    const double known[] = {30e-9, 40e-9, 50e-9, 60e-9};
    for (const double d : known) {
        if (std::abs(diameter - d) <= 0.5e-9) {
            CrossbarDevice dev;
            dev.diameter = d;
            // Seed 003 Sec. II.C-D (30 nm): g_off = 7 uS, on/off ratio 2 (TMR 100 %); the same RA
            // for every diameter gives g proportional to the junction area, (d / 30 nm)^2.
            dev.g_off = 7e-6 * (d / d_ref) * (d / d_ref);
            dev.tmr0 = 1.0;
            dev.v_h = 0.5;
            return dev;
        }
    }
    SourceLocation where;
    where.key = "diameter";
    throw InputError("crossbar: diameter must be one of the seed-003 presets 30n, 40n, 50n, 60n, "
                     "got " +
                         units::to_eng(diameter),
                     where);
}

models::MtjParams crossbar_seed003_magnetics() {
    models::MtjParams p = models::stt_bnn_table1();
    // Delta = mu0 ms hk A t_fl / (2 kB T) = 40 for d = 30 nm (A = 7.07e-16 m^2) at 300 K.
    p.hk = 2.487e5;
    // Equal switching voltages for both polarities at 1.5 V (Fig. 2(c)): the P->AP / AP->P
    // critical-current ratio (1 + eta^2) / (1 - eta^2) must equal G_P / G_AP(1.5 V) = 1.64 for
    // TMR 100 % and v_h = 2 V, so eta^2 = 0.64 / 2.64.
    p.eta = 0.492;
    // Thermally activated switching in t = 1 ms (models/mtj_stt.sub Eq. (6)) needs
    // I / Ic0 = 1 - ln(t / tau0) / Delta = 0.655; with I_AP(1.5 V) = 1.5 V x 8.54 uS = 12.8 uA,
    // Ic0(AP->P) = 19.6 uA, which Eq. (4) gives for alpha = 0.0063.
    p.alpha = 0.0063;
    return p;
}

double line_segment_resistance(double sheet_resistance, double pitch, double width) {
    check.non_negative("sheet_resistance", sheet_resistance);
    check.positive("pitch", pitch);
    check.positive("width", width);
    return sheet_resistance * pitch / width;
}

CrossbarDevices crossbar_devices(const CrossbarSpec& spec) {
    check_spec(spec);
    CrossbarDevices d;
    d.rows = spec.rows;
    d.cols = spec.cols;
    d.v_h = spec.device.v_h;
    d.area = std::numbers::pi * spec.device.diameter * spec.device.diameter / 4.0;
    const std::size_t n = spec.rows * spec.cols;
    d.g_off.assign(n, spec.device.g_off);
    d.tmr0.assign(n, spec.device.tmr0);
    d.states = spec.states.empty()
                   ? std::vector<models::MtjState>(n, models::MtjState::antiparallel)
                   : spec.states;
    const auto& var = spec.variation;
    for (std::size_t i = 0; i < spec.rows; ++i) {
        for (std::size_t j = 0; j < spec.cols; ++j) {
            const std::size_t k = i * spec.cols + j;
            // Seed 003 Sec. II.D: g_off and TMR of each MTJ independent and normally distributed.
            if (var.g_off_rel_sigma > 0) {
                RandomStream rng(var.seed, var.sample, ij("xbar.g_off.", i, j));
                d.g_off[k] = spec.device.g_off * (1.0 + var.g_off_rel_sigma * rng.normal());
            }
            if (var.tmr_rel_sigma > 0) {
                RandomStream rng(var.seed, var.sample, ij("xbar.tmr.", i, j));
                d.tmr0[k] = spec.device.tmr0 * (1.0 + var.tmr_rel_sigma * rng.normal());
            }
            if (!(d.g_off[k] > 0) || !(d.tmr0[k] > 0)) {
                check.fail("variation",
                           "drew a non-positive g_off or TMR for device (" + std::to_string(i) +
                               ", " + std::to_string(j) +
                               "): the relative sigmas are too large for a normal law");
            }
        }
    }
    return d;
}

models::MtjParams crossbar_device_params(const CrossbarSpec& spec, const CrossbarDevices& devices,
                                         std::size_t k) {
    models::MtjParams mp = spec.mtj;
    mp.area = devices.area;
    mp.t_ox = mp.t_ox_ref;
    mp.ra = devices.area / devices.g_on(k);
    mp.tmr0 = devices.tmr0[k];
    mp.v_h = devices.v_h;
    return mp;
}

netlist::Netlist crossbar(const CrossbarSpec& spec) {
    const CrossbarDevices dev = crossbar_devices(spec);
    const std::size_t m = spec.rows;
    const std::size_t n = spec.cols;
    const Node gnd = Node::ground();
    const bool mtj = spec.model == CrossbarDeviceModel::mtj;

    netlist::Netlist net("spincim passive crossbar " + std::to_string(m) + "x" + std::to_string(n) +
                         (mtj ? " MTJ" : " linear") + " (seed 003)");
    if (mtj) {
        net.add_include(models::models_dir(), models::mtj_model_path());
    }
    const std::string subckt(models::mtj_subckt_name());

    // Line nodes per crosspoint (merged into the pad-side end for an ideal wire).
    std::vector<std::string> rnode(m * n);
    std::vector<std::string> cnode(m * n);
    for (std::size_t i = 0; i < m; ++i) {
        const std::string pad = at("rp", i);
        std::string entry = pad;
        if (spec.r_row_contact > 0) {
            entry = at("re", i);
            net.add(netlist::Resistor{at("rc", i), pad, entry, spec.r_row_contact});
        }
        std::string prev = entry;
        for (std::size_t j = 0; j < n; ++j) {
            if (spec.r_row_segment > 0) {
                const std::string node = ij("r", i, j);
                net.add(netlist::Resistor{ij("rs", i, j), prev, node, spec.r_row_segment});
                prev = node;
            }
            rnode[i * n + j] = prev;
        }
        if (spec.row_voltages.empty() || spec.row_voltages[i]) {
            const double v = spec.row_voltages.empty() ? 0.0 : *spec.row_voltages[i];
            net.add(netlist::VoltageSource{.name = at("row", i), .pos = pad, .neg = gnd, .dc = v});
            net.add_probe(at("i_row_", i), Probe::current(at("row", i)));
        }
    }
    for (std::size_t j = 0; j < n; ++j) {
        const std::string pad = at("cp", j);
        std::string entry = pad;
        if (spec.r_col_contact > 0) {
            entry = at("ce", j);
            net.add(netlist::Resistor{at("cc", j), pad, entry, spec.r_col_contact});
        }
        std::string prev = entry;
        for (std::size_t ii = m; ii-- > 0;) {
            if (spec.r_col_segment > 0) {
                const std::string node = ij("c", ii, j);
                net.add(netlist::Resistor{ij("cs", ii, j), prev, node, spec.r_col_segment});
                prev = node;
            }
            cnode[ii * n + j] = prev;
        }
        if (spec.col_voltages.empty() || spec.col_voltages[j]) {
            const double v = spec.col_voltages.empty() ? 0.0 : *spec.col_voltages[j];
            net.add(netlist::VoltageSource{.name = at("col", j), .pos = pad, .neg = gnd, .dc = v});
            net.add_probe(at("i_col_", j), Probe::current(at("col", j)));
        }
    }

    for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t k = i * n + j;
            const Node p = rnode[k];
            const Node q = cnode[k];
            if (mtj) {
                const models::MtjParams mp = crossbar_device_params(spec, dev, k);
                static_cast<void>(models::mtj_instance_params(mp, dev.states[k], false, 0.0));
                std::vector<InstanceParam> params;
                params.push_back(
                    {"state0", dev.states[k] == models::MtjState::antiparallel ? 1.0 : 0.0});
                params.push_back({"dyn", spec.dynamic ? 1.0 : 0.0});
                for (const auto& [name, value] : models::mtj_param_list(mp)) {
                    params.push_back({name, value});
                }
                net.add(netlist::SubcktInstance{ij("m", i, j), {p, q}, subckt, std::move(params)});
            } else {
                net.add(netlist::Resistor{ij("d", i, j), p, q, 1.0 / dev.g0(k)});
            }
            net.add_probe(ij("v_r_", i, j), Probe::voltage(rnode[k]));
            net.add_probe(ij("v_c_", i, j), Probe::voltage(cnode[k]));
        }
    }
    if (spec.add_op) {
        net.add_analysis(netlist::OpAnalysis{});
    }
    return net;
}

} // namespace spincim::circuits
