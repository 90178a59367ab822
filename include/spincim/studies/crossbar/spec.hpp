#pragma once
// A crossbar study (`crossbar:` in a study file): the Wine binary network of seed 003 (Goodwill et
// al., Phys. Rev. Applied 18, 014039 (2022), Secs. II.A-D and Appendix B) on passive 15 x 15 MTJ
// arrays of one or more diameters.
//
//   crossbar:
//     dataset: data/wine.csv            # optional, default: the built-in netlists/data/wine.csv
//     n_test: 30                        # test samples (the rest trains; seed: 148 / 30)
//     solutions: 300                    # weight solutions from seeded initialisations
//     training: {hidden: 6, epochs: 300, batch_size: 16, learning_rate: 0.01,
//                threshold: 0.5, init_sigma: 0.5}
//     v_read: 0.2                       # V, serial-read and inference voltage
//     g_norm: {start: 1u, stop: 12u, step: 0.25u}   # or a list of values, S; or instead
//     g_norm_relative: {start: 0.1, stop: 2, step: 0.025}  # x (g_on - g_off) of the device
//     (default) diameters: [30n, 40n, 50n, 60n]   # seed-003 device presets array: {rows: 15, cols:
//     15, model: mtj, r_row_segment: 12, r_col_segment: 12,
//             r_row_contact: 0, r_col_contact: 0, v_h: 0.5}
//     variation: {g_off_rel_sigma: 0.1, tmr_rel_sigma: 0.2}
//     ideal: true                       # also the ideal array (no variation, no line resistance)
//     superposition: {vectors: 100, voltages: [0.1, 0.2, 0.3, 0.4, 0.5]}
//     threads: 0                        # 0 = all cores
//     write_verify: {enabled: true, rows: 5, cols: 5, v_start: 1.2, v_step: 0.1, v_cap: 4,
//                    pulse_width: 1m, time_step: 100u, ratio_min: 1.5, engine: native}

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/config/reader.hpp"
#include "spincim/network/wine.hpp"
#include "spincim/studies/study.hpp"

namespace spincim::studies {

struct CrossbarStudySpec {
    std::string dataset_csv;
    std::size_t n_test = 30;
    std::size_t solutions = 300;
    network::TernaryTrainOptions train;
    double v_read = 0.2; // V
    // g_norm grid, increasing: in S, or (g_norm_relative) in units of the nominal device's
    // g_on - g_off at v_read, so that one grid fits every diameter (g ~ d^2).
    std::vector<double> g_norm;
    bool g_norm_relative = true;
    std::vector<double> diameters{30e-9, 40e-9, 50e-9, 60e-9};
    // Size, device model, lines and variation sigmas; the device preset is set per diameter.
    circuits::CrossbarSpec array;
    double v_h = 0.5; // V, TMR half-bias of every device
    bool ideal = true;
    std::size_t superposition_vectors = 100;
    std::vector<double> superposition_voltages{0.1, 0.2, 0.3, 0.4, 0.5};
    int threads = 0;
    // Write-verify co-simulation (native or ngspice pulses) on a rows x cols corner of the array of
    // every diameter: characterisation (every device written off from off, Fig. 2(d-f)), then
    // clear + write of solution 0's devices in that corner with V_max = 2 x the smallest
    // switching voltage found.
    struct WriteVerify {
        bool enabled = false;
        std::size_t rows = 5;
        std::size_t cols = 5;
        double v_start = 1.2;      // V
        double v_step = 0.1;       // V
        double v_cap = 4.0;        // V, limit of the characterisation pass
        double pulse_width = 1e-3; // s
        double time_step = 1e-4;   // s
        double ratio_min = 1.5;
        // Pulse engine (cosim::PulseEngine): true = native event-driven switching on the
        // native solver, false = one ngspice transient per pulse.
        bool native = true;
    } write_verify;
};

// Reads the `crossbar:` block. `study_dir` resolves relative file names; the built-in data set is
// looked up beside `models_root` (../netlists/data/wine.csv). Errors name file:line:col:key.
[[nodiscard]] CrossbarStudySpec read_crossbar_study(const config::Value& v,
                                                    const std::filesystem::path& study_dir,
                                                    const std::filesystem::path& models_root);

// The spec of a crossbar study (InputError for a study of another kind).
[[nodiscard]] const CrossbarStudySpec& crossbar_of(const Study& study);

// The keys of the block with their meaning (`spincim help crossbar`).
[[nodiscard]] std::string crossbar_study_reference();

} // namespace spincim::studies
