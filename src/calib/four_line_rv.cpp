#include "spincim/calib/four_line_rv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "data_check.hpp"
#include "solver.hpp"

namespace spincim::calib::four_line_rv {

namespace {

constexpr const char* kName = "four_line_rv";
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxRounds = 50;

struct Lines {
    double a[2]; // a0, a1: indexed by state
    double b[2]; // b0, b1
    [[nodiscard]] double r(double v, int s) const { return b[s] + a[s] * std::fabs(v); }
};

// The state after each point for critical currents (cn, cp); see the header.
void simulate(const Lines& lines, double cn, double cp, const std::vector<double>& v, int s0,
              std::vector<int>& out) {
    out.resize(v.size());
    int s = s0;
    for (std::size_t k = 0; k < v.size(); ++k) {
        const double r = lines.r(v[k], s);
        if (r > 0) {
            const double i = v[k] / r;
            if (s == 0 && i >= cp)
                s = 1;
            else if (s == 1 && i <= cn)
                s = 0;
        }
        out[k] = s;
    }
}

double ssr(const Lines& lines, const std::vector<int>& s, const Data& d,
           const std::vector<double>& w) {
    double acc = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        const double e = d.resistance_ohm[k] - lines.r(d.voltage_v[k], s[k]);
        acc += w[k] * e * e;
    }
    return acc;
}

// Weighted least squares R = b + a|V| per state; a state without two distinct |V| keeps the
// slope 0 and the mean (or, with no points at all, a guess from the other state).
Lines fit_lines(const std::vector<int>& s, const Data& d, const std::vector<double>& w) {
    Lines out{};
    bool seen[2] = {false, false};
    for (int st = 0; st < 2; ++st) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (std::size_t k = 0; k < s.size(); ++k) {
            if (s[k] != st)
                continue;
            const double x = std::fabs(d.voltage_v[k]), y = d.resistance_ohm[k];
            sw += w[k];
            sx += w[k] * x;
            sy += w[k] * y;
            sxx += w[k] * x * x;
            sxy += w[k] * x * y;
        }
        if (sw == 0)
            continue;
        seen[st] = true;
        const double den = sw * sxx - sx * sx;
        const double rel = den / std::max(sw * sxx, std::numeric_limits<double>::min());
        out.a[st] = rel > 1e-12 ? (sw * sxy - sx * sy) / den : 0.0;
        out.b[st] = (sy - out.a[st] * sx) / sw;
    }
    if (!seen[1])
        out.b[1] = 2.0 * out.b[0];
    if (!seen[0])
        out.b[0] = 0.5 * out.b[1];
    return out;
}

// Currents of the points that could switch state `st` (V > 0 for low, V < 0 for high), computed
// in that state, sorted, with "never" (±∞) appended.
std::vector<double> candidates(const Lines& lines, const std::vector<double>& v, int st) {
    std::vector<double> out;
    for (double x : v) {
        if ((st == 0 && x <= 0) || (st == 1 && x >= 0))
            continue;
        const double r = lines.r(x, st);
        if (r > 0)
            out.push_back(x / r);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    out.push_back(st == 0 ? kInf : -kInf);
    return out;
}

struct Bracket {
    double lo;
    double hi;
};

// The interval of critical currents that reproduce the state sequence `s` (see the header).
Bracket bracket(const Lines& lines, const std::vector<int>& s, const std::vector<double>& v, int s0,
                int st) {
    // For st = 0 (cP): switching needs I ≥ cP, so cP ∈ (max non-switching I, min switching I].
    // For st = 1 (cN): switching needs I ≤ cN, so cN ∈ [max switching I, min non-switching I).
    double switching = st == 0 ? kInf : -kInf;
    double holding = 0.0; // critical currents have the sign of their branch
    int prev = s0;
    for (std::size_t k = 0; k < v.size(); ++k) {
        const bool candidate = prev == st && ((st == 0 && v[k] > 0) || (st == 1 && v[k] < 0));
        if (candidate) {
            const double i = v[k] / lines.r(v[k], st);
            if (s[k] != st)
                switching = st == 0 ? std::min(switching, i) : std::max(switching, i);
            else
                holding = st == 0 ? std::max(holding, i) : std::min(holding, i);
        }
        prev = s[k];
    }
    return st == 0 ? Bracket{holding, switching} : Bracket{switching, holding};
}

struct Predict {
    const std::vector<double>* voltage;
    const std::vector<int>* state;

    template <typename T>
    bool operator()(const T* theta, T* prediction) const {
        for (std::size_t k = 0; k < voltage->size(); ++k)
            prediction[k] =
                resistance(theta, (*voltage)[k], (*state)[k] ? State::high : State::low);
        return true;
    }
};

} // namespace

double resistance(const Params& p, double v, State state) {
    const double theta[] = {p.a1, p.b1, p.a0, p.b0, p.c_n, p.c_p};
    return resistance(theta, v, state);
}

std::vector<State> states(const Params& p, std::span<const double> voltage_v, State initial) {
    const Lines lines{{p.a0, p.a1}, {p.b0, p.b1}};
    std::vector<int> s;
    simulate(lines, p.c_n, p.c_p, {voltage_v.begin(), voltage_v.end()}, static_cast<int>(initial),
             s);
    std::vector<State> out;
    out.reserve(s.size());
    for (int x : s)
        out.push_back(x ? State::high : State::low);
    return out;
}

std::vector<double> sweep(const Params& p, std::span<const double> voltage_v, State initial) {
    const auto s = states(p, voltage_v, initial);
    std::vector<double> out(s.size());
    for (std::size_t k = 0; k < s.size(); ++k)
        out[k] = resistance(p, voltage_v[k], s[k]);
    return out;
}

const std::vector<ParameterInfo>& parameter_info() {
    static const std::vector<ParameterInfo> info{
        {"a1", "Ohm/V", "bias slope of the high (AP) state, R = b1 + a1|V|"},
        {"b1", "Ohm", "zero-bias resistance of the high (AP) state"},
        {"a0", "Ohm/V", "bias slope of the low (P) state, R = b0 + a0|V|"},
        {"b0", "Ohm", "zero-bias resistance of the low (P) state"},
        {"cN", "A", "critical current high -> low (I <= cN < 0)"},
        {"cP", "A", "critical current low -> high (I >= cP > 0)"}};
    return info;
}

FitResult fit(const Data& data, const FitOptions& options) {
    const std::size_t n = data.voltage_v.size();
    detail::check_length(kName, "resistance_ohm", data.resistance_ohm.size(), n);
    detail::check_finite(kName, "voltage_v", data.voltage_v);
    detail::check_positive(kName, "resistance_ohm", data.resistance_ohm);
    detail::check_varies(kName, "voltage_v", data.voltage_v);
    if (data.initial_state != State::low && data.initial_state != State::high)
        throw InputError(std::string(kName) + " fit: initial_state must be low or high");
    if (n < 4)
        throw InputError(std::string(kName) + " fit: " + std::to_string(n) +
                         " data points cannot determine the 4 line parameters (a1, b1, a0, b0)");
    const auto w = detail::weights_or_ones(kName, data.weight, n);
    const int s0 = static_cast<int>(data.initial_state);
    const auto& v = data.voltage_v;
    const auto& r = data.resistance_ohm;

    // 1. Nearest-line labels, started from the mid-range split of R.
    const auto [rmin, rmax] = std::minmax_element(r.begin(), r.end());
    std::vector<int> s(n);
    for (std::size_t k = 0; k < n; ++k)
        s[k] = r[k] > 0.5 * (*rmin + *rmax) ? 1 : 0;
    Lines lines = fit_lines(s, data, w);
    for (int round = 0; round < kMaxRounds; ++round) {
        bool changed = false;
        for (std::size_t k = 0; k < n; ++k) {
            const int nearest =
                std::fabs(r[k] - lines.r(v[k], 1)) < std::fabs(r[k] - lines.r(v[k], 0)) ? 1 : 0;
            changed = changed || nearest != s[k];
            s[k] = nearest;
        }
        if (!changed)
            break;
        lines = fit_lines(s, data, w);
    }

    // 2. Critical currents from the label transitions, then coordinate descent over the sampled
    //    currents with the history-consistent state sequence, alternating with line refits.
    double cp = kInf, cn = -kInf;
    for (std::size_t k = 0; k < n; ++k) {
        const int prev = k == 0 ? s0 : s[k - 1];
        if (prev == 0 && s[k] == 1 && v[k] > 0 && lines.r(v[k], 0) > 0)
            cp = std::min(cp, v[k] / lines.r(v[k], 0));
        if (prev == 1 && s[k] == 0 && v[k] < 0 && lines.r(v[k], 1) > 0)
            cn = std::max(cn, v[k] / lines.r(v[k], 1));
    }
    std::vector<int> trial;
    simulate(lines, cn, cp, v, s0, s);
    for (int round = 0; round < kMaxRounds; ++round) {
        for (int pass = 0; pass < kMaxRounds; ++pass) {
            bool moved = false;
            for (int st = 0; st < 2; ++st) {
                double& c = st == 0 ? cp : cn;
                simulate(lines, cn, cp, v, s0, trial);
                double best = ssr(lines, trial, data, w);
                for (double cand : candidates(lines, v, st)) {
                    const double keep = c;
                    c = cand;
                    simulate(lines, cn, cp, v, s0, trial);
                    const double cost = ssr(lines, trial, data, w);
                    if (cost < best * (1 - 1e-12)) {
                        best = cost;
                        moved = true;
                    } else {
                        c = keep;
                    }
                }
            }
            if (!moved)
                break;
        }
        simulate(lines, cn, cp, v, s0, trial);
        lines = fit_lines(trial, data, w);
        const bool stable = trial == s;
        s = trial;
        if (stable && round > 0)
            break;
    }

    // 3. The lines by Levenberg–Marquardt on the final state sequence; 4. the critical-current
    //    intervals. cN and cP enter the solver as fixed parameters (their residual derivatives
    //    vanish) and are replaced by the interval estimates afterwards.
    const Bracket bp = bracket(lines, s, v, s0, 0);
    const Bracket bn = bracket(lines, s, v, s0, 1);
    const bool cp_known = std::isfinite(bp.hi);
    const bool cn_known = std::isfinite(bn.lo);
    const double cp_value = cp_known ? 0.5 * (bp.lo + bp.hi) : bp.lo;
    const double cn_value = cn_known ? 0.5 * (bn.lo + bn.hi) : bn.hi;
    const auto& info = parameter_info();
    std::vector<Parameter> params{
        {info[kA1].name, info[kA1].unit, lines.a[1]}, {info[kB1].name, info[kB1].unit, lines.b[1]},
        {info[kA0].name, info[kA0].unit, lines.a[0]}, {info[kB0].name, info[kB0].unit, lines.b[0]},
        {info[kCN].name, info[kCN].unit, cn_value},   {info[kCP].name, info[kCP].unit, cp_value}};
    params[kCN].fixed = params[kCP].fixed = true;
    detail::Fitter fitter(kName, params, r, w, options);
    fitter.add(Predict{&v, &s}, 0, n);
    FitResult out = fitter.solve();

    const std::size_t p = params.size();
    for (std::size_t j : {kCN, kCP}) {
        const bool known = j == kCP ? cp_known : cn_known;
        const Bracket b = j == kCP ? bp : bn;
        out.parameters[j].fixed = false;
        out.std_errors[j] = known ? (b.hi - b.lo) / std::sqrt(12.0) : kInf;
        for (std::size_t i = 0; i < p; ++i)
            out.correlation[j * p + i] = out.correlation[i * p + j] = i == j ? 1.0 : 0.0;
        if (known)
            continue;
        out.unidentified.push_back(info[j].name);
        for (std::size_t i = 0; i < p; ++i)
            out.correlation[j * p + i] = out.correlation[i * p + j] = std::nan("");
        out.warnings.push_back(
            "parameter '" + info[j].name +
            "' cannot be identified from these data: the sweep never switched the device " +
            (j == kCP ? "from low to high; cP is above " : "from high to low; cN is below ") +
            detail::num(j == kCP ? bp.lo : bn.hi, 4) +
            " A (the value reported). Its standard error is reported as infinite.");
    }
    out.notes.push_back("cN and cP are interval estimates from the switching points of the "
                        "sweep (midpoint, sigma = width/sqrt(12)); cN in [" +
                        detail::num(bn.lo, 4) + ", " + detail::num(bn.hi, 4) + ") A, cP in (" +
                        detail::num(bp.lo, 4) + ", " + detail::num(bp.hi, 4) +
                        "] A; dof counts the four line parameters");
    return out;
}

} // namespace spincim::calib::four_line_rv
