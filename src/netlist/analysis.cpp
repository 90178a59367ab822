#include "spincim/netlist/analysis.hpp"

#include <cmath>

#include "spincim/core/error.hpp"
#include "spincim/netlist/identifier.hpp"
#include "spincim/units/units.hpp"

namespace spincim::netlist {

namespace {

void finite(double v, const std::string& what) {
    if (!std::isfinite(v))
        throw InputError(what + " must be a finite number");
}

std::string num(double v) {
    return units::to_spice(v);
}

} // namespace

void check_analysis(const Analysis& analysis) {
    if (const auto* dc = std::get_if<DcAnalysis>(&analysis)) {
        check_identifier(dc->source, ".dc: source");
        finite(dc->start, ".dc: start");
        finite(dc->stop, ".dc: stop");
        finite(dc->step, ".dc: step");
        if (dc->step == 0)
            throw InputError(".dc: step must not be zero");
        const double points = (dc->stop - dc->start) / dc->step;
        if (points < 0)
            throw InputError(".dc: a step of " + num(dc->step) + " never gets from " +
                             num(dc->start) + " to " + num(dc->stop));
        if (points > kMaxAnalysisPoints)
            throw InputError(".dc: " + num(points) + " points is too many (at most " +
                             num(kMaxAnalysisPoints) + ")");
    } else if (const auto* tran = std::get_if<TranAnalysis>(&analysis)) {
        finite(tran->step, ".tran: tstep");
        finite(tran->stop, ".tran: tstop");
        if (!(tran->step > 0))
            throw InputError(".tran: tstep must be positive, got " + num(tran->step));
        if (!(tran->stop > 0))
            throw InputError(".tran: tstop must be positive, got " + num(tran->stop));
        if (tran->step > tran->stop)
            throw InputError(".tran: tstep " + num(tran->step) + " is longer than tstop " +
                             num(tran->stop));
        // tstop/tstep bounds the number of output points; `.tran 1e-30 1` runs for ever
        // (shared/NGSPICE.md, "Hazards").
        if (tran->stop / tran->step > kMaxAnalysisPoints)
            throw InputError(".tran: tstop/tstep = " + num(tran->stop / tran->step) +
                             " output points is too many (at most " + num(kMaxAnalysisPoints) +
                             ")");
        if (tran->start) {
            finite(*tran->start, ".tran: tstart");
            if (*tran->start < 0 || !(*tran->start < tran->stop))
                throw InputError(".tran: tstart must lie in [0, tstop), got " + num(*tran->start));
        }
        if (tran->max_step) {
            finite(*tran->max_step, ".tran: tmax");
            if (!(*tran->max_step > 0))
                throw InputError(".tran: tmax must be positive, got " + num(*tran->max_step));
            if (tran->stop / *tran->max_step > kMaxAnalysisPoints)
                throw InputError(".tran: tstop/tmax = " + num(tran->stop / *tran->max_step) +
                                 " time steps is too many (at most " + num(kMaxAnalysisPoints) +
                                 ")");
        }
    }
}

const std::vector<OptionRule>& option_rules() {
    using R = OptionRule::Range;
    // ngspice manual 15.1.1-15.1.4 (general, DC, transient options).
    static const std::vector<OptionRule> kRules{
        {"abstol", R::positive, "absolute current tolerance (A)"},
        {"reltol", R::fraction, "relative tolerance"},
        {"vntol", R::positive, "absolute voltage tolerance (V)"},
        {"chgtol", R::positive, "charge tolerance (C)"},
        {"trtol", R::positive, "truncation error overestimation factor"},
        {"gmin", R::positive, "minimum conductance (S)"},
        {"pivrel", R::fraction, "relative pivot ratio"},
        {"pivtol", R::positive, "absolute pivot threshold"},
        {"rshunt", R::positive, "resistance from every node to ground (ohm)"},
        {"temp", R::temperature, "circuit temperature (degC)"},
        {"tnom", R::temperature, "nominal model temperature (degC)"},
        {"itl1", R::integer_positive, "DC iteration limit"},
        {"itl2", R::integer_positive, "DC transfer curve iteration limit"},
        {"itl4", R::integer_positive, "transient time-point iteration limit"},
        {"gminsteps", R::integer_nonneg, "gmin stepping steps"},
        {"srcsteps", R::integer_nonneg, "source stepping steps"},
        {"maxord", R::integer_positive, "maximum integration order"},
        {"defl", R::positive, "default MOS channel length (m)"},
        {"defw", R::positive, "default MOS channel width (m)"}};
    return kRules;
}

std::string check_option(std::string_view key, double value) {
    const std::string lower = to_lower(key);
    const OptionRule* rule = nullptr;
    for (const auto& r : option_rules())
        if (r.key == lower)
            rule = &r;
    if (!rule) {
        std::string known;
        for (const auto& r : option_rules())
            known += (known.empty() ? "" : " ") + std::string(r.key);
        throw InputError(".options: unknown option " + quote(key) + " (known: " + known +
                         "; the integration method is set with set_method)");
    }
    const std::string what = ".options " + lower;
    finite(value, what);
    using R = OptionRule::Range;
    switch (rule->range) {
    case R::positive:
        if (!(value > 0))
            throw InputError(what + " must be positive, got " + num(value));
        break;
    case R::fraction:
        if (!(value > 0 && value <= 1))
            throw InputError(what + " must lie in (0, 1], got " + num(value));
        break;
    case R::integer_positive:
        if (value != std::floor(value) || value < 1 || value > 1e9)
            throw InputError(what + " must be a positive integer, got " + num(value));
        break;
    case R::integer_nonneg:
        if (value != std::floor(value) || value < 0 || value > 1e9)
            throw InputError(what + " must be a non-negative integer, got " + num(value));
        break;
    case R::temperature:
        if (!(value > -273.15))
            throw InputError(what + " must be above absolute zero (-273.15 degC), got " +
                             num(value));
        break;
    }
    return lower;
}

} // namespace spincim::netlist
