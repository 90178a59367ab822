// Runs a Sweep over a rectangular plan (points x samples) and writes the sample table: lets the
// tests SIGKILL a supervisor at any moment and resume it, and measures throughput.
//
//   sweep_driver --journal J --table T [--hash H] [--points P] [--samples N] [--workers W]
//                [--timeout S] [--max-attempts K] [--resume] [--progress] -- WORKER ARGS...
//
// Prints one line `evaluated=.. resumed=.. retried=.. replaced=.. started=.. elapsed_s=..` on
// stdout. Exit code 2 for an InputError, 3 for a SimulationError, 1 for anything else.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "spincim/core/error.hpp"
#include "spincim/sweep/sweep.hpp"

namespace sw = spincim::sweep;

int main(int argc, char** argv) {
    sw::SweepOptions opt;
    opt.study_hash = "fake-study-1";
    opt.value_names = {"x_v", "t_s", "e_j"};
    opt.progress = false;
    std::filesystem::path table;
    std::size_t points = 5;
    std::uint64_t samples = 40;
    try {
        int i = 1;
        for (; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--") {
                ++i;
                break;
            }
            auto next = [&]() -> std::string {
                if (i + 1 >= argc)
                    throw spincim::InputError("missing value after " + a);
                return argv[++i];
            };
            if (a == "--journal")
                opt.journal = next();
            else if (a == "--table")
                table = next();
            else if (a == "--hash")
                opt.study_hash = next();
            else if (a == "--points")
                points = std::stoull(next());
            else if (a == "--samples")
                samples = std::stoull(next());
            else if (a == "--workers")
                opt.workers = std::stoull(next());
            else if (a == "--timeout")
                opt.sample_timeout_s = std::stod(next());
            else if (a == "--max-attempts")
                opt.max_attempts = std::stoi(next());
            else if (a == "--resume")
                opt.resume = true;
            else if (a == "--progress")
                opt.progress = true;
            else
                throw spincim::InputError("unknown switch " + a);
        }
        for (; i < argc; ++i)
            opt.worker_argv.emplace_back(argv[i]);
        const auto names = opt.value_names;
        sw::Sweep sweep(std::move(opt));
        std::vector<sw::SampleId> ids;
        for (std::size_t p = 0; p < points; ++p)
            for (std::uint64_t s = 0; s < samples; ++s)
                ids.push_back({p, s});
        sweep.run(ids);
        if (!table.empty())
            sw::write_sample_table(sweep.records(), names, table);
        const auto st = sweep.stats();
        std::printf("evaluated=%zu resumed=%zu retried=%zu replaced=%zu started=%zu "
                    "elapsed_s=%.6f\n",
                    st.evaluated, st.resumed, st.retried, st.workers_replaced, st.workers_started,
                    st.elapsed_s);
        return 0;
    } catch (const spincim::Error& e) {
        std::cerr << "sweep_driver: " << e.what() << "\n";
        return static_cast<int>(e.exit_code());
    } catch (const std::exception& e) {
        std::cerr << "sweep_driver: " << e.what() << "\n";
        return 1;
    }
}
