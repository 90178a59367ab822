#pragma once
// Write-verify programming of a passive MTJ crossbar, co-simulated: every write pulse is an
// ngspice transient of the whole generated array with STT switching enabled (models/mtj_stt.sub,
// dyn = 1), the C++ controller decides the next pulse from the reads (seed 003: Goodwill et al.,
// Phys. Rev. Applied 18, 014039 (2022), Sec. II.B-C, Figs. 2(b) and 3(c)).
//
//   * V/2 scheme: V_apply/2 on the target column and -V_apply/2 on the target row, every other
//     line grounded, so the target sees V_apply and the devices sharing its row or column at most
//     V_apply/2. Positive row-to-column bias favours P (on) (models/mtj_stt.sub), so an "on" write
//     uses the opposite polarity (+V/2 row, -V/2 column).
//   * Read: 0.2 V on the target row, every other line grounded, current of the target column
//     (native solver on the array's present states: a static .op of the same netlist, held to
//     ngspice in tests/crossbar, crossbar_spice).
//   * 4-pulse write-verify: write the opposite state, read, write the target state, read; repeat
//     with V_apply raised by v_step until the on/off ratio of the two reads reaches `ratio_min`,
//     or V_apply would exceed v_max (a write error). The V_apply that succeeded is the device's
//     effective switching voltage (Fig. 2(d-e)).
//   * Clear: every device written off, twice (Sec. II.C). Program: clear, then write the devices
//     that must be on.
//
// The state of every device is carried from pulse to pulse in C++ (state0 of each instance);
// after each transient the final state is read from the instance's state node (xm<i>_<j>.m > 0.5
// = antiparallel).
//
// Two pulse engines evaluate the same equations (models/mtj_stt.sub Eqs. (2)-(7)):
//   * spice: one ngspice transient of the whole array per pulse (the reference);
//   * native: event-driven integration of the subcircuit's switching-progress equation (7) on the
//     native solver. Every drive is a DC level held for the pulse width, so between two switching
//     events every device current is constant and the progress of device k grows linearly at
//     1 / t_sw,k(I_k) (Eqs. (5)-(6), the C++ reference models::switching_time); a device whose
//     current does not push it away from its state relaxes to it at once (trelax = 10 ps against
//     1 ms pulses). The next device to complete its progress switches, the array is re-solved and
//     the integration continues to the end of the pulse. tests/crossbar holds it to the spice
//     engine pulse by pulse. Cost: a few sparse solves per pulse instead of a transient (~0.5 s
//     for 15 x 15), which makes the full-array write-verify of seed 003 feasible.

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/solvers/crossbar_solver.hpp"
#include "spincim/spice/session.hpp"

namespace spincim::cosim {

enum class PulseEngine { spice, native };

struct WriteVerifyOptions {
    double v_start = 1.0;      // V, first V_apply of a write-verify
    double v_step = 0.1;       // V
    double v_max = 3.0;        // V, limit (seed: twice the smallest switching voltage)
    double pulse_width = 1e-3; // s (seed 003 Sec. II.B: 1 ms)
    double time_step = 2e-5;   // s, transient step
    double v_read = 0.2;       // V
    double ratio_min = 1.5;    // on/off ratio that proves a switch
    PulseEngine engine = PulseEngine::spice;
};

struct PulseResult {
    std::vector<std::size_t> switched; // row-major indices of the devices that changed state
};

struct WriteVerifyResult {
    bool success = false;
    double v_switch = 0.0; // V_apply that met the criterion (0 on failure)
    double g_target = 0.0; // S, read after the last target write
    double g_opposite = 0.0;
    int pulses = 0; // write pulses (transients)
};

class ArrayProgrammer {
public:
    // `array` gives size, devices, variation, lines and the initial states (empty = all off);
    // its drives are replaced by every pulse. The session must outlive the programmer.
    ArrayProgrammer(circuits::CrossbarSpec array, spice::Session& session,
                    WriteVerifyOptions options = {});
    // Without a session: options.engine must be PulseEngine::native (InputError otherwise).
    ArrayProgrammer(circuits::CrossbarSpec array, WriteVerifyOptions options);

    // One V/2 write pulse of amplitude v_apply (> 0) towards `on` (true: P) on device (i, j).
    // Throws SimulationError with ngspice's words when the transient fails (spice engine).
    PulseResult write_pulse(std::size_t i, std::size_t j, bool on, double v_apply);
    // Serial read of device (i, j) at v_read: port-to-port conductance, S.
    [[nodiscard]] double read(std::size_t i, std::size_t j) const;
    // The full serial map (S, row-major).
    [[nodiscard]] std::vector<double> read_map() const;
    WriteVerifyResult write_verify(std::size_t i, std::size_t j, bool on);
    // Two passes of write_verify(off) over every device; returns the second pass (its switching
    // voltages are the map of Fig. 2(e)).
    std::vector<WriteVerifyResult> clear();
    // Clear, then write_verify(on) for every device with target_on[k]; results of the writes
    // (devices that stay off have success = true and v_switch = 0).
    std::vector<WriteVerifyResult> program(const std::vector<bool>& target_on);

    [[nodiscard]] const std::vector<models::MtjState>& states() const { return spec_.states; }
    [[nodiscard]] const circuits::CrossbarSpec& spec() const { return spec_; }
    [[nodiscard]] const WriteVerifyOptions& options() const { return options_; }
    // Sets the V_apply limit (seed 003: twice the smallest switching voltage, known after the
    // characterisation pass).
    void set_v_max(double v_max);
    // Write pulses simulated so far (ngspice transients or native pulses).
    [[nodiscard]] int transients() const { return transients_; }
    // Native solves done by the native pulse engine (0 for spice).
    [[nodiscard]] long native_solves() const { return solves_; }

private:
    ArrayProgrammer(circuits::CrossbarSpec array, WriteVerifyOptions options,
                    spice::Session* session);
    using Drive = std::vector<std::optional<double>>;
    PulseResult spice_pulse(circuits::CrossbarSpec drive);
    PulseResult native_pulse(const Drive& rows, const Drive& cols);
    void flip(std::size_t k);
    // The native solver of the array in its present states (every pad driven), rebuilt after a
    // state change.
    solvers::CrossbarSolver& solver() const;

    circuits::CrossbarSpec spec_;
    spice::Session* session_ = nullptr;
    WriteVerifyOptions options_;
    // Per-device model parameters after variation (as circuits::crossbar() writes them).
    std::vector<models::MtjParams> device_params_;
    // The solver circuit with every device off (drawn once), and each device's drawn tmr0.
    solvers::CrossbarCircuit base_circuit_;
    std::vector<double> tmr_off_;
    // Incremented by every state change; caches keyed on it.
    long version_ = 0;
    mutable long solver_version_ = -1;
    mutable std::unique_ptr<solvers::CrossbarSolver> solver_;
    mutable std::vector<long> read_version_;
    mutable std::vector<double> read_value_;
    int transients_ = 0;
    mutable long solves_ = 0;
};

} // namespace spincim::cosim
