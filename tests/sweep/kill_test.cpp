// A supervisor SIGKILLed at any moment: the journal resumes to the same table, and no worker is
// left running.
#include <chrono>
#include <csignal>
#include <thread>

#include <catch2/catch.hpp>

#include "spincim/core/random.hpp"
#include "spincim/sweep/worker.hpp"

#include "test_util.hpp"

using sweep_test::Scratch;

namespace {

std::vector<std::string> driver(const Scratch& s, const std::string& journal,
                                const std::string& table, int workers,
                                std::vector<std::string> worker_extra = {},
                                std::vector<std::string> driver_extra = {}) {
    std::vector<std::string> argv{SWEEP_DRIVER,
                                  "--journal",
                                  (s / journal).string(),
                                  "--table",
                                  (s / table).string(),
                                  "--points",
                                  "5",
                                  "--samples",
                                  "40",
                                  "--workers",
                                  std::to_string(workers)};
    argv.insert(argv.end(), driver_extra.begin(), driver_extra.end());
    argv.insert(argv.end(), {"--", SWEEP_FAKE_WORKER, "--scratch", s.dir.string()});
    argv.insert(argv.end(), worker_extra.begin(), worker_extra.end());
    return argv;
}

void wait_for_lines(const std::filesystem::path& journal, std::size_t lines, pid_t pid) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < give_up) {
        if (std::filesystem::exists(journal) && sweep_test::count_lines(journal) >= lines)
            return;
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            FAIL("the driver finished before it could be killed");
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    FAIL("the journal did not grow to " << lines << " lines");
}

// Waits up to `seconds` for every listed process to end.
bool all_gone(const std::vector<int>& pids, double seconds) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        bool gone = true;
        for (int pid : pids)
            gone = gone && sweep_test::process_gone(pid);
        if (gone)
            return true;
        if (std::chrono::steady_clock::now() > give_up)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

} // namespace

TEST_CASE("a supervisor SIGKILLed at random points resumes to the uninterrupted table") {
    Scratch s("kill-resume");
    const auto log = s / "log.txt";
    // The reference: one uninterrupted run.
    REQUIRE(sweep_test::run(driver(s, "ref.tsv", "ref.csv", 2), log) == 0);
    const auto reference = sweep_test::slurp(s / "ref.csv");
    REQUIRE(sweep_test::count_lines(s / "ref.csv") == 201);

    // Kill points drawn from a fixed stream (reproducible, no std::random_device): three kills
    // after 1 + [0, 50) new journal lines each, with 3 ms samples so the run is still going.
    spincim::RandomStream rs(2024, 0, "kill-points");
    std::size_t seen = 1; // the header
    for (int k = 0; k < 3; ++k) {
        const auto extra =
            k == 0 ? std::vector<std::string>{} : std::vector<std::string>{"--resume"};
        const pid_t pid =
            sweep_test::spawn(driver(s, "run.tsv", "run.csv", 2, {"--slow-ms", "3"}, extra), log);
        REQUIRE(pid > 0);
        seen += 1 + static_cast<std::size_t>(rs.uniform() * 50);
        wait_for_lines(s / "run.tsv", seen, pid);
        ::kill(pid, SIGKILL);
        CHECK(sweep_test::wait_exit(pid) == 128 + SIGKILL);
        seen = sweep_test::count_lines(s / "run.tsv");
        CHECK_FALSE(std::filesystem::exists(s / "run.csv"));
    }
    // Workers notice the supervisor's death (stdin EOF, or PDEATHSIG if busy).
    CHECK(all_gone(sweep_test::worker_pids(s.dir), 2.0));
    // Resume with another number of workers: same bytes as the uninterrupted run.
    REQUIRE(sweep_test::run(driver(s, "run.tsv", "run.csv", 1, {}, {"--resume"}), log) == 0);
    CHECK(sweep_test::slurp(s / "run.csv") == reference);
    CHECK(sweep_test::count_lines(s / "run.tsv") == 201); // header + each sample once
}

TEST_CASE("a journal with a torn last line resumes to the uninterrupted table") {
    Scratch s("torn-resume");
    const auto log = s / "log.txt";
    REQUIRE(sweep_test::run(driver(s, "ref.tsv", "ref.csv", 2), log) == 0);
    const auto full = sweep_test::slurp(s / "ref.tsv");
    // Cut the complete journal in the middle of its 120th line: as if the writer died there.
    std::size_t pos = 0;
    for (int i = 0; i < 120; ++i)
        pos = full.find('\n', pos) + 1;
    const auto cut = full.substr(0, pos + 9);
    std::ofstream(s / "cut.tsv", std::ios::binary) << cut;
    REQUIRE(sweep_test::run(driver(s, "cut.tsv", "cut.csv", 2, {}, {"--resume"}), log) == 0);
    CHECK(sweep_test::slurp(s / "cut.csv") == sweep_test::slurp(s / "ref.csv"));
    // The first 120 lines were kept as they were; the torn one was replaced by whole ones.
    CHECK(sweep_test::slurp(s / "cut.tsv").substr(0, pos) == full.substr(0, pos));
    CHECK(sweep_test::count_lines(s / "cut.tsv") == 201);
}

TEST_CASE("the driver refuses a journal of another study and an unrequested overwrite") {
    Scratch s("driver-errors");
    const auto log = s / "log.txt";
    REQUIRE(sweep_test::run(driver(s, "j.tsv", "t.csv", 1), log) == 0);
    CHECK(sweep_test::run(driver(s, "j.tsv", "t.csv", 1), log) == 2);
    CHECK(sweep_test::run(driver(s, "j.tsv", "t.csv", 1, {}, {"--resume", "--hash", "other"}),
                          log) == 2);
    const auto text = sweep_test::slurp(log);
    CHECK(text.find((s / "j.tsv").string() + ":1: sweep journal was written for study hash") !=
          std::string::npos);
}

TEST_CASE("workers stuck in a sample die with a SIGKILLed supervisor") {
    Scratch s("orphans");
    const auto log = s / "log.txt";
    // Two workers: one hangs on (0, 1) (never reads stdin again), the other is slow.
    const pid_t pid = sweep_test::spawn(
        driver(s, "j.tsv", "t.csv", 2, {"--hang-on", "0:1", "--slow-ms", "50"}), log);
    REQUIRE(pid > 0);
    wait_for_lines(s / "j.tsv", 4, pid);
    const auto pids = sweep_test::worker_pids(s.dir);
    REQUIRE(pids.size() == 2);
    for (int w : pids)
        CHECK_FALSE(sweep_test::process_gone(w));
    ::kill(pid, SIGKILL);
    sweep_test::wait_exit(pid);
    CHECK(all_gone(pids, 1.0));
}

TEST_CASE("a worker process answers its requests and ends with code 0 at the end of stdin") {
    Scratch s("worker-eof");
    std::ofstream(s / "requests.txt") << "0\t1\n3\t7\n";
    const auto log = s / "out.txt";
    const pid_t pid = sweep_test::spawn({SWEEP_FAKE_WORKER}, log, s / "requests.txt");
    REQUIRE(pid > 0);
    CHECK(sweep_test::wait_exit(pid) == 0);
    // Greeting plus two answers (worker.hpp, protocol version 1); the values are the fake
    // evaluator's, recomputed here from its RandomStream key.
    std::string expected = "spincim-sweep-worker\t1\n0\t1\tok\t3";
    for (double v : sweep_test::fake_values({0, 1}))
        expected.append("\t").append(spincim::sweep::format_value(v));
    expected.append("\t\n3\t7\tnonconv\t0\tfake: timestep too small\n");
    CHECK(sweep_test::slurp(log) == expected);
}
