#pragma once
// Measurements on sampled waveforms: the numbers a circuit researcher reads off a scope.
//
// Waveforms are the (time, value) samples ngspice returns for a transient. Its time step is
// adaptive, so every measurement interpolates linearly between samples (the same assumption as
// ngspice's own `.meas`, which interpolates between time points) and integrates with the
// trapezoidal rule on the actual, uneven grid.

#include <optional>
#include <span>
#include <string>

namespace spincim::analysis {

enum class Edge { rise, fall, either };

// A waveform view: `t` strictly increasing, `y` of the same length, at least one sample.
// The constructor checks both and throws spincim::InputError naming `name` otherwise.
class Trace {
public:
    Trace(std::span<const double> t, std::span<const double> y, std::string name = "waveform");
    [[nodiscard]] std::span<const double> t() const { return t_; }
    [[nodiscard]] std::span<const double> y() const { return y_; }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::span<const double> t_, y_;
    std::string name_;
};

// Last sample (the settled value of a transient, or the only value of an operating point).
[[nodiscard]] double final_value(const Trace& w);

// Value at time `at`, linearly interpolated; throws InputError if `at` lies outside the trace.
[[nodiscard]] double value_at(const Trace& w, double at);

// Time of the `nth` (1-based) crossing of `level` on `edge`, at or after `after`, linearly
// interpolated between the two samples that straddle the level. nullopt if there is none.
[[nodiscard]] std::optional<double> crossing_time(const Trace& w, double level,
                                                  Edge edge = Edge::either, int nth = 1,
                                                  double after = -1e300);

// ∫ y dt over [t0, t1] (clipped to the trace), trapezoidal on the sample grid with the end
// points interpolated.
[[nodiscard]] double integral(const Trace& w, double t0 = -1e300, double t1 = 1e300);

// Mean of y over [t0, t1]: integral / duration.
[[nodiscard]] double average(const Trace& w, double t0, double t1);

// ∫ v·i dt over [t0, t1] where v and i share the time axis (trapezoidal on the product, which
// is exact for piecewise-linear v·i and second-order accurate otherwise).
[[nodiscard]] double integral_of_product(const Trace& v, const Trace& i, double t0 = -1e300,
                                         double t1 = 1e300);

// Energy delivered by a voltage source over [t0, t1]. ngspice's branch current of a voltage
// source flows into its positive terminal, so the power the source delivers is −v·i
// (ngspice manual, "Voltage and current sources"): E = −∫ v·i dt.
[[nodiscard]] double source_energy(const Trace& v, const Trace& i_branch, double t0 = -1e300,
                                   double t1 = 1e300);

// Delay between the `level_a` crossing of `a` on `edge_a` and the next `level_b` crossing of `b`
// on `edge_b` after it (a propagation delay). nullopt if either crossing is missing.
[[nodiscard]] std::optional<double> delay(const Trace& a, double level_a, Edge edge_a,
                                          const Trace& b, double level_b, Edge edge_b);

} // namespace spincim::analysis
