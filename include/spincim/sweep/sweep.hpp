#pragma once
// The sweep engine: runs samples in W worker processes and stores each result in an append-only,
// resumable journal (seed 001, Pham et al., STT-BNN: thousands of SPICE Monte Carlo samples).
//
// The engine knows nothing about circuits. Each worker is an executable (worker_argv) whose main
// calls run_worker_stdio() with the real evaluator (see worker.hpp for the protocol). The
// supervisor (this class) hands out one request per idle worker, so a slow sample does not stall
// the others, and appends every answer to the journal the moment it arrives. A worker that dies
// (EOF on its stdout) or stays silent longer than sample_timeout_s is SIGKILLed and replaced, and
// its sample is retried up to max_attempts times, then recorded as crash or timeout. A worker that
// writes a malformed line is replaced and the sample recorded invalid with the text. Workers are
// started when first given a sample and live until the Sweep is destroyed, across run() calls
// (the rounds of an adaptive plan reuse warm workers); they get end of file on stdin then, and the
// kernel SIGKILLs them if the supervisor dies (PR_SET_PDEATHSIG), so none is left running.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/sweep/journal.hpp"
#include "spincim/sweep/sample.hpp"

namespace spincim::sweep {

struct SweepOptions {
    std::filesystem::path journal;        // append-only journal file
    std::string study_hash;               // hash of the resolved study; resume refuses another one
    std::vector<std::string> value_names; // column names of the values, SI units in the names
    std::vector<std::string> worker_argv; // argv[0] = executable path, rest = its arguments
    std::size_t workers = 0;              // 0 = std::thread::hardware_concurrency()
    double sample_timeout_s = 120.0;      // a worker silent this long on one sample is killed
    int max_attempts = 3;                 // runs of a sample whose worker crashed or hung
    bool resume = false;  // false: refuse an existing journal; true: continue it (hash checked)
    bool progress = true; // progress on stderr: a bar on a terminal, plain periodic lines otherwise
    // Extensions.
    std::filesystem::path worker_dir; // if set: workers' working directory and $HOME (ngspice
                                      // reads .spiceinit from both, shared/NGSPICE.md)
    bool fsync = false;               // fsync(2) the journal after every record
};

// Combines bytes into a 16-hex-digit study hash (FNV-1a 64), e.g. of the resolved study text.
[[nodiscard]] std::string study_hash_of(std::string_view bytes);

class Sweep {
public:
    // Validates the options (InputError), creates or opens the journal (header with the hash and
    // value names) and, on resume, loads the records already there.
    explicit Sweep(SweepOptions options);
    ~Sweep();
    Sweep(const Sweep&) = delete;
    Sweep& operator=(const Sweep&) = delete;

    // Runs every id not yet recorded, in the order given (duplicates once), and returns when all
    // are recorded. Can be called repeatedly (adaptive plans: one call per round); the workers
    // stay up between calls.
    // Throws SimulationError if workers cannot start (exit before their greeting), InputError if
    // worker_argv is not a spincim sweep worker, spincim::Error if the journal cannot be written.
    void run(std::span<const SampleId> ids);

    [[nodiscard]] const std::map<SampleId, SampleRecord>& records() const;

    struct Stats {
        std::size_t evaluated = 0;        // samples recorded by this object (any status)
        std::size_t resumed = 0;          // records loaded from an existing journal
        std::size_t retried = 0;          // re-runs after a worker crash or hang
        std::size_t workers_replaced = 0; // workers killed or lost (crash, hang, bad line)
        double elapsed_s = 0;             // wall time spent inside run()
        std::size_t discarded_lines = 0;  // torn last journal line dropped on resume (0 or 1)
        std::size_t workers_started = 0;  // worker processes started in total
    };
    [[nodiscard]] Stats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The sample table derived from the records: CSV with header
// `point,sample,status,attempts,<value names>`, one row per record sorted by (point, sample),
// values as shortest round-trip decimals (nan, inf, -inf as such; empty cells for a failed
// sample without values). The file is therefore byte-identical whatever the order, the number of
// workers or the resumes. Written to a temporary file and renamed into place.
void write_sample_table(const std::map<SampleId, SampleRecord>& records,
                        const std::vector<std::string>& value_names,
                        const std::filesystem::path& path);

} // namespace spincim::sweep
