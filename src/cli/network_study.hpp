#pragma once
// Runs a network study (seed 001 Secs. V–VI): trains the BNN, maps it onto the sub-arrays and
// reports accuracy with errors injected from the CRER tables, through the network layer.

#include <string>

#include <nlohmann/json.hpp>

#include "spincim/config/study.hpp"
#include "spincim/core/output_dir.hpp"

namespace spincim::cli {

// Runs the study, writes accuracy.csv, mapping.csv and the trained models (models/) into `out`,
// and returns results.json's content; `table` receives the text printed to the terminal.
[[nodiscard]] nlohmann::ordered_json run_network(const config::StudySpec& study,
                                                 const OutputDir& out, std::string& table);

} // namespace spincim::cli
