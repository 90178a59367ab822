#include "spincim/sweep/driver.hpp"

#include <system_error>

#include "spincim/core/error.hpp"

namespace spincim::sweep {

namespace fs = std::filesystem;

int drive(Planner& planner, const DriveOptions& options, std::ostream& out) {
    std::error_code ec;
    fs::create_directories(options.outdir, ec);
    if (ec)
        throw OutputError(options.outdir.string(), ec.message());
    const fs::path results = options.outdir / "results.json";
    if (!options.resume && fs::exists(results))
        throw InputError("the output directory holds a finished sweep; choose another one, or "
                         "add --resume to re-derive its tables",
                         SourceLocation{options.outdir.string(), 0, 0, ""});
    // A partial results.json cannot exist (it is renamed into place); an older complete one is
    // removed before the sweep continues, so results.json exists only for a complete sweep.
    fs::remove(results, ec);

    SweepOptions so;
    so.journal = options.outdir / "journal.tsv";
    so.study_hash = options.study_hash;
    so.value_names = options.value_names;
    so.worker_argv = options.worker_argv;
    so.workers = options.workers;
    so.sample_timeout_s = options.sample_timeout_s;
    so.max_attempts = options.max_attempts;
    so.resume = options.resume;
    so.progress = options.progress;
    Sweep engine(so);
    for (;;) {
        const std::vector<SampleId> ids = planner.next_round();
        if (ids.empty())
            break;
        engine.run(ids);
        planner.absorb(ids, engine.records());
    }
    // Tables, derived from the samples the plan used (every record of the journal).
    write_sample_table(engine.records(), options.value_names, options.outdir / "samples.csv");
    return planner.finish(engine.records(), engine.stats(), options.outdir, out);
}

} // namespace spincim::sweep
