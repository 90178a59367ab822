// Native crossbar solver (solvers::CrossbarSolver, Eigen sparse LDLT or CG) against ngspice `.op`
// of the same generated netlist (issue 5, acceptance 2; ngspice reference costs in
// shared/NGSPICE.md: 64x64 5.9 s, 128x128 131 s). Goals: >= 1000x at 128x128, 1024x1024 native
// in < 10 s.
//
// The arrays are the seed-003 30 nm preset (g_off 7 uS, TMR 100 %) as linear resistors in random
// on/off states, 12 Ohm line segments (6 Ohm/sq, 800 nm pitch, 400 nm lines), all rows driven at
// 0.2 V (the seed's read voltage) and all columns grounded.
//
// Usage: bench_crossbar [--ngspice-max N] [--native N] [--repeat R]
//   --ngspice-max N  run ngspice only for sides <= N (default 128; 0 skips ngspice)
//   --native N       side of the large native-only array (default 1024; 0 skips it)
//   --repeat R       native repetitions, the median is reported (default 5)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/circuits/crossbar.hpp"
#include "spincim/core/random.hpp"
#include "spincim/cosim/crossbar_mapping.hpp"
#include "spincim/solvers/crossbar_solver.hpp"
#include "spincim/spice/session.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace spincim;

double since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

circuits::CrossbarSpec make_spec(std::size_t side, circuits::CrossbarDeviceModel model) {
    circuits::CrossbarSpec spec;
    spec.rows = side;
    spec.cols = side;
    spec.model = model;
    spec.r_row_segment =
        circuits::line_segment_resistance(circuits::kSeed003SheetResistance,
                                          circuits::kSeed003LinePitch, circuits::kSeed003LineWidth);
    spec.r_col_segment = spec.r_row_segment;
    spec.states.resize(side * side);
    RandomStream rng(2022, side, "bench.states");
    for (auto& s : spec.states) {
        s = rng.uniform() < 0.5 ? models::MtjState::parallel : models::MtjState::antiparallel;
    }
    spec.row_voltages.assign(side, 0.2);
    return spec;
}

struct NativeRun {
    double seconds = 0.0;
    double setup_seconds = 0.0;
    int iterations = 0;
    long cg_iterations = 0;
    std::vector<double> col_currents;
};

NativeRun run_native(const solvers::CrossbarCircuit& circuit, int repeat) {
    NativeRun out;
    std::vector<double> times;
    for (int r = 0; r < repeat; ++r) {
        const auto start = Clock::now();
        solvers::CrossbarSolver solver(circuit);
        out.setup_seconds = since(start);
        const solvers::CrossbarSolution sol = solver.solve();
        times.push_back(since(start));
        out.iterations = sol.iterations;
        out.cg_iterations = sol.cg_iterations;
        out.col_currents = sol.col_currents;
    }
    out.seconds = median(times);
    return out;
}

int parse_int(const char* text, const char* flag) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < 0 || v > 100000) {
        std::fprintf(stderr, "bench_crossbar: %s needs a non-negative integer, got '%s'\n", flag,
                     text);
        std::exit(2);
    }
    return static_cast<int>(v);
}

} // namespace

int main(int argc, char** argv) {
    int ngspice_max = 128;
    int native_side = 1024;
    int repeat = 5;
    for (int a = 1; a < argc; ++a) {
        const std::string_view arg = argv[a];
        if (a + 1 >= argc) {
            std::fprintf(stderr, "bench_crossbar: %s needs a value\n", argv[a]);
            return 2;
        }
        if (arg == "--ngspice-max") {
            ngspice_max = parse_int(argv[++a], "--ngspice-max");
        } else if (arg == "--native") {
            native_side = parse_int(argv[++a], "--native");
        } else if (arg == "--repeat") {
            repeat = std::max(1, parse_int(argv[++a], "--repeat"));
        } else {
            std::fprintf(stderr, "bench_crossbar: unknown option %s\n", argv[a]);
            return 2;
        }
    }

    std::printf("passive crossbar DC operating point: native (Eigen sparse: LDLT <= 4096 unknowns, "
                "else line-preconditioned CG) vs ngspice .op\n");
    std::printf("linear devices, 12 Ohm segments, rows at 0.2 V, columns grounded\n\n");
    std::printf("%-10s %14s %14s %12s %16s\n", "array", "ngspice_s", "native_s", "ratio",
                "max_rel_diff");
    double ratio_128 = 0.0;
    for (const std::size_t side : {std::size_t{64}, std::size_t{128}}) {
        const circuits::CrossbarSpec spec = make_spec(side, circuits::CrossbarDeviceModel::linear);
        const solvers::CrossbarCircuit circuit = cosim::to_circuit(spec);
        const NativeRun native = run_native(circuit, repeat);
        const std::string label = std::to_string(side) + "x" + std::to_string(side);
        if (static_cast<int>(side) > ngspice_max) {
            std::printf("%-10s %14s %14.6f %12s %16s\n", label.c_str(), "skipped", native.seconds,
                        "-", "-");
            continue;
        }
        const netlist::Netlist net = circuits::crossbar(spec);
        const std::string text = net.to_spice();
        spice::SessionOptions options;
        options.timeout_s = 1800.0;
        spice::Session session(options);
        session.command("set num_threads=1");
        const auto start = Clock::now();
        const spice::RunResult result = session.simulate(text);
        const double t_spice = since(start);
        if (!result.usable()) {
            std::fprintf(stderr, "ngspice failed on %s: %s\n", label.c_str(),
                         result.summary().c_str());
            return 3;
        }
        double worst = 0.0;
        for (std::size_t j = 0; j < side; ++j) {
            const double ref =
                session.vector(net.probe("i_col_" + std::to_string(j)).vector_name())[0];
            worst = std::max(worst, std::abs(native.col_currents[j] - ref) / std::abs(ref));
        }
        const double ratio = t_spice / native.seconds;
        if (side == 128) {
            ratio_128 = ratio;
        }
        std::printf("%-10s %14.3f %14.6f %12.0f %16.2e\n", label.c_str(), t_spice, native.seconds,
                    ratio, worst);
    }

    double t_large = 0.0;
    double t_large_mtj = 0.0;
    int it_large_mtj = 0;
    if (native_side > 0) {
        const auto side = static_cast<std::size_t>(native_side);
        const std::string label = std::to_string(side) + "x" + std::to_string(side);
        const auto start = Clock::now();
        const circuits::CrossbarSpec spec = make_spec(side, circuits::CrossbarDeviceModel::linear);
        const solvers::CrossbarCircuit circuit = cosim::to_circuit(spec);
        std::printf("\nbuilding the %s description: %.3f s\n", label.c_str(), since(start));
        const NativeRun lin = run_native(circuit, 1);
        t_large = lin.seconds;
        std::printf("%-10s native linear:          %8.3f s (setup %.3f s, %ld CG steps)\n",
                    label.c_str(), t_large, lin.setup_seconds, lin.cg_iterations);
        solvers::CrossbarCircuit nonlinear = circuit;
        nonlinear.bias_dependent = true;
        const NativeRun mtj = run_native(nonlinear, 1);
        t_large_mtj = mtj.seconds;
        it_large_mtj = mtj.iterations;
        std::printf("%-10s native TMR(V), Newton:  %8.3f s (%d linear solves, %ld CG steps)\n",
                    label.c_str(), t_large_mtj, it_large_mtj, mtj.cg_iterations);
    }

    std::printf("\nsummary: ");
    if (ratio_128 > 0) {
        std::printf("128x128 speed-up %.0fx (goal >= 1000x: %s); ", ratio_128,
                    ratio_128 >= 1000 ? "met" : "NOT met");
    } else {
        std::printf("128x128 ngspice skipped; ");
    }
    if (t_large > 0) {
        std::printf("%dx%d native %.2f s linear, %.2f s with TMR(V) (goal < 10 s: %s)", native_side,
                    native_side, t_large, t_large_mtj, t_large < 10 ? "met" : "NOT met");
    }
    std::printf("\n");
    return 0;
}
