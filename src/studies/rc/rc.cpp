// The `rc` kind: an RC low-pass driven by a step (circuits::rc_step), the analytic reference of
// the transient path: v_out(t) = v_step·(1 − exp(−(t − t_delay)/(r·c))) after the step.

#include "spincim/circuits/basic.hpp"
#include "spincim/config/reader.hpp"
#include "spincim/studies/circuit/spec.hpp"

namespace spincim::studies {

namespace {

class RcKind final : public CircuitKind {
public:
    std::string_view name() const override { return "rc"; }
    std::string_view summary() const override {
        return "RC low-pass driven by a step (r, c, v_step, t_delay, t_rise)";
    }

protected:
    netlist::Netlist read_circuit(config::Map& c, const ParseInput&) const override {
        circuits::RcStepSpec rc;
        rc.r = c.positive_or("r", rc.r);
        rc.c = c.positive_or("c", rc.c);
        rc.v_step = c.number_or("v_step", rc.v_step);
        rc.t_delay = c.number_or("t_delay", rc.t_delay);
        rc.t_rise = c.positive_or("t_rise", rc.t_rise);
        if (rc.t_delay < 0)
            c.required("t_delay").fail("must not be negative");
        return circuits::rc_step(rc);
    }
    std::string circuit_help() const override {
        return R"(    r: 1k                      series resistor, ohm
    c: 1n                      capacitor from out to ground, F
    v_step: 1                  step amplitude, V
    t_delay: 0                 start of the step, s
    t_rise: 1p                 rise time of the step, s
                               nodes in, out; source vin
)";
    }
};

} // namespace

const Kind& rc_kind() {
    static const RcKind kind;
    return kind;
}

} // namespace spincim::studies
