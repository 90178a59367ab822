#include "spincim/solvers/crossbar_solver.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

#include "spincim/circuits/spec_check.hpp"
#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

namespace spincim::solvers {

namespace {

using Index = std::ptrdiff_t;
using SpMat = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using Ldlt = Eigen::SimplicialLDLT<SpMat, Eigen::Lower, Eigen::AMDOrdering<int>>;

constexpr circuits::detail::SpecCheck check{"crossbar solver"};
// The solver accepts any finite drive; the generator bounds its own (a netlist for ngspice).
constexpr double kMaxDrive = 1e300;

void check_circuit(const CrossbarCircuit& c) {
    if (c.rows == 0 || c.cols == 0) {
        check.fail("rows/cols", "must both be >= 1, got " + std::to_string(c.rows) + " x " +
                                    std::to_string(c.cols));
    }
    const std::size_t n = c.rows * c.cols;
    if (c.g_parallel.size() != n) {
        check.fail("g_parallel", "must have rows*cols = " + std::to_string(n) + " entries, got " +
                                     std::to_string(c.g_parallel.size()));
    }
    if (c.tmr0.size() != n) {
        check.fail("tmr0", "must have rows*cols = " + std::to_string(n) + " entries, got " +
                               std::to_string(c.tmr0.size()));
    }
    for (std::size_t k = 0; k < n; ++k) {
        if (!std::isfinite(c.g_parallel[k]) || c.g_parallel[k] <= 0) {
            check.fail("g_parallel[" + std::to_string(k) + "]",
                       "must be a positive conductance, got " + units::to_eng(c.g_parallel[k]));
        }
        if (!std::isfinite(c.tmr0[k]) || c.tmr0[k] < 0) {
            check.fail("tmr0[" + std::to_string(k) + "]",
                       "must be a finite ratio >= 0, got " + units::to_eng(c.tmr0[k]));
        }
    }
    if (!std::isfinite(c.v_h) || c.v_h <= 0) {
        check.fail("v_h", "must be a positive voltage, got " + units::to_eng(c.v_h));
    }
    check.non_negative("r_row_segment", c.r_row_segment);
    check.non_negative("r_col_segment", c.r_col_segment);
    check.non_negative("r_row_contact", c.r_row_contact);
    check.non_negative("r_col_contact", c.r_col_contact);
    check.drives("row_voltages", c.row_voltages, c.rows, kMaxDrive);
    check.drives("col_voltages", c.col_voltages, c.cols, kMaxDrive);
}

// Disjoint-set forest (path halving, union by size) for the connectivity check.
class Components {
public:
    explicit Components(std::size_t n) : parent_(n), size_(n, 1) {
        std::iota(parent_.begin(), parent_.end(), std::size_t{0});
    }
    std::size_t find(std::size_t a) {
        while (parent_[a] != a) {
            parent_[a] = parent_[parent_[a]];
            a = parent_[a];
        }
        return a;
    }
    void unite(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        if (a == b) {
            return;
        }
        if (size_[a] < size_[b]) {
            std::swap(a, b);
        }
        parent_[b] = a;
        size_[a] += size_[b];
    }

private:
    std::vector<std::size_t> parent_;
    std::vector<std::size_t> size_;
};

struct Edge {
    std::size_t a;
    std::size_t b;
    double g;
};

constexpr Index kDriven = -1;

} // namespace

double crossbar_device_current(double g_p, double tmr0, double v_h, double v) {
    // I = g_p V / (1 + TMR(V)), TMR(V) = tmr0 / (1 + x^2), x = V / v_h (models/mtj_stt.sub Eq. 2).
    const double x = v / v_h;
    const double s = 1.0 + x * x;
    return g_p * v * s / (s + tmr0);
}

double crossbar_device_slope(double g_p, double tmr0, double v_h, double v) {
    // d/dV [g_p V s / (s + t)] with s = 1 + (V/v_h)^2: g_p [s/(s+t) + 2 x^2 t / (s+t)^2] > 0.
    const double x = v / v_h;
    const double s = 1.0 + x * x;
    const double d = s + tmr0;
    return g_p * (s / d + 2.0 * x * x * tmr0 / (d * d));
}

struct CrossbarSolver::Impl {
    CrossbarCircuit c;
    CrossbarSolveOptions opt;
    bool nonlinear = false;

    // Physical nodes after merging ideal wires.
    std::size_t node_count = 0;
    std::vector<std::size_t> row_node; // R(i,j), row-major
    std::vector<std::size_t> col_node; // C(i,j), row-major
    std::vector<std::size_t> row_pad;  // per row
    std::vector<std::size_t> col_pad;  // per column
    std::vector<Edge> lines;           // line segments and contacts (linear)
    // Nodes of every row and column line in order along the line (pad first), for the line
    // preconditioner.
    std::vector<std::vector<std::size_t>> chains;
    std::vector<bool> row_driven;
    std::vector<bool> col_driven;

    std::vector<Index> unknown; // node -> unknown index or kDriven
    std::size_t n_unknowns = 0;

    SpMat g_matrix;                  // lower triangle, line conductances + device slopes
    std::vector<double> line_values; // values of g_matrix with the lines only
    // Positions in g_matrix.valuePtr() of each device's entries (-1 when a side is driven).
    std::vector<std::array<Index, 3>> device_slots; // diag(row), diag(col), off-diagonal
    Ldlt ldlt;
    bool direct = true;

    // Line preconditioner: unknowns in line order, line starts, and the value slots of each
    // unknown's diagonal entry and of the entry coupling it to its predecessor on the line.
    std::vector<Index> pc_order;
    std::vector<std::size_t> pc_start;
    std::vector<Index> pc_diag_slot;
    std::vector<Index> pc_off_slot; // -1 at the first unknown of a line
    std::vector<double> pc_l;       // unit lower bidiagonal factor L (l_p couples p-1 and p)
    std::vector<double> pc_d;       // diagonal of D in LDL^T of each line block

    void build_nodes() {
        const std::size_t m = c.rows;
        const std::size_t n = c.cols;
        row_node.assign(m * n, 0);
        col_node.assign(m * n, 0);
        row_pad.assign(m, 0);
        col_pad.assign(n, 0);
        std::size_t next = 0;
        const double g_rs = c.r_row_segment > 0 ? 1.0 / c.r_row_segment : 0.0;
        const double g_cs = c.r_col_segment > 0 ? 1.0 / c.r_col_segment : 0.0;
        const double g_rc = c.r_row_contact > 0 ? 1.0 / c.r_row_contact : 0.0;
        const double g_cc = c.r_col_contact > 0 ? 1.0 / c.r_col_contact : 0.0;
        for (std::size_t i = 0; i < m; ++i) {
            const std::size_t entry = next++;
            std::size_t prev = entry;
            for (std::size_t j = 0; j < n; ++j) {
                if (g_rs > 0) {
                    const std::size_t node = next++;
                    lines.push_back({prev, node, g_rs});
                    prev = node;
                }
                row_node[i * n + j] = prev;
            }
            if (g_rc > 0) {
                row_pad[i] = next++;
                lines.push_back({row_pad[i], entry, g_rc});
            } else {
                row_pad[i] = entry;
            }
            std::vector<std::size_t> chain{row_pad[i], entry};
            for (std::size_t j = 0; j < n; ++j) {
                chain.push_back(row_node[i * n + j]);
            }
            add_chain(std::move(chain));
        }
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t entry = next++;
            std::size_t prev = entry;
            // The column pad is at the bottom: walk from row m-1 up to row 0.
            for (std::size_t ii = m; ii-- > 0;) {
                if (g_cs > 0) {
                    const std::size_t node = next++;
                    lines.push_back({prev, node, g_cs});
                    prev = node;
                }
                col_node[ii * n + j] = prev;
            }
            if (g_cc > 0) {
                col_pad[j] = next++;
                lines.push_back({col_pad[j], entry, g_cc});
            } else {
                col_pad[j] = entry;
            }
            std::vector<std::size_t> chain{col_pad[j], entry};
            for (std::size_t ii = m; ii-- > 0;) {
                chain.push_back(col_node[ii * n + j]);
            }
            add_chain(std::move(chain));
        }
        node_count = next;
    }

    // Keeps a line's nodes in order, without the repeats that merged (ideal) wires produce.
    void add_chain(std::vector<std::size_t> chain) {
        chain.erase(std::unique(chain.begin(), chain.end()), chain.end());
        chains.push_back(std::move(chain));
    }

    static std::vector<bool> driven_mask(const std::vector<std::optional<double>>& drive,
                                         std::size_t count) {
        std::vector<bool> mask(count, true); // empty drive = all grounded
        for (std::size_t k = 0; k < drive.size(); ++k) {
            mask[k] = drive[k].has_value();
        }
        return mask;
    }

    void classify_nodes() {
        row_driven = driven_mask(c.row_voltages, c.rows);
        col_driven = driven_mask(c.col_voltages, c.cols);
        std::vector<bool> driven(node_count, false);
        for (std::size_t i = 0; i < c.rows; ++i) {
            driven[row_pad[i]] = row_driven[i];
        }
        for (std::size_t j = 0; j < c.cols; ++j) {
            driven[col_pad[j]] = col_driven[j];
        }
        // Every connected part of the network must reach a driven pad, else G is singular.
        Components comp(node_count);
        for (const Edge& e : lines) {
            comp.unite(e.a, e.b);
        }
        for (std::size_t k = 0; k < row_node.size(); ++k) {
            comp.unite(row_node[k], col_node[k]);
        }
        std::vector<bool> anchored(node_count, false);
        for (std::size_t v = 0; v < node_count; ++v) {
            if (driven[v]) {
                anchored[comp.find(v)] = true;
            }
        }
        for (std::size_t v = 0; v < node_count; ++v) {
            if (!anchored[comp.find(v)]) {
                check.fail(
                    "row_voltages/col_voltages",
                    "leave part of the array without any driven pad (all pads of a connected "
                    "part are floating): the nodal matrix would be singular");
            }
        }
        // Unknowns numbered crosspoint by crosspoint (row node, then column node), the pads and
        // line entries last: a device's two nodes are neighbours in memory, which keeps the
        // matrix-vector products of CG cache-friendly.
        unknown.assign(node_count, kDriven);
        n_unknowns = 0;
        const auto number = [&](std::size_t v) {
            if (!driven[v] && unknown[v] == kDriven) {
                unknown[v] = static_cast<Index>(n_unknowns++);
            }
        };
        for (std::size_t k = 0; k < row_node.size(); ++k) {
            number(row_node[k]);
            number(col_node[k]);
        }
        for (std::size_t v = 0; v < node_count; ++v) {
            number(v);
        }
    }

    void build_matrix() {
        using Triplet = Eigen::Triplet<double, int>;
        std::vector<Triplet> t;
        t.reserve(lines.size() * 3 + row_node.size() * 3);
        const auto add_pair = [&](std::size_t a, std::size_t b, double g) {
            const Index ua = unknown[a];
            const Index ub = unknown[b];
            if (ua != kDriven) {
                t.emplace_back(static_cast<int>(ua), static_cast<int>(ua), g);
            }
            if (ub != kDriven) {
                t.emplace_back(static_cast<int>(ub), static_cast<int>(ub), g);
            }
            if (ua != kDriven && ub != kDriven) {
                t.emplace_back(static_cast<int>(std::max(ua, ub)),
                               static_cast<int>(std::min(ua, ub)), -g);
            }
        };
        for (const Edge& e : lines) {
            add_pair(e.a, e.b, e.g);
        }
        // Devices enter the pattern with zero value; their slopes are added per iteration.
        for (std::size_t k = 0; k < row_node.size(); ++k) {
            add_pair(row_node[k], col_node[k], 0.0);
        }
        g_matrix.resize(static_cast<Index>(n_unknowns), static_cast<Index>(n_unknowns));
        g_matrix.setFromTriplets(t.begin(), t.end());
        g_matrix.makeCompressed();
        line_values.assign(g_matrix.valuePtr(), g_matrix.valuePtr() + g_matrix.nonZeros());

        device_slots.assign(row_node.size(), {-1, -1, -1});
        for (std::size_t k = 0; k < row_node.size(); ++k) {
            const Index ur = unknown[row_node[k]];
            const Index uc = unknown[col_node[k]];
            auto& s = device_slots[k];
            if (ur != kDriven) {
                s[0] = slot(ur, ur);
            }
            if (uc != kDriven) {
                s[1] = slot(uc, uc);
            }
            if (ur != kDriven && uc != kDriven) {
                s[2] = slot(std::max(ur, uc), std::min(ur, uc));
            }
        }
        direct = opt.method == CrossbarMethod::direct ||
                 (opt.method == CrossbarMethod::automatic && n_unknowns <= opt.direct_max_unknowns);
        if (n_unknowns > 0 && direct) {
            ldlt.analyzePattern(g_matrix);
        }
        if (!direct) {
            build_preconditioner_pattern();
        }
    }

    // Position of entry (r, col), r >= col, in the compressed lower-triangular matrix.
    Index slot(Index r, Index col) const {
        const int* inner = g_matrix.innerIndexPtr();
        const int* outer = g_matrix.outerIndexPtr();
        const int* begin = inner + outer[col];
        const int* end = inner + outer[col + 1];
        const int* it = std::lower_bound(begin, end, static_cast<int>(r));
        return static_cast<Index>(it - inner);
    }

    void build_preconditioner_pattern() {
        for (const auto& chain : chains) {
            pc_start.push_back(pc_order.size());
            Index prev = kDriven;
            for (const std::size_t node : chain) {
                const Index u = unknown[node];
                if (u == kDriven) {
                    continue; // only a pad can be driven, and pads are chain ends
                }
                pc_order.push_back(u);
                pc_diag_slot.push_back(slot(u, u));
                pc_off_slot.push_back(prev == kDriven ? -1
                                                      : slot(std::max(u, prev), std::min(u, prev)));
                prev = u;
            }
        }
        pc_start.push_back(pc_order.size());
        pc_l.assign(pc_order.size(), 0.0);
        pc_d.assign(pc_order.size(), 0.0);
    }

    // LDL^T (Thomas) factorisation of every line's tridiagonal block of the current matrix.
    void factor_preconditioner() {
        const double* values = g_matrix.valuePtr();
        for (std::size_t p = 0; p < pc_order.size(); ++p) {
            const double a = values[pc_diag_slot[p]];
            if (pc_off_slot[p] < 0) {
                pc_l[p] = 0.0;
                pc_d[p] = a;
            } else {
                const double e = values[pc_off_slot[p]];
                pc_l[p] = e / pc_d[p - 1];
                pc_d[p] = a - pc_l[p] * e;
            }
        }
    }

    // z = M^{-1} r with M the block-diagonal matrix of the line blocks.
    void apply_preconditioner(const Eigen::VectorXd& r, Eigen::VectorXd& z) const {
        for (std::size_t line = 0; line + 1 < pc_start.size(); ++line) {
            const std::size_t begin = pc_start[line];
            const std::size_t end = pc_start[line + 1];
            if (begin == end) {
                continue;
            }
            double y = 0.0;
            for (std::size_t p = begin; p < end; ++p) {
                y = r[pc_order[p]] - (p == begin ? 0.0 : pc_l[p] * y);
                z[pc_order[p]] = y; // L y = r
            }
            for (std::size_t p = end; p-- > begin;) {
                const double w = z[pc_order[p]] / pc_d[p];
                z[pc_order[p]] = p + 1 == end ? w : w - pc_l[p + 1] * z[pc_order[p + 1]];
            }
        }
    }

    // Preconditioned conjugate gradients on G x = b, starting from x.
    long solve_cg(const Eigen::VectorXd& b, Eigen::VectorXd& x) {
        factor_preconditioner();
        // The full symmetric matrix in row-major order: its product with a vector is a plain
        // gather per row, several times faster than the product with the lower triangle.
        const Eigen::SparseMatrix<double, Eigen::RowMajor, int> g =
            g_matrix.selfadjointView<Eigen::Lower>();
        Eigen::VectorXd r = b - g * x;
        Eigen::VectorXd z(r.size());
        apply_preconditioner(r, z);
        Eigen::VectorXd p = z;
        Eigen::VectorXd q(r.size());
        double rz = r.dot(z);
        const double stop = opt.cg_tol_rel * b.norm();
        long k = 0;
        while (r.norm() > stop) {
            if (k >= opt.cg_max_iterations) {
                throw SimulationError("crossbar solver: conjugate gradients did not converge in " +
                                      std::to_string(opt.cg_max_iterations) +
                                      " steps (relative residual " +
                                      units::to_eng(r.norm() / b.norm()) + ")");
            }
            q.noalias() = g * p;
            const double alpha = rz / p.dot(q);
            x += alpha * p;
            r -= alpha * q;
            apply_preconditioner(r, z);
            const double rz_new = r.dot(z);
            p = z + (rz_new / rz) * p;
            rz = rz_new;
            ++k;
        }
        return k;
    }

    std::vector<double> node_voltages_driven(const std::vector<std::optional<double>>& rv,
                                             const std::vector<std::optional<double>>& cv) const {
        std::vector<double> v(node_count, 0.0);
        for (std::size_t i = 0; i < c.rows; ++i) {
            v[row_pad[i]] = rv.empty() ? 0.0 : rv[i].value_or(0.0);
        }
        for (std::size_t j = 0; j < c.cols; ++j) {
            v[col_pad[j]] = cv.empty() ? 0.0 : cv[j].value_or(0.0);
        }
        return v;
    }

    CrossbarSolution solve(const std::vector<std::optional<double>>& rv,
                           const std::vector<std::optional<double>>& cv) {
        check.drives("row_voltages", rv, c.rows, kMaxDrive);
        check.drives("col_voltages", cv, c.cols, kMaxDrive);
        if (driven_mask(rv, c.rows) != row_driven || driven_mask(cv, c.cols) != col_driven) {
            check.fail("row_voltages/col_voltages",
                       "must drive the same pads as the circuit the solver was built for (the "
                       "factorisation pattern depends on which pads are driven)");
        }
        std::vector<double> v = node_voltages_driven(rv, cv);
        double v_scale = 0.0;
        for (std::size_t i = 0; i < c.rows; ++i) {
            v_scale = std::max(v_scale, std::abs(v[row_pad[i]]));
        }
        for (std::size_t j = 0; j < c.cols; ++j) {
            v_scale = std::max(v_scale, std::abs(v[col_pad[j]]));
        }
        const double tol = opt.v_tol_rel * v_scale + opt.v_tol_abs;
        const std::size_t nd = row_node.size();

        // Right-hand side of the lines: conductances to driven nodes.
        Eigen::VectorXd rhs_lines = Eigen::VectorXd::Zero(static_cast<Index>(n_unknowns));
        for (const Edge& e : lines) {
            const Index ua = unknown[e.a];
            const Index ub = unknown[e.b];
            if (ua != kDriven && ub == kDriven) {
                rhs_lines[ua] += e.g * v[e.b];
            } else if (ub != kDriven && ua == kDriven) {
                rhs_lines[ub] += e.g * v[e.a];
            }
        }

        std::vector<double> vdev(nd, 0.0); // linearisation point (starts at zero bias)
        const bool iterate = nonlinear;
        CrossbarSolution out;
        Eigen::VectorXd rhs(static_cast<Index>(n_unknowns));
        Eigen::VectorXd x;
        for (int it = 1;; ++it) {
            // Companion model of each device around vdev[k]: slope g_d, source I(V_k) - g_d V_k.
            std::copy(line_values.begin(), line_values.end(), g_matrix.valuePtr());
            rhs = rhs_lines;
            double* values = g_matrix.valuePtr();
            for (std::size_t k = 0; k < nd; ++k) {
                const double t0 = c.tmr0[k];
                const double gp = c.g_parallel[k];
                double gd = 0.0;
                double ieq = 0.0;
                if (iterate) {
                    gd = crossbar_device_slope(gp, t0, c.v_h, vdev[k]);
                    ieq = crossbar_device_current(gp, t0, c.v_h, vdev[k]) - gd * vdev[k];
                } else {
                    gd = gp / (1.0 + t0);
                }
                const auto& s = device_slots[k];
                const Index ur = unknown[row_node[k]];
                const Index uc = unknown[col_node[k]];
                if (s[0] >= 0) {
                    values[s[0]] += gd;
                    rhs[ur] -= ieq;
                    if (uc == kDriven) {
                        rhs[ur] += gd * v[col_node[k]];
                    }
                }
                if (s[1] >= 0) {
                    values[s[1]] += gd;
                    rhs[uc] += ieq;
                    if (ur == kDriven) {
                        rhs[uc] += gd * v[row_node[k]];
                    }
                }
                if (s[2] >= 0) {
                    values[s[2]] -= gd;
                }
            }
            if (n_unknowns > 0 && direct) {
                ldlt.factorize(g_matrix);
                if (ldlt.info() != Eigen::Success) {
                    throw SimulationError(
                        "crossbar solver: the nodal conductance matrix is not positive definite "
                        "(factorisation failed)");
                }
                x = ldlt.solve(rhs);
            } else if (n_unknowns > 0) {
                if (x.size() != rhs.size()) {
                    x = Eigen::VectorXd::Zero(rhs.size());
                }
                out.cg_iterations += solve_cg(rhs, x);
            }
            for (std::size_t node = 0; node < node_count; ++node) {
                if (unknown[node] != kDriven) {
                    v[node] = x[unknown[node]];
                }
            }
            double change = 0.0;
            for (std::size_t k = 0; k < nd; ++k) {
                const double vk = v[row_node[k]] - v[col_node[k]];
                change = std::max(change, std::abs(vk - vdev[k]));
                vdev[k] = vk;
            }
            out.iterations = it;
            if (!iterate || change <= tol) {
                break;
            }
            if (it >= opt.max_iterations) {
                throw SimulationError("crossbar solver: Newton iteration did not converge in " +
                                      std::to_string(opt.max_iterations) +
                                      " iterations (last device-voltage change " +
                                      units::to_eng(change) + " V, tolerance " +
                                      units::to_eng(tol) + " V)");
            }
        }
        finish(v, vdev, out);
        return out;
    }

    // Device currents from the device law, pad currents from Kirchhoff's law at the pad nodes.
    void finish(const std::vector<double>& v, const std::vector<double>& vdev,
                CrossbarSolution& out) const {
        const std::size_t nd = row_node.size();
        out.device_voltages = vdev;
        out.device_currents.resize(nd);
        // Net current flowing into each node from the network (non-zero only at driven pads).
        std::vector<double> inflow(node_count, 0.0);
        for (std::size_t k = 0; k < nd; ++k) {
            const double ik =
                nonlinear ? crossbar_device_current(c.g_parallel[k], c.tmr0[k], c.v_h, vdev[k])
                          : c.g_parallel[k] / (1.0 + c.tmr0[k]) * vdev[k];
            out.device_currents[k] = ik;
            inflow[col_node[k]] += ik;
            inflow[row_node[k]] -= ik;
        }
        for (const Edge& e : lines) {
            const double i_ab = e.g * (v[e.a] - v[e.b]);
            inflow[e.b] += i_ab;
            inflow[e.a] -= i_ab;
        }
        out.col_currents.assign(c.cols, 0.0);
        out.row_currents.assign(c.rows, 0.0);
        out.row_pad_voltages.resize(c.rows);
        out.col_pad_voltages.resize(c.cols);
        for (std::size_t i = 0; i < c.rows; ++i) {
            out.row_pad_voltages[i] = v[row_pad[i]];
            if (row_driven[i]) {
                out.row_currents[i] = -inflow[row_pad[i]];
            }
        }
        for (std::size_t j = 0; j < c.cols; ++j) {
            out.col_pad_voltages[j] = v[col_pad[j]];
            if (col_driven[j]) {
                out.col_currents[j] = inflow[col_pad[j]];
            }
        }
    }
};

CrossbarSolver::CrossbarSolver(CrossbarCircuit circuit, CrossbarSolveOptions options)
    : impl_(std::make_unique<Impl>()) {
    check_circuit(circuit);
    if (!(options.v_tol_rel >= 0) || !(options.v_tol_abs >= 0) || options.max_iterations < 1) {
        check.fail("options", "need v_tol_rel >= 0, v_tol_abs >= 0 and max_iterations >= 1");
    }
    impl_->c = std::move(circuit);
    impl_->opt = options;
    const auto& c = impl_->c;
    impl_->nonlinear = c.bias_dependent &&
                       std::any_of(c.tmr0.begin(), c.tmr0.end(), [](double t) { return t > 0; });
    impl_->build_nodes();
    impl_->classify_nodes();
    impl_->build_matrix();
}

CrossbarSolver::~CrossbarSolver() = default;
CrossbarSolver::CrossbarSolver(CrossbarSolver&&) noexcept = default;
CrossbarSolver& CrossbarSolver::operator=(CrossbarSolver&&) noexcept = default;

CrossbarSolution CrossbarSolver::solve() {
    return impl_->solve(impl_->c.row_voltages, impl_->c.col_voltages);
}

CrossbarSolution CrossbarSolver::solve(const std::vector<std::optional<double>>& row_voltages,
                                       const std::vector<std::optional<double>>& col_voltages) {
    return impl_->solve(row_voltages, col_voltages);
}

const CrossbarCircuit& CrossbarSolver::circuit() const {
    return impl_->c;
}

std::size_t CrossbarSolver::unknowns() const {
    return impl_->n_unknowns;
}

CrossbarSolution solve_crossbar(const CrossbarCircuit& circuit,
                                const CrossbarSolveOptions& options) {
    CrossbarSolver solver(circuit, options);
    return solver.solve();
}

} // namespace spincim::solvers
