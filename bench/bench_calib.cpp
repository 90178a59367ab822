// Calibration fit speed (issue 14): a 6-parameter fit on 1,000 points, goal < 1 s, timed side by
// side with the same fit using central finite differences instead of automatic differentiation
// (the reference; ratio = numeric / automatic).
//
// The model is the `expression` fit of an activation-stage transfer curve with a drifting
// baseline, y = A·tanh((x − x0)/s) + B + c1·x + c2·x², so the timing includes the formula
// interpreter that user models run on. Data: known parameters plus 5 mV Gaussian noise from a
// seeded stream; start values 20–50 % off.
//
// Usage: bench_calib [--points N] [--repeat R]
//   --points N  data points (default 1000)
//   --repeat R  repetitions of each fit; the median wall time is reported (default 20)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "spincim/calib/expression.hpp"
#include "spincim/core/random.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace spincim;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Timing {
    double seconds;
    calib::FitResult result;
};

Timing time_fit(const calib::expression::Model& model, const calib::expression::Data& data,
                const std::vector<calib::Parameter>& start, calib::Differentiation diff,
                int repeat) {
    calib::FitOptions opt;
    opt.differentiation = diff;
    std::vector<double> times;
    calib::FitResult last;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = Clock::now();
        last = calib::expression::fit(model, data, start, opt);
        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return {median(times), last};
}

void print(const char* label, const Timing& t) {
    std::printf("  %-28s %9.3f ms  (%s, %d iterations, rms residual %.3g V)\n", label,
                t.seconds * 1e3, std::string(calib::to_string(t.result.status)).c_str(),
                t.result.report.iterations, t.result.rms_residual);
}

} // namespace

int main(int argc, char** argv) {
    std::size_t points = 1000;
    int repeat = 20;
    for (int k = 1; k < argc; ++k) {
        const std::string_view arg = argv[k];
        if (arg == "--points" && k + 1 < argc)
            points = static_cast<std::size_t>(std::strtoul(argv[++k], nullptr, 10));
        else if (arg == "--repeat" && k + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++k]));
        else {
            std::fprintf(stderr, "usage: bench_calib [--points N] [--repeat R]\n");
            return 2;
        }
    }
    if (points < 7) {
        std::fprintf(stderr, "bench_calib: --points must be at least 7\n");
        return 2;
    }

    const calib::expression::Model model("A*tanh((x - x0)/s) + B + c1*x + c2*x^2", {"x"},
                                         {"A", "x0", "s", "B", "c1", "c2"});
    const double truth[] = {0.4, 0.55, 0.08, 0.6, 0.05, -0.03};
    calib::expression::Data data;
    data.inputs.resize(1);
    RandomStream rng(14, 0, "bench_calib");
    for (std::size_t k = 0; k < points; ++k) {
        const double x = 1.1 * static_cast<double>(k) / static_cast<double>(points - 1);
        const double in[] = {x};
        data.inputs[0].push_back(x);
        data.output.push_back(model.evaluate(in, truth) + rng.normal(0.0, 0.005));
    }
    const std::vector<calib::Parameter> start{
        {"A", "V", 0.3}, {"x0", "V", 0.45}, {"s", "V", 0.12, 1e-4, 10.0},
        {"B", "V", 0.5}, {"c1", "", 0.0},   {"c2", "1/V", 0.0}};

    std::printf("bench_calib: 6-parameter fit on %zu points, median of %d runs\n", points, repeat);
    const auto autodiff = time_fit(model, data, start, calib::Differentiation::automatic, repeat);
    const auto numeric =
        time_fit(model, data, start, calib::Differentiation::numeric_central, repeat);
    print("automatic differentiation", autodiff);
    print("numeric central differences", numeric);
    std::printf("  ratio numeric/automatic      %9.2f\n", numeric.seconds / autodiff.seconds);
    std::printf("  max |automatic - numeric| / sigma over the parameters: %.2g\n", [&] {
        double worst = 0;
        for (std::size_t j = 0; j < autodiff.result.values.size(); ++j)
            worst =
                std::max(worst, std::fabs(autodiff.result.values[j] - numeric.result.values[j]) /
                                    autodiff.result.std_errors[j]);
        return worst;
    }());
    const bool ok = autodiff.result.converged() && autodiff.seconds < 1.0;
    std::printf("  goal < 1 s: %s\n", ok ? "met" : "MISSED");
    return ok ? 0 : 1;
}
