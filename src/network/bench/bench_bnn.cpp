// bench_bnn: bit operations per second of bit-packed BNN inference on STT-BNN sub-arrays with
// per-k row-error injection, next to a plain XOR+popcount loop over the same packed weight bits
// (the peak), with 1 and 2 threads (issue 6, acceptance 6). Operations are counted as in seed 001
// Table IV: 2 per XNOR-accumulated bit (2N per N-input accumulation).
//
// Usage: bench_bnn [N] [samples]   (defaults: N = 128, 2000 samples)

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "spincim/core/random.hpp"
#include "spincim/network/hardware.hpp"

using namespace spincim;
using namespace spincim::network;

namespace {

// A Table II-like network with binary inputs so that every layer runs on the arrays:
// 1024 → 2048 → 2048 → 10, random ±1 weights, thresholds at the centre of the digital sum.
BnnModel bench_model(int partition) {
    RandomStream rng(2024, 0, "bench_model");
    const int widths[] = {1024, 2048, 2048, 10};
    BnnModel m;
    m.partition = partition;
    for (int l = 0; l < 3; ++l) {
        BnnLayer layer;
        layer.input = LayerInput::binary;
        layer.output = l == 2 ? LayerOutput::score : LayerOutput::sign;
        layer.w.resize(widths[l + 1], widths[l]);
        for (Eigen::Index i = 0; i < layer.w.size(); ++i) {
            layer.w.data()[i] = (rng.next() & 1U) != 0 ? std::int8_t{1} : std::int8_t{-1};
        }
        layer.p0.assign(static_cast<std::size_t>(widths[l + 1]), l == 2 ? 1.0 : 0.0);
        layer.p1.assign(static_cast<std::size_t>(widths[l + 1]), l == 2 ? 0.0 : 1.0);
        m.layers.push_back(std::move(layer));
    }
    return m;
}

// Synthetic CRER table: Gaussian sense noise of σ = 2 popcount units, seed 001 eq. (7).
CrerTable bench_table(int n) {
    CrerTable t = constant_rer_table(n, 0.0);
    for (int k = 0; k <= n; ++k) {
        t.rer[static_cast<std::size_t>(k)] =
            0.5 * std::erfc(std::abs(k - n / 2.0) / (std::sqrt(2.0) * 2.0));
    }
    return t;
}

template <class Fn>
double best_seconds(Fn&& fn, int repeats = 3) {
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        const auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 128;
    const int samples = argc > 2 ? std::atoi(argv[2]) : 2000;
    if (n < 1 || samples < 1) {
        std::fprintf(stderr, "usage: bench_bnn [N] [samples]\n");
        return 2;
    }
    const HardwareNetwork hw(bench_model(n), n);
    RandomStream rng(7, 0, "bench_inputs");
    Eigen::MatrixXf x(samples, 1024);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        x.data()[i] = (rng.next() & 1U) != 0 ? 1.0F : 0.0F;
    }
    const ErrorModel per_k = ErrorModel::per_k(bench_table(n));
    const double ops = hw.bit_ops_per_sample() * samples;
    std::printf("bench_bnn: 1024-2048-2048-10 binary network on %dx%d sub-arrays, %d samples, "
                "%.3g bit-ops per sample (2 per XNOR-accumulated bit)\n",
                n, n, samples, hw.bit_ops_per_sample());
    std::printf("%8s %18s %18s %18s %12s %12s\n", "threads", "peak_Gops_s", "ideal_Gops_s",
                "inject_Gops_s", "inject/peak", "flip_rate");
    double single_inject = 0.0;
    for (const int threads : {1, 2}) {
        std::uint64_t checksum = 0;
        const double t_peak = best_seconds([&] { checksum += hw.popcount_sweep(x, threads); });
        HardwareRun run;
        const double t_ideal =
            best_seconds([&] { run = hw.infer(x, ErrorModel::ideal(n), 1, threads); });
        const double t_inject = best_seconds([&] { run = hw.infer(x, per_k, 1, threads); });
        const double peak = ops / t_peak / 1e9;
        const double inject = ops / t_inject / 1e9;
        if (threads == 1) {
            single_inject = inject;
        }
        std::printf("%8d %18.2f %18.2f %18.2f %11.1f%% %12.3g   (checksum %llu)\n", threads, peak,
                    ops / t_ideal / 1e9, inject, 100.0 * inject / peak,
                    static_cast<double>(run.flips) / static_cast<double>(run.row_evaluations),
                    static_cast<unsigned long long>(checksum % 1000));
        if (threads == 2) {
            std::printf("thread scaling of injected inference: %.2fx on 2 threads\n",
                        inject / single_inject);
        }
    }
    return 0;
}
