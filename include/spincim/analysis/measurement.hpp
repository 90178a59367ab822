#pragma once
// Declarative measurements: what a study asks to be measured on the simulated waveforms, and
// their evaluation. The analysis layer does not know which circuit produced the waveforms; a
// signal is a name in a `Waveforms` set (`v(out)`, `i(vin)`, as the study wrote it).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spincim/analysis/measure.hpp"
#include "spincim/core/error.hpp"

namespace spincim::analysis {

// The vectors of one simulation: an axis (time for a transient, the swept value for a DC sweep,
// a single point for an operating point) and signals sampled on it.
struct Waveforms {
    std::string axis_name = "time";
    std::vector<double> axis;
    std::map<std::string, std::vector<double>> signals;

    [[nodiscard]] bool has(const std::string& name) const { return signals.contains(name); }
    // Throws InputError naming the signal and the ones that exist.
    [[nodiscard]] Trace trace(const std::string& name) const;
};

enum class MeasureKind {
    final_value, // last sample
    value_at,    // value at `at` on the axis
    cross,       // axis value of the nth crossing of `level`
    delay,       // from the crossing of `signal` at `level` to that of `target` at `target_level`
    average,     // mean over [from, to]
    integral,    // ∫ signal d(axis) over [from, to]
    energy,      // energy delivered by a voltage source: −∫ v·i dt, `signal` = v, `target` = i
    minimum,     // smallest sample over [from, to]
    maximum,     // largest sample over [from, to]
};

struct MeasureSpec {
    std::string name;
    MeasureKind kind = MeasureKind::final_value;
    std::string signal;
    std::string target; // second signal of delay / energy
    std::string unit;   // SI unit of the result ("V", "A", "s", "J", ...)
    double at = 0.0;
    double level = 0.0;
    double target_level = 0.0;
    Edge edge = Edge::either;
    Edge target_edge = Edge::either;
    int nth = 1;
    double from = -1e300;
    double to = 1e300;
    SourceLocation where; // where the study defined it, for errors
};

struct Measurement {
    std::string name;
    std::optional<double> value; // nullopt: the event did not happen (e.g. no crossing)
    std::string unit;
};

// Evaluates one measurement. Throws InputError (at spec.where) when a signal is missing or the
// requested point lies outside the waveform.
[[nodiscard]] Measurement evaluate(const MeasureSpec& spec, const Waveforms& waves);

} // namespace spincim::analysis
