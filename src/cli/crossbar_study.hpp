#pragma once
// Runs a crossbar study (seed 003: Goodwill et al., Phys. Rev. Applied 18, 014039 (2022)): trains
// the ternary Wine networks, programs each into the array of every diameter (clear, write, serial
// read at V_read with the native solver), sweeps g_norm (accuracy, Eq. (2); Delta_RMS, Eq. (4))
// and checks current superposition (Appendix B). Inference uses the native solver only (held
// against ngspice in tests/crossbar, crossbar_spice); ngspice runs the optional write-verify
// co-simulation (program::ArrayProgrammer), once per diameter on a corner of the array, not per
// solution.

#include <string>

#include <nlohmann/json.hpp>

#include "spincim/config/crossbar_study.hpp"
#include "spincim/core/output_dir.hpp"

namespace spincim::cli {

struct CrossbarStudyMeta {
    std::string name;
    std::string file;
    std::string description;
    std::uint64_t seed = 0;
    nlohmann::json resolved;
};

// Writes solutions.csv, gnorm_sweep.csv, gnorm_summary.csv, conductance_map.csv,
// superposition.csv (and write_verify.csv) into `out` and returns results.json's content; `table`
// receives the text printed to the terminal.
[[nodiscard]] nlohmann::ordered_json run_crossbar(const CrossbarStudyMeta& meta,
                                                  const config::CrossbarStudySpec& spec,
                                                  const OutputDir& out, std::string& table);

} // namespace spincim::cli
