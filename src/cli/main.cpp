// The spincim executable: argument parsing, dispatch through the study-kind registry and the
// exit codes of the CLI contract (ARCHITECTURE.md). No study logic lives here.
//
//   spincim check   STUDY.yaml                 validate only; exit 0 or 2
//   spincim netlist STUDY.yaml -o OUT.cir      write the netlist `run` would simulate
//   spincim run     STUDY.yaml -o OUTDIR       one simulation: results.json + CSV tables
//   spincim sweep   STUDY.yaml -o OUTDIR [--workers N] [--resume]   Monte Carlo sweep
//   spincim mismatch STUDY.yaml [--case L] [--k K]   where the time margin's spread comes from
//   spincim help [COMMAND|KIND]    spincim --version

#include <clocale>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/output_dir.hpp"
#include "spincim/studies/registry.hpp"

#ifndef SPINCIM_VERSION
#define SPINCIM_VERSION "unknown"
#endif

namespace fs = std::filesystem;
using namespace spincim;

namespace {

constexpr const char* kExitCodes =
    "exit codes: 0 success, 1 internal error, 2 bad input (the message names file, line, column "
    "and key), 3 simulation failed (with ngspice's own words), 4 an output could not be written "
    "(the message names the path and the cause)\n";

// Where `.include` files may come from: $SPINCIM_MODELS_DIR, else the models/ folder installed
// beside the executable (../share/spincim/models), else the source tree's.
fs::path models_root() {
    if (const char* env = std::getenv("SPINCIM_MODELS_DIR"); env && *env)
        return env;
    std::error_code ec;
    const fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "spincim" / "models";
        if (fs::is_directory(installed, ec))
            return installed;
    }
    return SPINCIM_MODELS_DIR;
}

std::unique_ptr<studies::Study> load(const std::string& file) {
    return studies::load_study(file, studies::Environment{models_root()});
}

int cmd_check(const std::string& file) {
    const auto study = load(file);
    std::cout << file << ": study " << study->header().name << " is valid (" << study->summary()
              << ")\n";
    return 0;
}

int cmd_netlist(const std::string& file, const std::string& out) {
    const std::string text = load(file)->netlist().to_spice();
    if (out.empty() || out == "-") {
        std::cout << text;
        return 0;
    }
    const fs::path target = fs::absolute(out);
    std::error_code ec;
    if (!target.parent_path().empty())
        fs::create_directories(target.parent_path(), ec);
    if (ec)
        throw OutputError(target.parent_path().string(), ec.message());
    write_file_atomically(target, text);
    return 0;
}

// What an output directory holds before a run writes there.
struct Earlier {
    bool empty = true;     // no directory, or an empty one
    std::string study;     // the study of its results.json ("" if none or unreadable)
    bool complete = false; // its results.json reports a usable run
};

Earlier earlier_output(const fs::path& dir) {
    Earlier e;
    std::error_code ec;
    if (!fs::is_directory(dir, ec) || fs::is_empty(dir, ec))
        return e;
    e.empty = false;
    std::ifstream in(dir / "results.json");
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("study") && j["study"].is_string()) {
        e.study = j["study"].get<std::string>();
        const std::string status = j.value("status", std::string("ok"));
        e.complete = status == "ok" || status == "warning";
    }
    return e;
}

std::string now_stamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

int cmd_run(const std::string& file, const std::string& outdir, bool progress, bool force) {
    // Everything that can be wrong with the input is found before anything is written.
    const auto study = load(file);
    const fs::path target = fs::absolute(outdir).lexically_normal();
    // An earlier output of the same study may be replaced; anything else in the directory is
    // somebody's data and is kept unless the user says --force.
    const Earlier before = earlier_output(target);
    if (!before.empty && before.study != study->header().name && !force)
        throw InputError(before.study.empty()
                             ? "the output directory is not empty and holds no spincim result; "
                               "choose another one, or add --force to replace it"
                             : "the output directory holds a result of study '" + before.study +
                                   "'; choose another one, or add --force to replace it",
                         SourceLocation{target.string(), 0, 0, "-o"});
    OutputDir out(target);
    const studies::RunOutcome outcome = study->run(out, std::cout, studies::RunOptions{progress});
    fs::path where = out.target();
    if (!outcome.failure.empty() && before.complete) {
        // A failed run never replaces a complete result: its record goes beside it.
        where = target / "failed" / now_stamp();
        out.commit_to(where);
    } else {
        out.commit();
    }
    std::cout << "results: " << where.string() << "\n";
    for (const auto& w : outcome.warnings)
        std::cerr << "spincim: warning: " << w << "\n";
    if (!outcome.failure.empty()) {
        std::cerr << "spincim: simulation failed: " << outcome.failure << "\n";
        if (where != target)
            std::cerr << "spincim: the earlier result in " << target.string()
                      << " is kept; this run's record is in " << where.string() << "\n";
        return static_cast<int>(ExitCode::simulation_failed);
    }
    return 0;
}

// `spincim help`: the commands, the study kinds and the exit codes, one line each.
std::string overview(const CLI::App& app) {
    std::ostringstream s;
    s << app.get_description() << "\n\nusage: spincim COMMAND [ARGUMENTS]   (spincim help COMMAND "
      << "for its options)\n\ncommands:\n";
    for (const auto* sub : app.get_subcommands({})) {
        if (sub->get_group().empty())
            continue;
        std::string name = "  " + sub->get_name();
        name.resize(12, ' ');
        s << name << sub->get_description() << "\n";
    }
    s << "\nstudy kinds (spincim help KIND for its keys):\n";
    for (const auto* kind : studies::kinds()) {
        std::string name = "  " + std::string(kind->name());
        name.resize(12, ' ');
        s << name << kind->summary() << "\n";
    }
    s << "\n" << kExitCodes;
    return s.str();
}

} // namespace

int main(int argc, char** argv) {
    // Numbers are read and written in the C locale whatever the user's environment says.
    std::setlocale(LC_ALL, "C");

    CLI::App app{"spincim " SPINCIM_VERSION
                 " — SPICE-coupled co-simulation of MTJ in-memory and neuromorphic circuits",
                 "spincim"};
    app.set_version_flag("--version", std::string("spincim ") + SPINCIM_VERSION);
    app.footer(kExitCodes);
    // At most one command: a word after a command is its argument, never a second command
    // (`spincim help run` is the help of `run`).
    app.require_subcommand(0, 1);
    std::string study, out;

    auto* check = app.add_subcommand("check", "validate a study file; exit 0 if valid, 2 if not");
    check->add_option("study", study, "study file (YAML)")->required();

    auto* netlist = app.add_subcommand("netlist", "write the netlist `run` would simulate");
    netlist->add_option("study", study, "study file (YAML)")->required();
    netlist->add_option("-o,--output", out, "output netlist file (default: standard output)");

    bool no_progress = false;
    bool force = false;
    auto* run = app.add_subcommand("run", "run one study: results.json and its tables in OUTDIR");
    run->add_option("study", study, "study file (YAML)")->required();
    run->add_option("-o,--output", out, "output directory (results.json, measurements.csv, ...)")
        ->required();
    run->add_flag("--no-progress", no_progress, "no progress report on standard error");
    run->add_flag("--force", force,
                  "replace OUTDIR even if it holds another study's result or other files");
    run->footer("\nThe keys of a study file: spincim help KIND (spincim help lists the kinds).");

    studies::SweepCommand sweep_cmd;
    auto* sweep = app.add_subcommand(
        "sweep", "run a swept (Monte Carlo) study over worker processes; resumable");
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
    sweep->add_flag("--no-progress", no_progress, "no progress bar on standard error");

    studies::MismatchCommand mismatch_cmd;
    std::size_t mismatch_k = 0;
    auto* mismatch = app.add_subcommand(
        "mismatch", "which devices set the spread of a swept study's time margin");
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

    // Everything after `help` is its topic, even a command name (CLI11 would otherwise parse
    // `help run` as the `run` command).
    auto* help = app.add_subcommand("help", "the commands and study kinds, or one of them");
    help->prefix_command();

    if (argc < 2) {
        std::cerr << overview(app);
        return static_cast<int>(ExitCode::bad_input);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; usage errors are bad input (exit 2).
        const int code = app.exit(e);
        return code == 0 ? 0 : static_cast<int>(ExitCode::bad_input);
    }

    try {
        sweep_cmd.progress = !no_progress;
        if (*check)
            return cmd_check(study);
        if (*netlist)
            return cmd_netlist(study, out);
        if (*run)
            return cmd_run(study, out, !no_progress, force);
        if (*sweep) {
            sweep_cmd.study_file = study;
            sweep_cmd.outdir = out;
            return studies::run_sweep(*load(study), sweep_cmd, std::cout);
        }
        if (*mismatch) {
            if (mismatch_k_opt->count() > 0)
                mismatch_cmd.k = mismatch_k;
            return load(study)->mismatch(mismatch_cmd, std::cout);
        }
        if (*worker)
            return studies::run_sweep_worker(*load(study), worker_hash);
        if (*help) {
            const auto words = help->remaining();
            if (words.size() > 1) {
                std::cerr << "spincim: help takes one command or study kind\n";
                return static_cast<int>(ExitCode::bad_input);
            }
            const std::string topic = words.empty() ? std::string() : words.front();
            if (topic.empty()) {
                std::cout << overview(app);
                return 0;
            }
            for (const auto* sub : app.get_subcommands({}))
                if (sub->get_name() == topic && !sub->get_group().empty()) {
                    std::cout << sub->help();
                    return 0;
                }
            if (const auto* kind = studies::find_kind(topic)) {
                std::cout << kind->name() << ": " << kind->summary() << "\n\n"
                          << studies::common_help() << "\nkeys of the " << kind->name()
                          << " kind:\n"
                          << kind->help();
                return 0;
            }
            std::cerr << "spincim: no command or study kind '" << topic
                      << "' (spincim help lists them)\n";
            return static_cast<int>(ExitCode::bad_input);
        }
        std::cerr << overview(app);
        return static_cast<int>(ExitCode::bad_input);
    } catch (const Error& e) {
        const ExitCode code = e.exit_code();
        const char* what = code == ExitCode::bad_input           ? "error"
                           : code == ExitCode::simulation_failed ? "simulation failed"
                           : code == ExitCode::output_failed     ? "output not written"
                                                                 : "internal error";
        std::cerr << "spincim: " << what << ": " << e.what() << "\n";
        return static_cast<int>(code);
    } catch (const std::exception& e) {
        std::cerr << "spincim: internal error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::internal);
    }
}
