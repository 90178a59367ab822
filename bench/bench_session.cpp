// Per-sample cost of spice::Session (alter + run + read vectors) against ngspice's own `.control`
// loop (alter + run inside one `ngspice -b` process) on the same 2T2R rows (issue: spice layer,
// test 7; reference numbers in shared/NGSPICE.md, "Cost facts"). Goal: ratio <= 1.10.
//
// Usage: bench_session [samples_16 [samples_128]]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "spincim/spice/session.hpp"
#include "spincim/units/units.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// An illustrative 2T2R row: every cell has two NMOS level-1 access transistors (gate on the word
// line, drains on BL / BLB) each in series with its resistive element to the cell's node on the
// source line; the source line is a chain of 10 Ohm segments with 1 fF per node, grounded
// through a 100 Ohm sense resistor. The word line pulses for 10 ns inside a 20 ns transient.
std::string row_netlist(int cells) {
    using spincim::units::to_spice;
    std::string text = "2T2R row, " + std::to_string(cells) + " cells\n";
    text += ".model nch nmos level=1 vto=0.45 kp=200u lambda=0.02 cgso=0.3n cgdo=0.3n\n";
    text += "VWL wl 0 PULSE(0 1.2 1n 0.2n 0.2n 10n 40n)\n";
    text += "VBL bl 0 DC 0.2\nVBLB blb 0 DC 0.2\n";
    for (int k = 1; k <= cells; ++k) {
        const auto c = std::to_string(k);
        const double ra = k % 2 == 0 ? 5e3 : 10e3;
        const double rb = k % 2 == 0 ? 10e3 : 5e3;
        text += "Ma" + c + " bl wl xa" + c + " 0 nch W=0.5u L=0.1u\n";
        text += "Ra" + c + " xa" + c + " sl" + c + " " + to_spice(ra) + "\n";
        text += "Mb" + c + " blb wl xb" + c + " 0 nch W=0.5u L=0.1u\n";
        text += "Rb" + c + " xb" + c + " sl" + c + " " + to_spice(rb) + "\n";
        text += "Rs" + c + " sl" + c + " sl" + std::to_string(k + 1) + " 10\n";
        text += "Cs" + c + " sl" + c + " 0 1f\n";
    }
    text += "Rsense sl" + std::to_string(cells + 1) + " 0 100\n";
    text += ".tran 20p 20n\n";
    return text;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double alter_value(int sample) {
    return 10e3 + 10.0 * (sample % 50);
}

// Per-sample seconds in the Session: alter one cell, run, read two vectors.
double session_per_sample(spincim::spice::Session& session, int cells, int samples) {
    auto loaded = session.load(row_netlist(cells));
    if (!loaded.usable()) {
        std::fprintf(stderr, "load failed: %s\n", loaded.summary().c_str());
        std::exit(1);
    }
    std::vector<double> times;
    double checksum = 0.0;
    for (int i = 0; i < samples + 3; ++i) {
        const auto start = Clock::now();
        session.alter("ra1", "resistance", alter_value(i));
        auto result = session.run();
        if (!result.usable()) {
            std::fprintf(stderr, "run failed: %s\n", result.summary().c_str());
            std::exit(1);
        }
        auto t = session.vector("time");
        auto v = session.vector("v(sl1)");
        checksum += v.back() + static_cast<double>(t.size());
        if (i >= 3) { // the first runs warm caches up
            times.push_back(since(start));
        }
    }
    if (checksum == 0.0) {
        std::fprintf(stderr, "no data\n");
    }
    return median(times);
}

// Seconds of one `ngspice -b` process running `samples` alter+run iterations in `.control`.
double control_loop_seconds(const std::filesystem::path& dir, int cells, int samples) {
    auto deck = dir / ("row" + std::to_string(cells) + "_" + std::to_string(samples) + ".cir");
    {
        std::ofstream out(deck);
        out << row_netlist(cells) << ".control\nset num_threads=1\nlet i = 0\n"
            << "while i < " << samples << "\n"
            << "  let rv = 10000 + 10 * (i % 50)\n"
            << "  alter @ra1[resistance] = $&rv\n"
            << "  run\n"
            << "  let last = v(sl1)[length(v(sl1)) - 1]\n"
            << "  destroy all\n"
            << "  let i = i + 1\n"
            << "end\n.endc\n.end\n";
    }
    auto log = deck;
    log.replace_extension(".log");
    const auto command = "cd '" + dir.string() + "' && HOME='" + dir.string() + "' ngspice -b '" +
                         deck.string() + "' >'" + log.string() + "' 2>&1";
    const auto start = Clock::now();
    // ngspice -b exits with 1 after a .control block that leaves no output request, so the
    // exit code says little: count the completed transients in its log instead.
    const int status = std::system(command.c_str());
    const double seconds = since(start);
    std::ifstream in(log);
    int runs = 0;
    for (std::string line; std::getline(in, line);) {
        runs += line.find("No. of Data Rows") != std::string::npos ? 1 : 0;
    }
    if (status == -1 || runs < samples) {
        std::fprintf(stderr, "ngspice -b ran %d of %d transients for %s (see %s)\n", runs, samples,
                     deck.c_str(), log.c_str());
        std::exit(1);
    }
    return seconds;
}

// Per-sample seconds of the `.control` loop: the difference of a long and a short loop, so that
// process start-up, spinit and parsing cancel out. Best of three for each.
double control_per_sample(const std::filesystem::path& dir, int cells, int samples) {
    double short_loop = 1e30;
    double long_loop = 1e30;
    for (int repeat = 0; repeat < 3; ++repeat) {
        short_loop = std::min(short_loop, control_loop_seconds(dir, cells, 2));
        long_loop = std::min(long_loop, control_loop_seconds(dir, cells, samples + 2));
    }
    return (long_loop - short_loop) / samples;
}

} // namespace

int main(int argc, char** argv) {
    const int samples16 = argc > 1 ? std::atoi(argv[1]) : 100;
    const int samples128 = argc > 2 ? std::atoi(argv[2]) : 20;
    if (std::system("command -v ngspice >/dev/null 2>&1") != 0) {
        std::fprintf(stderr, "the ngspice executable is missing (Debian package `ngspice`)\n");
        return 1;
    }
    auto dir =
        std::filesystem::temp_directory_path() / ("spincim-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    spincim::spice::Session session;
    std::printf("%-10s %8s %18s %18s %8s\n", "row", "samples", "session ms/sample",
                "control ms/sample", "ratio");
    for (auto [cells, samples] : {std::pair{16, samples16}, std::pair{128, samples128}}) {
        const double in_process = session_per_sample(session, cells, samples);
        const double control = control_per_sample(dir, cells, samples);
        std::printf("%-10s %8d %18.2f %18.2f %8.3f\n", (std::to_string(cells) + "-cell").c_str(),
                    samples, in_process * 1e3, control * 1e3, in_process / control);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
