#include "spincim/analysis/measure.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "spincim/core/error.hpp"

namespace spincim::analysis {

Trace::Trace(std::span<const double> t, std::span<const double> y, std::string name)
    : t_(t), y_(y), name_(std::move(name)) {
    if (t_.empty())
        throw InputError("waveform '" + name_ + "' has no samples");
    if (t_.size() != y_.size())
        throw InputError("waveform '" + name_ + "' has " + std::to_string(y_.size()) +
                         " values for " + std::to_string(t_.size()) + " time points");
    for (std::size_t k = 1; k < t_.size(); ++k)
        if (!(t_[k] > t_[k - 1]))
            throw InputError("waveform '" + name_ +
                             "': time is not strictly increasing at sample " + std::to_string(k));
}

namespace {

// Linear interpolation of y at t inside sample interval [k, k+1].
double lerp_at(const Trace& w, std::size_t k, double at) {
    const double t0 = w.t()[k], t1 = w.t()[k + 1];
    const double f = (at - t0) / (t1 - t0);
    return w.y()[k] + f * (w.y()[k + 1] - w.y()[k]);
}

// Index k with t[k] <= at < t[k+1] (clamped to the last interval).
std::size_t interval_of(const Trace& w, double at) {
    const auto t = w.t();
    auto it = std::upper_bound(t.begin(), t.end(), at);
    if (it == t.begin())
        return 0;
    const auto k = static_cast<std::size_t>(it - t.begin()) - 1;
    return std::min(k, t.size() - 2);
}

} // namespace

double final_value(const Trace& w) {
    return w.y().back();
}

double value_at(const Trace& w, double at) {
    const auto t = w.t();
    if (t.size() == 1) {
        if (at == t.front())
            return w.y().front();
        throw InputError("waveform '" + w.name() +
                         "' has a single sample; no value at t = " + std::to_string(at));
    }
    if (at < t.front() || at > t.back())
        throw InputError("time " + std::to_string(at) + " s is outside waveform '" + w.name() +
                         "' [" + std::to_string(t.front()) + ", " + std::to_string(t.back()) +
                         "] s");
    return lerp_at(w, interval_of(w, at), at);
}

std::optional<double> crossing_time(const Trace& w, double level, Edge edge, int nth,
                                    double after) {
    if (nth < 1)
        throw InputError("crossing number must be 1 or more, got " + std::to_string(nth));
    const auto t = w.t();
    const auto y = w.y();
    int seen = 0;
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        const double a = y[k] - level, b = y[k + 1] - level;
        // A crossing is a sign change across the interval; a sample exactly at the level counts
        // once, on the interval it ends.
        const bool rising = a < 0 && b >= 0;
        const bool falling = a > 0 && b <= 0;
        if (!((rising && edge != Edge::fall) || (falling && edge != Edge::rise)))
            continue;
        const double tc = t[k] + (t[k + 1] - t[k]) * (a / (a - b));
        if (tc < after)
            continue;
        if (++seen == nth)
            return tc;
    }
    return std::nullopt;
}

namespace {

// Trapezoidal integral of the pointwise product f(k) over [lo, hi], with the partial
// intervals at both ends interpolated linearly.
template <class F>
double trapezoid(std::span<const double> t, F f, double lo, double hi) {
    lo = std::max(lo, t.front());
    hi = std::min(hi, t.back());
    if (!(hi > lo))
        return 0.0;
    double sum = 0.0;
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        const double a = std::max(lo, t[k]), b = std::min(hi, t[k + 1]);
        if (!(b > a))
            continue;
        const double h = t[k + 1] - t[k];
        const auto at = [&](double x) { return f(k) + (f(k + 1) - f(k)) * ((x - t[k]) / h); };
        sum += 0.5 * (at(a) + at(b)) * (b - a);
    }
    return sum;
}

void require_same_axis(const Trace& a, const Trace& b) {
    if (a.t().size() != b.t().size() || !std::equal(a.t().begin(), a.t().end(), b.t().begin()))
        throw InputError("waveforms '" + a.name() + "' and '" + b.name() +
                         "' do not share a time axis");
}

} // namespace

double integral(const Trace& w, double t0, double t1) {
    return trapezoid(
        w.t(), [&](std::size_t k) { return w.y()[k]; }, t0, t1);
}

double average(const Trace& w, double t0, double t1) {
    if (!(t1 > t0))
        throw InputError("averaging window [" + std::to_string(t0) + ", " + std::to_string(t1) +
                         "] is empty");
    const double lo = std::max(t0, w.t().front()), hi = std::min(t1, w.t().back());
    if (!(hi > lo))
        throw InputError("averaging window lies outside waveform '" + w.name() + "'");
    return integral(w, lo, hi) / (hi - lo);
}

double integral_of_product(const Trace& v, const Trace& i, double t0, double t1) {
    require_same_axis(v, i);
    return trapezoid(
        v.t(), [&](std::size_t k) { return v.y()[k] * i.y()[k]; }, t0, t1);
}

double source_energy(const Trace& v, const Trace& i_branch, double t0, double t1) {
    return -integral_of_product(v, i_branch, t0, t1);
}

std::optional<double> delay(const Trace& a, double level_a, Edge edge_a, const Trace& b,
                            double level_b, Edge edge_b) {
    const auto ta = crossing_time(a, level_a, edge_a);
    if (!ta)
        return std::nullopt;
    const auto tb = crossing_time(b, level_b, edge_b, 1, *ta);
    if (!tb)
        return std::nullopt;
    return *tb - *ta;
}

} // namespace spincim::analysis
