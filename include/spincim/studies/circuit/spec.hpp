#pragma once
// Circuit studies: the kinds of the `circuit:` section (rc, divider, elements) share the rest of
// the study file — the analysis, the measurements and the waveforms to write:
//
//   circuit: {kind: rc | divider | elements, ...}      # the kind's own keys
//   analysis: {op: {}} | {dc: {source, start, stop, step}} | {tran: {step, stop, start?,
//             max_step?, uic?}}
//   measure: [{name, kind, signal, ...}, ...]           # optional
//   output: {waveforms: [v(out), i(vin)]}               # optional
//
// A circuit kind derives from CircuitKind and only reads its own keys into a netlist; this file
// reads the rest, builds the netlist with its analysis and `.save`s, and runs it.

#include <string>
#include <vector>

#include "spincim/analysis/measurement.hpp"
#include "spincim/netlist/netlist.hpp"
#include "spincim/studies/study.hpp"

namespace spincim::studies {

// A signal the study refers to, by the name it was written with (lower case):
// `v(node)` a node voltage, `i(vsrc)` the branch current of a voltage source (flowing into its
// positive terminal, as in ngspice), and, for energy measurements, the voltage across a source.
struct SignalSpec {
    enum class Kind { node_voltage, source_current, source_voltage };
    std::string name;
    Kind kind = Kind::node_voltage;
    std::string target; // node or source name
    SourceLocation where;
};

struct CircuitStudySpec {
    netlist::Netlist circuit; // the kind's elements, includes, params and models
    netlist::Analysis analysis;
    SourceLocation analysis_where;
    std::vector<analysis::MeasureSpec> measures;
    std::vector<SignalSpec> signals;    // every signal measured or written, in first-use order
    std::vector<std::string> waveforms; // signal names to write to waveforms.csv
};

// The netlist a circuit study simulates: the circuit, its analysis and a `.save` for every
// signal. Throws InputError (at the signal's place in the study) for a signal naming a node or
// source the circuit does not have.
[[nodiscard]] netlist::Netlist circuit_study_netlist(const Header& header,
                                                     const CircuitStudySpec& spec);

// The spec of a study of a circuit kind (InputError for a study of another kind).
[[nodiscard]] const CircuitStudySpec& circuit_spec_of(const Study& study);

// Base of the kinds of the `circuit:` section.
class CircuitKind : public Kind {
public:
    [[nodiscard]] std::string_view section() const final { return "circuit"; }
    [[nodiscard]] bool reads_analysis() const final { return true; }
    // The kind's keys, then the shared analysis, measurement and output keys.
    [[nodiscard]] std::string help() const final;
    [[nodiscard]] std::unique_ptr<Study> parse(ParseInput& input) const final;

protected:
    // Reads the kind's keys of `circuit:` (`kind` is already read) into a netlist without
    // analysis; the caller reports the keys it did not ask for.
    [[nodiscard]] virtual netlist::Netlist read_circuit(config::Map& circuit,
                                                        const ParseInput& input) const = 0;
    // The kind's own lines of the key reference.
    [[nodiscard]] virtual std::string circuit_help() const = 0;
};

} // namespace spincim::studies
