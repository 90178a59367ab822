#include "spincim/analysis/measurement.hpp"

#include <algorithm>

namespace spincim::analysis {

Trace Waveforms::trace(const std::string& name) const {
    const auto it = signals.find(name);
    if (it == signals.end()) {
        std::string known;
        for (const auto& [k, v] : signals)
            known += (known.empty() ? "" : ", ") + k;
        throw InputError("no signal '" + name + "' in the simulation results (available: " + known +
                         ")");
    }
    return Trace(axis, it->second, name);
}

namespace {

double extreme(const Trace& w, double from, double to, bool want_max) {
    std::optional<double> best;
    const auto t = w.t();
    const auto y = w.y();
    for (std::size_t k = 0; k < t.size(); ++k)
        if (t[k] >= from && t[k] <= to)
            best = !best ? y[k] : (want_max ? std::max(*best, y[k]) : std::min(*best, y[k]));
    if (!best)
        throw InputError("window [" + std::to_string(from) + ", " + std::to_string(to) +
                         "] holds no sample of '" + w.name() + "'");
    return *best;
}

} // namespace

Measurement evaluate(const MeasureSpec& spec, const Waveforms& waves) {
    try {
        Measurement m{spec.name, std::nullopt, spec.unit};
        const Trace w = waves.trace(spec.signal);
        switch (spec.kind) {
        case MeasureKind::final_value:
            m.value = final_value(w);
            break;
        case MeasureKind::value_at:
            m.value = value_at(w, spec.at);
            break;
        case MeasureKind::cross:
            m.value = crossing_time(w, spec.level, spec.edge, spec.nth, spec.from);
            break;
        case MeasureKind::delay:
            m.value = delay(w, spec.level, spec.edge, waves.trace(spec.target), spec.target_level,
                            spec.target_edge);
            break;
        case MeasureKind::average:
            m.value = average(w, std::max(spec.from, waves.axis.front()),
                              std::min(spec.to, waves.axis.back()));
            break;
        case MeasureKind::integral:
            m.value = integral(w, spec.from, spec.to);
            break;
        case MeasureKind::energy:
            m.value = source_energy(w, waves.trace(spec.target), spec.from, spec.to);
            break;
        case MeasureKind::minimum:
            m.value = extreme(w, spec.from, spec.to, false);
            break;
        case MeasureKind::maximum:
            m.value = extreme(w, spec.from, spec.to, true);
            break;
        }
        return m;
    } catch (const InputError& e) {
        throw InputError("measurement '" + spec.name + "': " + e.detail(), spec.where);
    }
}

} // namespace spincim::analysis
