#include "spincim/program/write_verify.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "spincim/core/error.hpp"
#include "spincim/netlist/analysis.hpp"
#include "spincim/network/crossbar_solver.hpp"
#include "spincim/program/crossbar_mapping.hpp"

namespace spincim::program {

namespace {

std::string state_node(std::size_t i, std::size_t j) {
    // Instance Xm<i>_<j> of circuits::crossbar(), internal node m of models/mtj_stt.sub.
    return "xm" + std::to_string(i) + "_" + std::to_string(j) + ".m";
}

} // namespace

ArrayProgrammer::ArrayProgrammer(circuits::CrossbarSpec array, spice::Session& session,
                                 WriteVerifyOptions options)
    : spec_(std::move(array)), session_(session), options_(options) {
    const std::size_t n = spec_.rows * spec_.cols;
    if (spec_.states.empty())
        spec_.states.assign(n, models::MtjState::antiparallel);
    if (spec_.model != circuits::CrossbarDeviceModel::mtj)
        throw InputError("write-verify needs the mtj device model (switching), not linear");
    const auto& o = options_;
    if (!(o.v_start > 0) || !(o.v_step > 0) || !(o.v_max >= o.v_start) || !(o.pulse_width > 0) ||
        !(o.time_step > 0) || o.time_step > o.pulse_width || !(o.v_read > 0) || !(o.ratio_min > 1))
        throw InputError("write-verify options: need 0 < v_start <= v_max, v_step > 0, "
                         "0 < time_step <= pulse_width, v_read > 0 and ratio_min > 1");
    spec_.row_voltages.clear();
    spec_.col_voltages.clear();
    (void)circuits::crossbar_devices(spec_); // checks the array once
}

void ArrayProgrammer::set_v_max(double v_max) {
    if (!(v_max >= options_.v_start))
        throw InputError("write-verify: v_max must not be below v_start");
    options_.v_max = v_max;
}

PulseResult ArrayProgrammer::write_pulse(std::size_t i, std::size_t j, bool on, double v_apply) {
    if (i >= spec_.rows || j >= spec_.cols || !(v_apply > 0))
        throw InputError("write_pulse: device (" + std::to_string(i) + ", " + std::to_string(j) +
                         ") outside the array or V_apply not positive");
    circuits::CrossbarSpec s = spec_;
    s.dynamic = true;
    s.add_op = false;
    // V/2 scheme (seed 003 Sec. II.B); an "on" write reverses the polarity (p -> n favours P).
    const double half = 0.5 * v_apply * (on ? 1.0 : -1.0);
    s.row_voltages.assign(s.rows, 0.0);
    s.col_voltages.assign(s.cols, 0.0);
    s.row_voltages[i] = half;
    s.col_voltages[j] = -half;
    netlist::Netlist net = circuits::crossbar(s);
    net.add_analysis(netlist::TranAnalysis{options_.time_step, options_.pulse_width, std::nullopt,
                                           options_.time_step});
    const spice::RunResult r = session_.simulate(net.to_spice());
    ++transients_;
    if (!r.usable())
        throw SimulationError("write pulse on device (" + std::to_string(i) + ", " +
                              std::to_string(j) + ") at " + std::to_string(v_apply) +
                              " V: " + r.summary());
    PulseResult out;
    for (std::size_t a = 0; a < s.rows; ++a)
        for (std::size_t b = 0; b < s.cols; ++b) {
            const std::vector<double> m = session_.vector(state_node(a, b));
            if (m.empty())
                throw SimulationError("write pulse: no samples of " + state_node(a, b));
            const auto now =
                m.back() > 0.5 ? models::MtjState::antiparallel : models::MtjState::parallel;
            const std::size_t k = a * s.cols + b;
            if (now != spec_.states[k]) {
                spec_.states[k] = now;
                out.switched.push_back(k);
            }
        }
    return out;
}

double ArrayProgrammer::read(std::size_t i, std::size_t j) const {
    if (i >= spec_.rows || j >= spec_.cols)
        throw InputError("read: device outside the array");
    network::CrossbarCircuit c = to_circuit(spec_);
    c.row_voltages.assign(c.rows, 0.0);
    c.col_voltages.assign(c.cols, 0.0);
    c.row_voltages[i] = options_.v_read;
    const network::CrossbarSolution sol = network::solve_crossbar(c);
    return sol.col_currents[j] / options_.v_read;
}

std::vector<double> ArrayProgrammer::read_map() const {
    std::vector<double> g(spec_.rows * spec_.cols);
    network::CrossbarCircuit c = to_circuit(spec_);
    c.row_voltages.assign(c.rows, 0.0);
    c.col_voltages.assign(c.cols, 0.0);
    network::CrossbarSolver solver(c);
    for (std::size_t i = 0; i < spec_.rows; ++i) {
        std::vector<std::optional<double>> rows(spec_.rows, 0.0);
        rows[i] = options_.v_read;
        const auto sol = solver.solve(rows, std::vector<std::optional<double>>(spec_.cols, 0.0));
        for (std::size_t j = 0; j < spec_.cols; ++j)
            g[i * spec_.cols + j] = sol.col_currents[j] / options_.v_read;
    }
    return g;
}

WriteVerifyResult ArrayProgrammer::write_verify(std::size_t i, std::size_t j, bool on) {
    WriteVerifyResult r;
    const auto steps =
        static_cast<int>(std::floor((options_.v_max - options_.v_start) / options_.v_step + 1e-9));
    for (int s = 0; s <= steps; ++s) {
        const double v = options_.v_start + options_.v_step * s;
        // Seed 003 Fig. 2(b): opposite write, read, target write, read.
        (void)write_pulse(i, j, !on, v);
        r.g_opposite = read(i, j);
        (void)write_pulse(i, j, on, v);
        r.g_target = read(i, j);
        r.pulses += 2;
        const double ratio = on ? r.g_target / r.g_opposite : r.g_opposite / r.g_target;
        if (ratio >= options_.ratio_min) {
            r.success = true;
            r.v_switch = v;
            return r;
        }
    }
    return r;
}

std::vector<WriteVerifyResult> ArrayProgrammer::clear() {
    std::vector<WriteVerifyResult> out(spec_.rows * spec_.cols);
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < spec_.rows; ++i)
            for (std::size_t j = 0; j < spec_.cols; ++j)
                out[i * spec_.cols + j] = write_verify(i, j, false);
    return out;
}

std::vector<WriteVerifyResult> ArrayProgrammer::program(const std::vector<bool>& target_on) {
    if (target_on.size() != spec_.rows * spec_.cols)
        throw InputError("program: the target map must have rows x cols entries");
    (void)clear();
    std::vector<WriteVerifyResult> out(target_on.size());
    for (std::size_t k = 0; k < target_on.size(); ++k) {
        if (target_on[k])
            out[k] = write_verify(k / spec_.cols, k % spec_.cols, true);
        else
            out[k].success = spec_.states[k] == models::MtjState::antiparallel;
    }
    return out;
}

} // namespace spincim::program
