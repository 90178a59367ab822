#pragma once
// Runs one study in the process's simulator session and turns its vectors into results.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spincim/analysis/measurement.hpp"
#include "spincim/config/study.hpp"
#include "spincim/spice/session.hpp"

namespace spincim::cli {

struct StudyResult {
    spice::RunResult run;
    std::string netlist_text;
    analysis::Waveforms waves;
    std::vector<analysis::Measurement> measurements;
};

// Builds the study's netlist, simulates it in `session` and evaluates the measurements (only if
// the run is usable). Throws InputError for study errors found while building.
[[nodiscard]] StudyResult run_study(const config::StudySpec& study, spice::Session& session);

// results.json: study, spincim version, seed, resolved parameters, run status, measurements.
[[nodiscard]] nlohmann::ordered_json results_json(const config::StudySpec& study,
                                                  const StudyResult& result);
// measurements.csv: name,value,unit (an absent value is an empty field).
[[nodiscard]] std::string measurements_csv(const StudyResult& result);
// waveforms.csv: the axis and the requested signals, SI units in the column names.
[[nodiscard]] std::string waveforms_csv(const config::StudySpec& study, const StudyResult& result);
// The table printed to the terminal.
[[nodiscard]] std::string results_table(const config::StudySpec& study, const StudyResult& result);

} // namespace spincim::cli
