#pragma once
// `spincim sweep`: Monte Carlo studies of the STT-BNN sense path (seed 001 Sec. IV) over worker
// processes, and the hidden `spincim sweep-worker` those workers run.

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

#include "spincim/config/study.hpp"

namespace spincim::cli {

struct SweepCommand {
    std::filesystem::path study_file;
    std::filesystem::path outdir;
    std::size_t workers = 0; // 0: one per core
    bool resume = false;
    bool progress = true;
};

// The hash a sweep journal is bound to: the resolved study (every parameter, defaults included)
// except `monte_carlo.plan`. A sample's values depend on the seed, the circuits, the variation and
// the run limits, never on the plan, which only decides which samples to run and how to estimate:
// a sweep resumed with a tighter target or a larger budget reuses every sample it already has.
// The hash also covers each case's montecarlo::design_fingerprint: the sizes and model files the
// study leaves to the toolkit's defaults are bound as well.
[[nodiscard]] std::string sweep_study_hash(const config::StudySpec& study);

// Runs the sweep (or resumes it) and writes, in `outdir`: journal.tsv (append-only, one line per
// sample, kept for --resume), samples.csv, crer_<case>.csv per case, aer.csv and results.json
// (written last: the sweep is complete when results.json exists). Prints the AER table on `out`.
// Returns the exit code.
int run_sweep(const config::StudySpec& study, const SweepCommand& command, std::ostream& out);

// Worker main: evaluates the samples the supervisor sends on stdin (sweep/worker.hpp protocol).
// Refuses (exit 2) a study whose hash differs from `hash` (the file changed under the sweep).
int run_sweep_worker(const config::StudySpec& study, const std::string& hash);

// `spincim mismatch STUDY [--case LABEL] [--k K] [--row-draws N]`: the mismatch-contribution
// table (montecarlo::MismatchReport) of one case of a monte_carlo study at popcount k (default
// N/2 - 1), printed on `out` with each source's share of the variance. Returns the exit code.
struct MismatchCommand {
    std::string case_label; // empty: the first case
    std::optional<std::size_t> k;
    std::size_t row_draws = 40;
};
int run_mismatch(const config::StudySpec& study, const MismatchCommand& command, std::ostream& out);

} // namespace spincim::cli
