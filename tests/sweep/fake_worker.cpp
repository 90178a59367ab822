// A sweep worker with a fake evaluator, for the sweep tests. Values come from
// RandomStream(seed, point * 1000003 + index, "fake"), so they are a pure function of the sample
// id (the tests recompute them independently). Switches make it misbehave on chosen samples:
//
//   --seed S            study seed (default 1)
//   --scratch DIR       scratch directory: pid-<pid> files, first-time markers
//   --crash-on P:I      abort() on sample (P, I) the first time only (marker file in --scratch)
//   --hang-on P:I       sleep forever on (P, I) the first time only
//   --always-crash P:I  abort() on (P, I) every time
//   --throw-on P:I      throw std::runtime_error("fake failure on P:I")
//   --garbage-on P:I    write a line that breaks the protocol before answering (P, I); the
//                       protocol then runs on the unprotected stdout
//   --bad-count-on P:I  answer (P, I) with one value too few
//   --slow-ms N         sleep N ms in every sample
//   --noisy             printf() junk to stdout in every sample (must not reach the protocol)
//   --exit-at-start     exit(7) before the greeting
//   --not-a-worker      print a wrong greeting
//   --check-start       exit(9) before the greeting if a descriptor above 2 was inherited, or
//                       if $HOME is not the working directory
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include "spincim/core/random.hpp"
#include "spincim/sweep/worker.hpp"

namespace sw = spincim::sweep;

namespace {

struct Options {
    std::uint64_t seed = 1;
    std::filesystem::path scratch;
    std::set<sw::SampleId> crash_once, hang_once, always_crash, throw_on, garbage_on, bad_count;
    int slow_ms = 0;
    bool noisy = false;
};

sw::SampleId parse_id(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw std::runtime_error("expected P:I, got " + text);
    return {std::stoull(text.substr(0, colon)), std::stoull(text.substr(colon + 1))};
}

// True the first time it is called for `what` across all worker processes (O_EXCL marker file).
bool first_time(const Options& opt, const std::string& what, const sw::SampleId& id) {
    const auto marker =
        opt.scratch / (what + "-" + std::to_string(id.point) + "-" + std::to_string(id.index));
    const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

[[noreturn]] void crash() {
    const rlimit no_core{0, 0}; // no core file for an intentional abort
    ::setrlimit(RLIMIT_CORE, &no_core);
    std::abort();
}

sw::SampleRecord evaluate(const Options& opt, const sw::SampleId& id) {
    if (opt.noisy) {
        std::printf("noise from the evaluator\n");
        std::fflush(stdout);
        std::cout << "more noise\tfrom std::cout" << std::endl;
    }
    if (opt.slow_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(opt.slow_ms));
    if (opt.always_crash.contains(id))
        crash();
    if (opt.crash_once.contains(id) && first_time(opt, "crash", id))
        crash();
    if (opt.hang_once.contains(id) && first_time(opt, "hang", id))
        for (;;)
            std::this_thread::sleep_for(std::chrono::hours(1));
    if (opt.throw_on.contains(id))
        throw std::runtime_error("fake failure on " + std::to_string(id.point) + ":" +
                                 std::to_string(id.index));
    if (opt.garbage_on.contains(id))
        std::cout << "this is not an answer" << std::endl; // stdout is the protocol here
    spincim::RandomStream rs(opt.seed, id.point * 1000003ULL + id.index, "fake");
    sw::SampleRecord r;
    r.values = {rs.normal(), 1e-9 * (1.0 + 0.1 * rs.normal()), 1e-15 * std::exp(rs.normal())};
    // A few deterministic non-ok outcomes so tables contain every kind of row.
    if (id.index % 29 == 7) {
        r.status = sw::SampleStatus::nonconv;
        r.values.clear();
        r.message = "fake: timestep too small";
    } else if (id.index % 17 == 5) {
        r.status = sw::SampleStatus::warning;
        r.message = "fake warning\twith a tab";
    }
    if (opt.bad_count.contains(id))
        r.values.resize(2);
    return r;
}

} // namespace

int main(int argc, char** argv) {
    Options opt;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            auto next = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw std::runtime_error("missing value after " + a);
                return argv[++i];
            };
            if (a == "--seed")
                opt.seed = std::stoull(next());
            else if (a == "--scratch")
                opt.scratch = next();
            else if (a == "--crash-on")
                opt.crash_once.insert(parse_id(next()));
            else if (a == "--hang-on")
                opt.hang_once.insert(parse_id(next()));
            else if (a == "--always-crash")
                opt.always_crash.insert(parse_id(next()));
            else if (a == "--throw-on")
                opt.throw_on.insert(parse_id(next()));
            else if (a == "--garbage-on")
                opt.garbage_on.insert(parse_id(next()));
            else if (a == "--bad-count-on")
                opt.bad_count.insert(parse_id(next()));
            else if (a == "--slow-ms")
                opt.slow_ms = std::stoi(next());
            else if (a == "--noisy")
                opt.noisy = true;
            else if (a == "--exit-at-start")
                return 7;
            else if (a == "--check-start") {
                for (int fd = 3; fd < 1024; ++fd)
                    if (::fcntl(fd, F_GETFD) != -1) {
                        std::cerr << "fake_worker: inherited descriptor " << fd << "\n";
                        return 9;
                    }
                const char* home = std::getenv("HOME");
                if (home == nullptr ||
                    std::filesystem::path(home) != std::filesystem::current_path())
                    return 9;
            } else if (a == "--not-a-worker") {
                std::cout << "hello, I am something else" << std::endl;
                return 0;
            } else
                throw std::runtime_error("unknown switch " + a);
        }
    } catch (const std::exception& e) {
        std::cerr << "fake_worker: " << e.what() << "\n";
        return 2;
    }
    if (!opt.scratch.empty()) {
        std::ofstream pid_file(opt.scratch / ("pid-" + std::to_string(::getpid())));
    }
    const auto eval = [&](const sw::SampleId& id) { return evaluate(opt, id); };
    // With --garbage-on the protocol stays on the real stdout, so the junk line reaches it.
    if (!opt.garbage_on.empty())
        return sw::run_worker(std::cin, std::cout, eval);
    return sw::run_worker_stdio(eval);
}
