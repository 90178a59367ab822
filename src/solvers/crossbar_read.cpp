#include "spincim/solvers/crossbar_read.hpp"

#include <cmath>
#include <optional>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"

namespace spincim::solvers {

namespace {

using Drive = std::vector<std::optional<double>>;

// A solver with every pad driven (at 0 V until solve() is given a drive).
CrossbarSolver all_pads_driven(CrossbarCircuit circuit, const CrossbarSolveOptions& options) {
    circuit.row_voltages.assign(circuit.rows, 0.0);
    circuit.col_voltages.assign(circuit.cols, 0.0);
    return CrossbarSolver(std::move(circuit), options);
}

} // namespace

std::vector<double> read_conductance_map(const CrossbarCircuit& circuit, double v_read,
                                         const CrossbarSolveOptions& options) {
    if (!(v_read > 0) || !std::isfinite(v_read))
        throw InputError("read_conductance_map: v_read must be a positive voltage");
    CrossbarSolver solver = all_pads_driven(circuit, options);
    const Drive cols(circuit.cols, 0.0);
    std::vector<double> g(circuit.rows * circuit.cols, 0.0);
    for (std::size_t i = 0; i < circuit.rows; ++i) {
        Drive rows(circuit.rows, 0.0);
        rows[i] = v_read;
        const CrossbarSolution s = solver.solve(rows, cols);
        for (std::size_t j = 0; j < circuit.cols; ++j)
            g[i * circuit.cols + j] = s.col_currents[j] / v_read;
    }
    return g;
}

std::vector<SuperpositionPoint> superposition_check(const CrossbarCircuit& circuit,
                                                    const std::vector<double>& g_serial,
                                                    const std::vector<double>& v_apply,
                                                    std::size_t n_vectors, std::uint64_t seed,
                                                    const CrossbarSolveOptions& options) {
    if (g_serial.size() != circuit.rows * circuit.cols)
        throw InputError("superposition_check: the serial map must have rows x cols entries");
    // The input vectors, drawn once and used at every voltage (as in Appendix B).
    std::vector<std::vector<bool>> xs;
    for (std::size_t v = 0; v < n_vectors; ++v) {
        RandomStream rng(seed, v, "superposition");
        std::vector<bool> x(circuit.rows);
        bool any = false;
        for (std::size_t i = 0; i < circuit.rows; ++i) {
            x[i] = rng.uniform() < 0.5;
            any = any || x[i];
        }
        if (any)
            xs.push_back(std::move(x));
    }
    CrossbarSolver solver = all_pads_driven(circuit, options);
    const Drive cols(circuit.cols, 0.0);
    std::vector<SuperpositionPoint> out;
    for (const double va : v_apply) {
        if (!(va > 0) || !std::isfinite(va))
            throw InputError("superposition_check: applied voltages must be positive");
        SuperpositionPoint p;
        p.v_apply = va;
        p.vectors = xs.size();
        for (const auto& x : xs) {
            Drive rows(circuit.rows, 0.0);
            for (std::size_t i = 0; i < circuit.rows; ++i)
                rows[i] = x[i] ? va : 0.0;
            const CrossbarSolution s = solver.solve(rows, cols);
            double num = 0;
            double den = 0;
            for (std::size_t j = 0; j < circuit.cols; ++j) {
                double serial = 0;
                for (std::size_t i = 0; i < circuit.rows; ++i)
                    serial += x[i] ? g_serial[i * circuit.cols + j] * va : 0.0;
                num += (s.col_currents[j] - serial) * (s.col_currents[j] - serial);
                den += serial * serial;
            }
            const double dev = std::sqrt(num / den);
            p.mean_deviation += dev / static_cast<double>(xs.size());
            p.max_deviation = std::max(p.max_deviation, dev);
        }
        out.push_back(p);
    }
    return out;
}

} // namespace spincim::solvers
