// `spincim sweep` end to end (issue 4, acceptance 3 and 8): a small Monte Carlo study of the
// STT-BNN sense path (seed 001 Sec. IV) run with 1 and 2 workers, killed and resumed, with a
// worker killed mid-sample, and with impossible plans.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using namespace spincim_test;
using Catch::Matchers::Contains;

namespace {

// N = 8 rows read through the TBS, variation on: 2 popcounts x 5 draws. Small enough for the
// suite (~1 s per sample), large enough that two workers interleave.
const std::string kStudy = R"(study: mc_small
seed: 11
monte_carlo:
  row: {v_bl: 0.3, v_wl: 0.7}
  cases:
    - {label: n8, n: 8}
  plan: {kind: fixed, k: [3, 5], samples: 5}
)";

// Lines of samples.csv without the `attempts` column (a replaced worker raises the attempts of
// its sample; every value must still be the same).
std::string without_attempts(const std::string& csv) {
    std::string out;
    std::size_t pos = 0;
    while (pos < csv.size()) {
        const std::size_t end = csv.find('\n', pos);
        const std::string line = csv.substr(pos, end - pos);
        std::size_t c3 = 0;
        for (int i = 0; i < 3; ++i)
            c3 = line.find(',', c3) + 1;
        const std::size_t c4 = line.find(',', c3);
        out += line.substr(0, c3) + line.substr(c4 + 1) + "\n";
        pos = end + 1;
    }
    return out;
}

// Children of `pid` (from /proc/<pid>/task/<pid>/children).
std::vector<pid_t> children(pid_t pid) {
    const std::string text =
        slurp("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    std::vector<pid_t> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(' ', pos);
        if (end == std::string::npos)
            end = text.size();
        if (end > pos)
            out.push_back(static_cast<pid_t>(std::stol(text.substr(pos, end - pos))));
        pos = end + 1;
    }
    return out;
}

// Number of sample lines in the journal (its first line is the header).
std::size_t journal_samples(const fs::path& journal) {
    const std::string text = slurp(journal);
    std::size_t lines = 0;
    for (char ch : text)
        lines += ch == '\n';
    return lines > 0 ? lines - 1 : 0;
}

// Starts `spincim sweep` in the background; returns its pid.
pid_t start_sweep(const fs::path& dir, const std::string& args) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::chdir(dir.c_str()) != 0)
            std::_Exit(127);
        const std::string out = (dir / ".bg_out").string();
        const std::string err = (dir / ".bg_err").string();
        if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr))
            std::_Exit(127);
        std::vector<std::string> words{SPINCIM_EXE, "sweep", "study.yaml"};
        std::size_t pos = 0;
        while (pos < args.size()) {
            std::size_t end = args.find(' ', pos);
            if (end == std::string::npos)
                end = args.size();
            words.push_back(args.substr(pos, end - pos));
            pos = end + 1;
        }
        std::vector<char*> argv;
        for (auto& w : words)
            argv.push_back(w.data());
        argv.push_back(nullptr);
        ::execv(SPINCIM_EXE, argv.data());
        std::_Exit(127);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

TEST_CASE("sweep: 1 and 2 workers, and a SIGKILLed run resumed, give byte-identical tables",
          "[sweep][spice]") {
    const auto dir = scratch("sweep_repro");
    write_file(dir / "study.yaml", kStudy);

    const Outcome one = spincim("sweep study.yaml -o w1 --workers 1 --no-progress", dir);
    INFO(one.out << one.err);
    REQUIRE(one.code == 0);
    const Outcome two = spincim("sweep study.yaml -o w2 --workers 2 --no-progress", dir);
    INFO(two.out << two.err);
    REQUIRE(two.code == 0);
    const std::string reference = slurp(dir / "w1" / "samples.csv");
    // Case 0: the sweep point of popcount k is k; samples 0 ... 4 of k = 3 and k = 5.
    REQUIRE(reference.find("\n3,0,") != std::string::npos);
    REQUIRE(reference.find("\n5,4,") != std::string::npos);
    CHECK(slurp(dir / "w2" / "samples.csv") == reference);
    CHECK(slurp(dir / "w2" / "crer_n8.csv") == slurp(dir / "w1" / "crer_n8.csv"));
    // 10 samples + header.
    CHECK(std::count(reference.begin(), reference.end(), '\n') == 11);

    // Kill the supervisor (SIGKILL: no cleanup of any kind) once a number of samples between
    // 2 and 7 is in the journal, drawn from the clock so different runs cut at different places.
    const auto cut = 2 + static_cast<std::size_t>(
                             std::chrono::steady_clock::now().time_since_epoch().count() % 6);
    const pid_t pid = start_sweep(dir, "-o killed --workers 2 --no-progress");
    const fs::path journal = dir / "killed" / "journal.tsv";
    for (int i = 0; i < 2400 && journal_samples(journal) < cut; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(pid, SIGKILL);
    CHECK(wait_exit(pid) == 128 + SIGKILL);
    INFO("killed after " << journal_samples(journal) << " samples (cut " << cut << ")");
    CHECK_FALSE(fs::exists(dir / "killed" / "results.json"));
    // Without --resume the journal is protected.
    const Outcome refused = spincim("sweep study.yaml -o killed --no-progress", dir);
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Contains("journal"));
    const Outcome resumed = spincim("sweep study.yaml -o killed --resume --no-progress", dir);
    INFO(resumed.out << resumed.err);
    REQUIRE(resumed.code == 0);
    CHECK(slurp(dir / "killed" / "samples.csv") == reference);
    CHECK(slurp(dir / "killed" / "crer_n8.csv") == slurp(dir / "w1" / "crer_n8.csv"));
    // The workers of the killed supervisor did not outlive it.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // ([s] keeps pgrep from matching the shell that runs it.)
    const Outcome ps =
        shell("pgrep -f '[s]weep-worker " + (dir / "study.yaml").string() + "' || true", dir);
    CHECK(ps.out.empty());
}

TEST_CASE("sweep: a worker killed mid-sample is replaced and the sweep completes",
          "[sweep][spice]") {
    const auto dir = scratch("sweep_workerkill");
    write_file(dir / "study.yaml", kStudy);
    const Outcome ref = spincim("sweep study.yaml -o ref --workers 1 --no-progress", dir);
    REQUIRE(ref.code == 0);

    const pid_t pid = start_sweep(dir, "-o out --workers 2 --no-progress");
    const fs::path journal = dir / "out" / "journal.tsv";
    // Wait for the first sample (the workers are calibrated and busy), then kill one worker.
    for (int i = 0; i < 2400 && journal_samples(journal) < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto kids = children(pid);
    REQUIRE_FALSE(kids.empty());
    ::kill(kids.front(), SIGKILL);
    REQUIRE(wait_exit(pid) == 0);
    const std::string table = slurp(dir / "out" / "samples.csv");
    // One sample needed a second attempt (unless the worker was between samples when it died);
    // every value is the same as in the undisturbed run.
    CHECK(without_attempts(table) == without_attempts(slurp(dir / "ref" / "samples.csv")));
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK(int(j["sweep"]["workers_replaced"]) >= 1);
}

TEST_CASE("sweep: impossible plans exit 2 naming file, line and key", "[sweep]") {
    const auto dir = scratch("sweep_bad");
    struct Case {
        std::string yaml;
        std::string where;
        std::string what;
    };
    const std::string head = "study: bad\nseed: 1\nmonte_carlo:\n  cases:\n    - {n: 16}\n";
    const std::vector<Case> cases{
        // 0 samples per popcount.
        {head + "  plan: {kind: fixed, k: [7], samples: 0}\n",
         "study.yaml:6:", "monte_carlo.plan.samples"},
        // N1 > N.
        {head + "  plan: {kind: fixed, k: [7, 17], samples: 3}\n",
         "study.yaml:6:", "monte_carlo.plan.k[1]"},
        // A negative sigma.
        {head + "  variation:\n    mtj:\n      area: {global: -0.01, local: 0.05}\n",
         "study.yaml:8:", "monte_carlo.variation.mtj.area.global"},
        // A sigma beyond what a normal law can give a physical area.
        {head + "  variation:\n    mtj:\n      area: {local: 0.5}\n",
         "study.yaml:7:", "monte_carlo.variation"},
        // No cases.
        {"study: bad\nseed: 1\nmonte_carlo:\n  cases: []\n", "study.yaml:4:", "monte_carlo.cases"},
    };
    for (const auto& c : cases) {
        write_file(dir / "study.yaml", c.yaml);
        const Outcome r = spincim("sweep study.yaml -o out --no-progress", dir);
        INFO(c.yaml << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(c.where));
        CHECK_THAT(r.err, Contains(c.what));
        CHECK_FALSE(fs::exists(dir / "out" / "journal.tsv"));
        const Outcome chk = spincim("check study.yaml", dir);
        CHECK(chk.code == 2);
    }
    // A study of another kind has nothing to sweep.
    write_file(dir / "study.yaml", "study: rc\nseed: 1\nxnor_row: {sizes: [4]}\n");
    const Outcome other = spincim("sweep study.yaml -o out --no-progress", dir);
    CHECK(other.code == 2);
    CHECK_THAT(other.err, Contains("nothing to sweep"));
}

// Regression: a case whose every sample fails (here the sense amplifier is so starved that D_in
// never switches, so the reference calibration fails) used to make the adaptive plan ask for its
// first round again and again until the sample budget was spent. The case is now abandoned after
// one round without a usable sample, and the sweep exits 3 naming it.
TEST_CASE("sweep: a case without any usable sample is abandoned after one round",
          "[sweep][spice]") {
    const auto dir = scratch("sweep_dead");
    write_file(dir / "study.yaml", R"(study: dead
seed: 3
monte_carlo:
  tbs: {st_multiplicity: 1, load_multiplicity: 1000}
  cases:
    - {label: starved, n: 8}
  plan: {kind: adaptive, first_round: 4, first_span: 1}
)");
    const Outcome r = spincim("sweep study.yaml -o out --workers 2 --no-progress", dir);
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Contains("case starved"));
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK(bool(j["cases"][0]["abandoned"]));
    // A failed case has no AER and no precision verdict (issue 21, item 3).
    CHECK(bool(j["cases"][0]["failed"]));
    CHECK(j["cases"][0]["aer"].is_null());
    CHECK_FALSE(j["cases"][0].contains("target_met"));
    // One round: popcounts N/2 -+ 1, 4 samples each.
    CHECK(int(j["cases"][0]["spice_samples"]) == 8);
    CHECK(int(j["cases"][0]["failed_samples"]) == 8);
}

// Regression (issue 21, item 3): with a fixed plan every case is planned in one round, so the
// abandonment check of the next round never ran, and a case whose every sample failed reported
// AER 0 with target_met true and the sweep exited 0.
TEST_CASE("sweep: a fixed-plan case without a usable sample fails: no AER, exit 3",
          "[sweep][spice]") {
    const auto dir = scratch("sweep_dead_fixed");
    write_file(dir / "study.yaml", R"(study: dead_fixed
seed: 3
monte_carlo:
  tbs: {st_multiplicity: 1, load_multiplicity: 1000}
  cases:
    - {label: starved, n: 8}
  plan: {kind: fixed, k: [3, 5], samples: 2}
)");
    const Outcome r = spincim("sweep study.yaml -o out --workers 2 --no-progress", dir);
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Contains("case starved") && Contains("no usable sample"));
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    const auto& c = j["cases"][0];
    CHECK(bool(c["failed"]));
    CHECK(c["aer"].is_null());
    CHECK_FALSE(c.contains("target_met"));
    CHECK(int(c["failed_samples"]) == 4);
    CHECK_FALSE(fs::exists(dir / "out" / "crer_starved.csv"));
    // aer.csv keeps the case's row, with empty AER and target fields.
    const std::string aer = slurp(dir / "out" / "aer.csv");
    CHECK_THAT(aer, Contains("\nstarved,8,4,false,,,,,,4,4,0,1,,,,\n"));
}

// Regression (issue 21, item 3): the journal was checked for, then created by rename, then
// locked; two sweeps started at the same instant on one new directory could both run.
TEST_CASE("sweep: of 20 sweeps started at once on one new directory exactly one runs",
          "[sweep][spice]") {
    const auto dir = scratch("sweep_race");
    write_file(dir / "study.yaml", R"(study: race
seed: 5
monte_carlo:
  cases:
    - {label: n8, n: 8}
  plan: {kind: fixed, k: [3, 5], samples: 2}
)");
    const std::string exe = SPINCIM_EXE;
    const Outcome r = shell("for i in $(seq 20); do ('" + exe +
                                "' sweep study.yaml -o out --workers 1 --no-progress "
                                ">/dev/null 2>err$i; echo $? > rc$i) & done; wait",
                            dir);
    REQUIRE(r.code == 0);
    int ran = 0, refused = 0;
    for (int i = 1; i <= 20; ++i) {
        const std::string rc = slurp(dir / ("rc" + std::to_string(i)));
        INFO("start " << i << ": exit " << rc << slurp(dir / ("err" + std::to_string(i))));
        if (rc == "0\n") {
            ++ran;
        } else {
            CHECK(rc == "2\n");
            CHECK_THAT(slurp(dir / ("err" + std::to_string(i))),
                       Contains("journal") && (Contains("in use") || Contains("exists")));
            ++refused;
        }
    }
    CHECK(ran == 1);
    CHECK(refused == 19);
    // The journal holds the header and the four samples, each written once.
    const std::string journal = slurp(dir / "out" / "journal.tsv");
    CHECK(std::count(journal.begin(), journal.end(), '\n') == 5);
}

TEST_CASE("sweep: paired AER ratios, and a larger plan resumed on the same samples",
          "[sweep][spice]") {
    const auto dir = scratch("sweep_compare");
    const std::string study = R"(study: pair
seed: 11
monte_carlo:
  row: {v_bl: 0.3, v_wl: 0.7}
  cases:
    - {label: w4, n: 8, access_width: 4}
    - {label: w6, n: 8, access_width: 6}
  plan: {kind: fixed, k: [3, 5], samples: 3}
)";
    write_file(dir / "study.yaml", study);
    const Outcome r = spincim("sweep study.yaml -o out --workers 2 --no-progress", dir);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("AER ratios"));
    const std::string csv = slurp(dir / "out" / "comparisons.csv");
    INFO(csv);
    // Header and one row: w6 against w4, paired (same N, same sample keys) on the (k, index)
    // usable in both.
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);
    CHECK_THAT(csv, Contains("\nw4,w6,access_width,true,"));
    CHECK_THAT(slurp(dir / "out" / "aer.csv"), Contains(",log_linear,"));
    const std::string before = slurp(dir / "out" / "samples.csv");

    // The plan is not part of the study hash: 4 draws per popcount instead of 3 reuse the 12.
    std::string grown = study;
    grown.replace(grown.find("samples: 3"), 10, "samples: 4");
    write_file(dir / "study.yaml", grown);
    const Outcome more = spincim("sweep study.yaml -o out --resume --workers 2 --no-progress", dir);
    INFO(more.out << more.err);
    REQUIRE(more.code == 0);
    CHECK_THAT(more.out, Contains("samples: 4 simulated now, 12 from the journal"));
    const std::string after = slurp(dir / "out" / "samples.csv");
    CHECK(std::count(after.begin(), after.end(), '\n') == 17);
    std::size_t pos = before.find('\n') + 1;
    while (pos < before.size()) {
        const std::size_t end = before.find('\n', pos);
        CHECK(after.find(before.substr(pos, end - pos + 1)) != std::string::npos);
        pos = end + 1;
    }
    // Anything else that shapes a sample is still bound: another seed is refused.
    std::string reseeded = grown;
    reseeded.replace(reseeded.find("seed: 11"), 8, "seed: 12");
    write_file(dir / "study.yaml", reseeded);
    const Outcome refused =
        spincim("sweep study.yaml -o out --resume --workers 2 --no-progress", dir);
    CHECK(refused.code == 2);
    // So are the model files the circuit includes (montecarlo::design_fingerprint), which no study
    // key names: a copy of models/ resumes, the same copy with an edited card is refused.
    write_file(dir / "study.yaml", grown);
    fs::copy(SPINCIM_SOURCE_DIR "/models", dir / "models", fs::copy_options::recursive);
    const std::string with_copy = "SPINCIM_MODELS_DIR='" + (dir / "models").string() + "' '" +
                                  SPINCIM_EXE +
                                  "' sweep study.yaml -o out --resume --workers 2 --no-progress";
    const Outcome moved = shell(with_copy, dir);
    INFO(moved.err);
    CHECK(moved.code == 0);
    CHECK_THAT(moved.out, Contains("samples: 0 simulated now, 16 from the journal"));
    {
        std::ofstream card(dir / "models" / "cmos65.lib", std::ios::app);
        card << "* edited\n";
    }
    const Outcome edited = shell(with_copy, dir);
    CHECK(edited.code == 2);
    CHECK_THAT(edited.err, Contains("the study changed"));
}
