#pragma once
// The one Monte Carlo driver every swept study kind runs on: rounds of samples over worker
// processes (sweep.hpp), recorded in the journal as they finish, until the kind's planner asks
// for no more; then the planner writes the kind's tables. The driver knows nothing of any kind:
// a kind supplies the planner (which samples, what to write), the value names and the worker
// command line that evaluates its samples (studies/study.hpp, Swept).

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "spincim/sweep/sample.hpp"
#include "spincim/sweep/sweep.hpp"

namespace spincim::sweep {

// Decides a swept study's rounds and writes its outputs (one object per sweep).
class Planner {
public:
    virtual ~Planner() = default;
    // The samples of the next round; empty when the study is complete. Called again after each
    // absorb(). A resumed sweep replays the same calls on the journal's records, so a planner
    // that decides only from absorbed rounds plans exactly what the uninterrupted sweep planned.
    [[nodiscard]] virtual std::vector<SampleId> next_round() = 0;
    // The records of the round just run (`records` holds every record of the journal).
    virtual void absorb(std::span<const SampleId> ids,
                        const std::map<SampleId, SampleRecord>& records) = 0;
    // Writes the study's tables into `outdir` (results.json last, see write_results), prints
    // its summary on `out` and returns the exit code (3 if any part of the study failed).
    virtual int finish(const std::map<SampleId, SampleRecord>& records, const Sweep::Stats& stats,
                       const std::filesystem::path& outdir, std::ostream& out) = 0;
};

struct DriveOptions {
    std::filesystem::path outdir;
    std::string study_hash;
    std::vector<std::string> value_names;
    std::vector<std::string> worker_argv; // argv[0] = executable, rest = its arguments
    std::size_t workers = 0;              // 0: one per core
    double sample_timeout_s = 600.0;
    int max_attempts = 3;
    bool resume = false;
    bool progress = true;
};

// Runs (or resumes) the sweep in options.outdir: journal.tsv (append-only, kept for --resume),
// samples.csv, then whatever the planner writes; results.json exists only for a complete
// sweep (a finished sweep is refused without --resume, and an older results.json is removed
// before a resumed one continues). Returns the planner's exit code.
int drive(Planner& planner, const DriveOptions& options, std::ostream& out);

} // namespace spincim::sweep
