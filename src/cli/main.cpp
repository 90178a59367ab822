// The spincim executable: thin subcommands over the libraries (ARCHITECTURE.md, "CLI contract").
//
//   spincim check   STUDY.yaml                 validate only; exit 0 or 2
//   spincim netlist STUDY.yaml -o OUT.cir      write the netlist that `run` would simulate
//   spincim run     STUDY.yaml -o OUTDIR       one simulation: results.json + CSV tables
//   spincim sweep   STUDY.yaml -o OUTDIR [--workers N] [--resume]   Monte Carlo sweep
//   spincim mismatch STUDY.yaml [--case L] [--k K]   where the time margin's spread comes from
//   spincim help [COMMAND]
//
// Exit codes: 0 success, 2 bad input, 3 simulation failed, 1 internal error.

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "spincim/config/study.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/output_dir.hpp"

#include "crossbar_study.hpp"
#include "network_study.hpp"
#include "runner.hpp"
#include "sweep_study.hpp"
#include "xnor_study.hpp"

#ifndef SPINCIM_VERSION
#define SPINCIM_VERSION "unknown"
#endif

namespace fs = std::filesystem;
using namespace spincim;

namespace {

// Where `.include` files may come from: $SPINCIM_MODELS_DIR, else the models/ folder installed
// beside the executable (../share/spincim/models), else the source tree's.
fs::path models_root(const char* argv0) {
    if (const char* env = std::getenv("SPINCIM_MODELS_DIR"); env && *env)
        return env;
    std::error_code ec;
    const fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "spincim" / "models";
        if (fs::is_directory(installed, ec))
            return installed;
    }
    (void)argv0;
    return SPINCIM_MODELS_DIR;
}

void require_file(const std::string& study) {
    std::error_code ec;
    if (!fs::is_regular_file(study, ec))
        throw InputError("no such study file", {study, 0, 0, ""});
}

int cmd_check(const std::string& file, const fs::path& models) {
    require_file(file);
    const auto study = config::load_study(file, models);
    if (study.monte_carlo) {
        std::size_t cases = study.monte_carlo->cases.size();
        std::cout << file << ": study " << study.name << " is valid (monte_carlo study, " << cases
                  << (cases == 1 ? " case" : " cases") << "; run it with `spincim sweep`)\n";
        return 0;
    }
    if (study.network) {
        std::cout << file << ": study " << study.name << " is valid (network study, "
                  << study.network->arrays.size() << " array configurations)\n";
        return 0;
    }
    if (study.crossbar) {
        std::cout << file << ": study " << study.name << " is valid (crossbar study, "
                  << study.crossbar->solutions << " solutions, " << study.crossbar->diameters.size()
                  << " diameters)\n";
        return 0;
    }
    const auto net = config::build_netlist(study);
    (void)net.to_spice(); // runs the netlist-wide checks
    std::cout << file << ": study " << study.name << " is valid (" << net.elements().size()
              << " elements" << (study.xnor_row ? " in the first row" : "") << ", "
              << study.measures.size() << " measurements)\n";
    return 0;
}

int cmd_netlist(const std::string& file, const std::string& out, const fs::path& models) {
    require_file(file);
    const auto study = config::load_study(file, models);
    const std::string text = config::build_netlist(study).to_spice();
    if (out.empty() || out == "-") {
        std::cout << text;
        return 0;
    }
    // Write beside the target and rename: the file appears complete or not at all.
    const fs::path target = fs::absolute(out);
    if (!target.parent_path().empty())
        fs::create_directories(target.parent_path());
    const fs::path tmp = target.string() + ".partial";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << text;
        if (!f.flush())
            throw InputError("cannot write the netlist", {target.string(), 0, 0, ""});
    }
    fs::rename(tmp, target);
    return 0;
}

int cmd_run(const std::string& file, const std::string& outdir, const fs::path& models) {
    require_file(file);
    // Everything that can be wrong with the input is found before anything is written.
    const auto study = config::load_study(file, models);
    if (study.monte_carlo)
        throw InputError("a monte_carlo study runs many samples: use `spincim sweep " + file +
                             " -o " + outdir + "`",
                         SourceLocation{file, 0, 0, "monte_carlo"});
    if (study.network) {
        OutputDir out(outdir);
        std::string table;
        const auto j = cli::run_network(study, out, table);
        out.write("results.json", j.dump(2) + "\n");
        out.commit();
        std::cout << table << "results: " << out.target().string() << "\n";
        return 0;
    }
    if (study.crossbar) {
        OutputDir out(outdir);
        std::string table;
        const cli::CrossbarStudyMeta meta{study.name, study.file, study.description, study.seed,
                                          study.resolved};
        const auto j = cli::run_crossbar(meta, *study.crossbar, out, table);
        out.write("results.json", j.dump(2) + "\n");
        out.commit();
        std::cout << table << "results: " << out.target().string() << "\n";
        return 0;
    }
    (void)config::build_netlist(study).to_spice();
    OutputDir out(outdir);
    spice::SessionOptions options;
    options.timeout_s = study.simulation.timeout_s;
    spice::Session session(options);
    if (study.xnor_row) {
        const cli::XnorStudyResult r = cli::run_xnor_study(study, session);
        out.write("results.json", cli::xnor_results_json(study, r).dump(2) + "\n");
        out.write("netlist.cir", config::build_netlist(study).to_spice());
        if (r.ok()) {
            out.write("vsl_vs_n1.csv", cli::xnor_points_csv(r));
            out.write("rows.csv", cli::xnor_rows_csv(r));
        }
        out.commit();
        std::cout << cli::xnor_table(study, r) << "results: " << out.target().string() << "\n";
        for (const auto& w : r.warnings)
            std::cerr << "spincim: warning: " << w << "\n";
        if (!r.ok()) {
            std::cerr << "spincim: simulation failed: " << r.failure.summary() << "\n";
            return static_cast<int>(ExitCode::simulation_failed);
        }
        return 0;
    }
    const cli::StudyResult result = cli::run_study(study, session);
    out.write("results.json", cli::results_json(study, result).dump(2) + "\n");
    out.write("netlist.cir", result.netlist_text);
    if (result.run.usable()) {
        out.write("measurements.csv", cli::measurements_csv(result));
        if (!study.waveforms.empty())
            out.write("waveforms.csv", cli::waveforms_csv(study, result));
    }
    out.commit();
    std::cout << cli::results_table(study, result) << "results: " << out.target().string() << "\n";
    if (!result.run.usable()) {
        std::cerr << "spincim: simulation failed: " << result.run.summary() << "\n";
        return static_cast<int>(ExitCode::simulation_failed);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // Numbers are read and written in the C locale whatever the user's environment says.
    std::setlocale(LC_ALL, "C");

    CLI::App app{"spincim " SPINCIM_VERSION
                 " — SPICE-coupled co-simulation of MTJ in-memory and neuromorphic circuits"};
    app.require_subcommand(1);
    std::string study, out;

    auto* check = app.add_subcommand("check", "Validate a study file; exit 0 if valid, 2 if not");
    check->add_option("study", study, "study file (YAML)")->required();

    auto* netlist = app.add_subcommand("netlist", "Write the netlist `run` would simulate");
    netlist->add_option("study", study, "study file (YAML)")->required();
    netlist->add_option("-o,--output", out, "output netlist file (default: standard output)");

    auto* run = app.add_subcommand("run", "Run one simulation of a study");
    run->add_option("study", study, "study file (YAML)")->required();
    run->add_option("-o,--output", out, "output directory (results.json, measurements.csv, ...)")
        ->required();
    run->footer("\n" + config::study_reference());

    cli::SweepCommand sweep_cmd;
    auto* sweep = app.add_subcommand(
        "sweep", "Run a Monte Carlo study over worker processes (resumable with --resume)");
    sweep->add_option("study", study, "study file (YAML) with a monte_carlo section")->required();
    sweep
        ->add_option("-o,--output", out,
                     "output directory (journal.tsv, samples.csv, crer_*.csv, aer.csv, "
                     "comparisons.csv, results.json)")
        ->required();
    sweep->add_option("-w,--workers", sweep_cmd.workers, "worker processes (default: one per core)")
        ->check(CLI::Range(0, 1024));
    sweep->add_flag("--resume", sweep_cmd.resume,
                    "continue the sweep in OUTDIR: run only the samples its journal lacks");
    bool no_progress = false;
    sweep->add_flag("--no-progress", no_progress, "no progress bar on standard error");

    cli::MismatchCommand mismatch_cmd;
    std::size_t mismatch_k = 0;
    auto* mismatch = app.add_subcommand(
        "mismatch", "Which devices set the spread of the time margin (monte_carlo study)");
    mismatch->add_option("study", study, "study file (YAML) with a monte_carlo section")
        ->required();
    mismatch->add_option("--case", mismatch_cmd.case_label, "case label (default: the first)");
    auto* mismatch_k_opt =
        mismatch->add_option("--k", mismatch_k, "popcount N1 (default: N/2 - 1)");
    mismatch
        ->add_option("--row-draws", mismatch_cmd.row_draws,
                     "rows drawn for the row's share (default: 40)")
        ->check(CLI::Range(2, 100000));

    // The worker processes of a sweep (not for users: the supervisor starts them).
    std::string worker_hash;
    auto* worker = app.add_subcommand("sweep-worker", "");
    worker->group("");
    worker->add_option("study", study)->required();
    worker->add_option("--hash", worker_hash)->required();

    std::string topic;
    auto* help = app.add_subcommand("help", "Show help for spincim or one command");
    help->add_option("command", topic, "command to describe");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help exits 0; usage errors are bad input (exit 2).
        const int code = app.exit(e);
        return code == 0 ? 0 : static_cast<int>(ExitCode::bad_input);
    }

    try {
        const fs::path models = models_root(argv[0]);
        if (*check)
            return cmd_check(study, models);
        if (*netlist)
            return cmd_netlist(study, out, models);
        if (*run)
            return cmd_run(study, out, models);
        if (*sweep) {
            require_file(study);
            const auto spec = config::load_study(study, models);
            sweep_cmd.study_file = study;
            sweep_cmd.outdir = out;
            sweep_cmd.progress = !no_progress;
            return cli::run_sweep(spec, sweep_cmd, std::cout);
        }
        if (*mismatch) {
            require_file(study);
            if (mismatch_k_opt->count() > 0)
                mismatch_cmd.k = mismatch_k;
            return cli::run_mismatch(config::load_study(study, models), mismatch_cmd, std::cout);
        }
        if (*worker) {
            require_file(study);
            return cli::run_sweep_worker(config::load_study(study, models), worker_hash);
        }
        if (topic.empty()) {
            std::cout << app.help();
            return 0;
        }
        for (auto* sub : app.get_subcommands({}))
            if (sub->get_name() == topic) {
                std::cout << sub->help();
                return 0;
            }
        std::cerr << "spincim: no command '" << topic
                  << "' (commands: check, netlist, run, sweep, mismatch, help)\n";
        return static_cast<int>(ExitCode::bad_input);
    } catch (const InputError& e) {
        std::cerr << "spincim: error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::bad_input);
    } catch (const SimulationError& e) {
        std::cerr << "spincim: simulation failed: " << e.what() << "\n";
        return static_cast<int>(ExitCode::simulation_failed);
    } catch (const std::exception& e) {
        std::cerr << "spincim: internal error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::internal);
    }
}
