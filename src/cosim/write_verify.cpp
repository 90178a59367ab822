#include "spincim/cosim/write_verify.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "spincim/core/error.hpp"
#include "spincim/cosim/crossbar_mapping.hpp"
#include "spincim/netlist/analysis.hpp"

namespace spincim::cosim {

namespace {

std::string state_node(std::size_t i, std::size_t j) {
    // Instance Xm<i>_<j> of circuits::crossbar(), internal node m of models/mtj_stt.sub.
    return "xm" + std::to_string(i) + "_" + std::to_string(j) + ".m";
}

} // namespace

ArrayProgrammer::ArrayProgrammer(circuits::CrossbarSpec array, spice::Session& session,
                                 WriteVerifyOptions options)
    : ArrayProgrammer(std::move(array), options, &session) {}

ArrayProgrammer::ArrayProgrammer(circuits::CrossbarSpec array, WriteVerifyOptions options)
    : ArrayProgrammer(std::move(array), options, nullptr) {}

ArrayProgrammer::ArrayProgrammer(circuits::CrossbarSpec array, WriteVerifyOptions options,
                                 spice::Session* session)
    : spec_(std::move(array)), session_(session), options_(options) {
    if (options_.engine == PulseEngine::spice && session_ == nullptr)
        throw InputError("write-verify: the spice pulse engine needs an ngspice session");
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
    const circuits::CrossbarDevices dev = circuits::crossbar_devices(spec_); // checks the array
    // The instance parameters circuits::crossbar() writes.
    device_params_.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        device_params_[k] = circuits::crossbar_device_params(spec_, dev, k);
    }
    circuits::CrossbarSpec off = spec_;
    off.states.assign(n, models::MtjState::antiparallel);
    base_circuit_ = to_circuit(off);
    tmr_off_ = base_circuit_.tmr0;
    read_version_.assign(n, -1);
    read_value_.assign(n, 0.0);
}

void ArrayProgrammer::flip(std::size_t k) {
    spec_.states[k] = spec_.states[k] == models::MtjState::antiparallel
                          ? models::MtjState::parallel
                          : models::MtjState::antiparallel;
    ++version_;
}

solvers::CrossbarSolver& ArrayProgrammer::solver() const {
    if (!solver_ || solver_version_ != version_) {
        solvers::CrossbarCircuit c = base_circuit_;
        // to_circuit(): P devices are bias-independent g_on (tmr0 = 0), AP devices keep theirs.
        for (std::size_t k = 0; k < c.tmr0.size(); ++k)
            c.tmr0[k] = spec_.states[k] == models::MtjState::antiparallel ? tmr_off_[k] : 0.0;
        c.row_voltages.assign(c.rows, 0.0);
        c.col_voltages.assign(c.cols, 0.0);
        solver_ = std::make_unique<solvers::CrossbarSolver>(std::move(c));
        solver_version_ = version_;
    }
    return *solver_;
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
    // V/2 scheme (seed 003 Sec. II.B); an "on" write reverses the polarity (p -> n favours P).
    const double half = 0.5 * v_apply * (on ? 1.0 : -1.0);
    s.row_voltages.assign(s.rows, 0.0);
    s.col_voltages.assign(s.cols, 0.0);
    s.row_voltages[i] = half;
    s.col_voltages[j] = -half;
    ++transients_;
    if (options_.engine == PulseEngine::native)
        return native_pulse(s.row_voltages, s.col_voltages);
    return spice_pulse(std::move(s));
}

PulseResult ArrayProgrammer::spice_pulse(circuits::CrossbarSpec s) {
    s.dynamic = true;
    s.add_op = false;
    netlist::Netlist net = circuits::crossbar(s);
    net.add_analysis(netlist::TranAnalysis{options_.time_step, options_.pulse_width, std::nullopt,
                                           options_.time_step});
    const spice::RunResult r = session_->simulate(net.to_spice());
    if (!r.usable())
        throw SimulationError("write pulse (" + std::to_string(transients_) +
                              "): ngspice transient failed: " + r.summary());
    PulseResult out;
    for (std::size_t a = 0; a < s.rows; ++a)
        for (std::size_t b = 0; b < s.cols; ++b) {
            const std::vector<double> m = session_->vector(state_node(a, b));
            if (m.empty())
                throw SimulationError("write pulse: no samples of " + state_node(a, b));
            const auto now =
                m.back() > 0.5 ? models::MtjState::antiparallel : models::MtjState::parallel;
            const std::size_t k = a * s.cols + b;
            if (now != spec_.states[k]) {
                flip(k);
                out.switched.push_back(k);
            }
        }
    return out;
}

PulseResult ArrayProgrammer::native_pulse(const Drive& rows, const Drive& cols) {
    const std::size_t n = spec_.rows * spec_.cols;
    PulseResult out;
    // Switching progress of every device in [0, 1) (models/mtj_stt.sub Eq. (7): node m has moved
    // progress x 0.5 V from its stored state towards the 0.5 V threshold).
    std::vector<double> progress(n, 0.0);
    std::vector<double> rate(n, 0.0);
    double t = 0.0;
    const double t_end = options_.pulse_width;
    // Each switching event ends one device's progress; more events than a few per device would
    // mean states flipping back and forth (not seen with the V/2 drive), reported as an error.
    for (std::size_t event = 0; event <= 4 * n; ++event) {
        const solvers::CrossbarSolution sol = solver().solve(rows, cols);
        ++solves_;
        double dt_next = std::numeric_limits<double>::infinity();
        std::size_t next = n;
        for (std::size_t k = 0; k < n; ++k) {
            const double cur = sol.device_currents[k]; // p -> n (row -> column), favours P if > 0
            const bool ap = spec_.states[k] == models::MtjState::antiparallel;
            const bool pushed = ap ? cur > 0 : cur < 0;
            if (!pushed) {
                // Eq. (7): no drive away from the stored state, m relaxes back (trelax << pulse).
                progress[k] = 0.0;
                rate[k] = 0.0;
                continue;
            }
            const auto dir = ap ? models::SwitchDirection::to_parallel
                                : models::SwitchDirection::to_antiparallel;
            // Eqs. (5)-(6) at the mean initial angle / mean Neel-Brown time (xsw = 0).
            rate[k] = 1.0 / models::switching_time(device_params_[k], cur, dir);
            const double dt = (1.0 - progress[k]) / rate[k];
            if (dt < dt_next) {
                dt_next = dt;
                next = k;
            }
        }
        if (next == n || t + dt_next > t_end)
            return out;
        t += dt_next;
        for (std::size_t k = 0; k < n; ++k)
            progress[k] += rate[k] * dt_next;
        progress[next] = 0.0;
        flip(next);
        out.switched.push_back(next);
    }
    throw SimulationError("write pulse (" + std::to_string(transients_) +
                          "): the native engine found more switching events than devices allow "
                          "(oscillating states)");
}

double ArrayProgrammer::read(std::size_t i, std::size_t j) const {
    if (i >= spec_.rows || j >= spec_.cols)
        throw InputError("read: device outside the array");
    // A read does not disturb the states (0.2 V), so it only changes when some device switched.
    const std::size_t k = i * spec_.cols + j;
    if (read_version_[k] == version_)
        return read_value_[k];
    Drive rows(spec_.rows, 0.0);
    rows[i] = options_.v_read;
    const auto sol = solver().solve(rows, Drive(spec_.cols, 0.0));
    ++solves_;
    // The same drive reads every device of row i, one per column current.
    for (std::size_t b = 0; b < spec_.cols; ++b) {
        read_version_[i * spec_.cols + b] = version_;
        read_value_[i * spec_.cols + b] = sol.col_currents[b] / options_.v_read;
    }
    return read_value_[k];
}

std::vector<double> ArrayProgrammer::read_map() const {
    std::vector<double> g(spec_.rows * spec_.cols);
    for (std::size_t i = 0; i < spec_.rows; ++i)
        for (std::size_t j = 0; j < spec_.cols; ++j)
            g[i * spec_.cols + j] = read(i, j);
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

} // namespace spincim::cosim
