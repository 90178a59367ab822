#pragma once
// A study: one YAML file describing a circuit, an analysis, what to measure and what to write.
// This is the only place that knows the YAML layout; everything below receives typed specs.
//
//   study: rc_step                     # identifier
//   seed: 1                            # 0 ... 2^64-1
//   description: free text             # optional, never reaches a netlist
//   circuit: {kind: rc | divider | elements, ...}
//   analysis: {op: {}} | {dc: {source, start, stop, step}} | {tran: {step, stop, start?,
//   max_step?}} measure: [{name, kind, signal, ...}, ...]        # optional simulation: {timeout:
//   60, max_points: 1meg}      # optional output: {waveforms: [v(out), i(vin)]}            #
//   optional
//
// `study_reference()` prints every key with its meaning (shown by `spincim help run`).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "spincim/analysis/measurement.hpp"
#include "spincim/circuits/basic.hpp"
#include "spincim/circuits/xnor_row.hpp"
#include "spincim/config/crossbar_study.hpp"
#include "spincim/config/monte_carlo.hpp"
#include "spincim/netlist/netlist.hpp"
#include "spincim/network/study.hpp"

namespace spincim::config {

// A circuit given element by element in the study (`kind: elements`).
struct ElementsSpec {
    netlist::Netlist netlist;
};

using CircuitSpec = std::variant<circuits::RcStepSpec, circuits::DividerSpec, ElementsSpec>;

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

struct SimulationSpec {
    double timeout_s = 60.0;
    double max_points = 1e6; // bound on tstop/tstep and on DC sweep points
};

// A 2T2J XNOR row study (seed 001 Sections II–III, Figs. 3 and 6(b)): V_SL against N1 for every
// N1 = 0..N of each row size, from `samples` random weight/input vectors per point, and the single
// bitcell of Fig. 3. Every point is an operating point of `circuits::xnor_row`.
struct XnorRowStudySpec {
    std::vector<std::size_t> sizes{16, 64};
    std::size_t samples = 1;
    bool single_bitcell = true;
    double read_current_limit = models::stt_bnn_read_current_limit;
    circuits::XnorRowSpec row; // electrical parameters; weights and inputs are drawn per point
};

struct StudySpec {
    std::string file;
    std::string name;
    std::uint64_t seed = 0;
    std::string description;
    CircuitSpec circuit;
    std::optional<XnorRowStudySpec> xnor_row; // set instead of circuit/analysis/measure/output
    // A network study (seed 001 Secs. V–VI): BNN accuracy on STT-BNN sub-arrays with errors
    // injected from CRER tables; set instead of circuit/analysis/measure/output.
    std::optional<network::NetworkStudySpec> network;
    // A Monte Carlo study of the STT-BNN sense path (seed 001 Sec. IV), run by `spincim sweep`;
    // set instead of circuit/analysis/measure/output.
    std::optional<MonteCarloStudySpec> monte_carlo;
    // A crossbar study (seed 003): the Wine network on passive MTJ arrays; set instead of
    // circuit/analysis/measure/output.
    std::optional<CrossbarStudySpec> crossbar;
    netlist::Analysis analysis;
    SourceLocation analysis_where;
    std::vector<analysis::MeasureSpec> measures;
    std::vector<SignalSpec> signals;    // every signal measured or written, in first-use order
    std::vector<std::string> waveforms; // signal names to write to waveforms.csv
    SimulationSpec simulation;
    nlohmann::json resolved; // every parameter as read, defaults included (SI units)
};

// Reads and validates a study. Throws spincim::InputError naming file:line:column and key.
// `models_root` is the folder `.include` files must live in (the project's models/).
[[nodiscard]] StudySpec load_study(const std::filesystem::path& file,
                                   const std::filesystem::path& models_root);
[[nodiscard]] StudySpec parse_study(std::string_view text, const std::string& file_name,
                                    const std::filesystem::path& models_root);

// The netlist of one point of an XNOR row study: N = `n` cells with `n1` XNOR = +1 outputs, the
// weights and inputs drawn from (study seed, sample).
[[nodiscard]] netlist::Netlist xnor_point_netlist(const StudySpec& study, std::size_t n,
                                                  std::size_t n1, std::uint64_t sample);

// The netlist a study simulates: the circuit, its analysis and a `.save` for every signal. For an
// XNOR row study, the first size at its midpoint N1 = N/2 (`run` simulates every point).
// Throws InputError (at the signal's place in the study) for a signal naming a node or source
// the circuit does not have.
[[nodiscard]] netlist::Netlist build_netlist(const StudySpec& study);

// Human-readable reference of every study key.
[[nodiscard]] std::string study_reference();

} // namespace spincim::config
