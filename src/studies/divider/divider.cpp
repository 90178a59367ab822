// The `divider` kind: a resistive divider driven by a DC source (circuits::divider), the smallest
// circuit study; v_out = v_in·r_bottom/(r_top + r_bottom). This folder and the kind's name in
// SPINCIM_STUDY_KINDS are everything a kind of the `circuit:` section needs.

#include "spincim/circuits/basic.hpp"
#include "spincim/config/reader.hpp"
#include "spincim/studies/circuit/spec.hpp"

namespace spincim::studies {

namespace {

class DividerKind final : public CircuitKind {
public:
    std::string_view name() const override { return "divider"; }
    std::string_view summary() const override {
        return "resistive divider driven by a DC source (v_in, r_top, r_bottom)";
    }

protected:
    netlist::Netlist read_circuit(config::Map& c, const ParseInput&) const override {
        circuits::DividerSpec d;
        d.v_in = c.number_or("v_in", d.v_in);
        d.r_top = c.positive_or("r_top", d.r_top);
        d.r_bottom = c.positive_or("r_bottom", d.r_bottom);
        return circuits::divider(d);
    }
    std::string circuit_help() const override {
        return R"(    v_in: 1                    source voltage, V
    r_top: 1k                  resistor from in to out, ohm
    r_bottom: 1k               resistor from out to ground, ohm
                               nodes in, out; source vin
)";
    }
};

} // namespace

const Kind& divider_kind() {
    static const DividerKind kind;
    return kind;
}

} // namespace spincim::studies
