#pragma once
// Study kinds: one folder per kind under src/studies/<kind>/, one line each in the registry
// (studies/registry.hpp). A kind turns its YAML section into a fully resolved, validated study
// (every built-in default recorded in the resolved parameters); the study then knows how to
// write its netlist, run, and — for swept kinds — what to hand to the generic Monte Carlo driver
// (sweep/driver.hpp). The command line (src/cli) only parses arguments, asks the registry for the
// study and maps errors to exit codes: no study logic lives there (ARCHITECTURE.md, "Layers").
//
// What a new kind needs: src/studies/<kind>/<kind>.cpp with a class derived from Kind (name,
// section, summary, help, parse) and one from Study (summary, and netlist/run/... where it has
// them), a CMakeLists.txt adding its sources to the studies library, the kind's name in
// SPINCIM_STUDY_KINDS (studies/registry.hpp), an example in netlists/ and its tests.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spincim/core/error.hpp"
#include "spincim/netlist/netlist.hpp"

namespace spincim {
class OutputDir;
} // namespace spincim

namespace spincim::config {
class Map;
class Value;
} // namespace spincim::config

namespace spincim::sweep {
class Planner;
struct SampleId;
struct SampleRecord;
} // namespace spincim::sweep

namespace spincim::studies {

// Bounds of every simulation a study runs (`simulation:` in the study file).
struct SimulationLimits {
    double timeout_s = 60.0;
    double max_points = 1e6; // bound on tstop/tstep and on DC sweep points
};

// What every study file has, whatever its kind.
struct Header {
    std::string file; // as the user named it
    std::string name;
    std::uint64_t seed = 0;
    std::string description;
    SimulationLimits simulation;
    SourceLocation section; // the kind's section, for messages about the study as a whole
};

// Where the toolkit's own files are: `.include` files come only from models_root; the built-in
// data sets live beside it (../netlists/data).
struct Environment {
    std::filesystem::path models_root;
    [[nodiscard]] std::filesystem::path data_dir() const;
};

struct RunOptions {
    bool progress = true; // progress on standard error
};

// How a run ended. A failed simulation still writes its record (status and ngspice's words);
// the command line reports `failure` and exits 3.
struct RunOutcome {
    std::vector<std::string> warnings;
    std::string failure; // empty: the run succeeded
};

// `spincim sweep` and its worker processes.
struct SweepCommand {
    std::filesystem::path study_file;
    std::filesystem::path outdir;
    std::size_t workers = 0; // 0: one per core
    bool resume = false;
    bool progress = true;
};

// `spincim mismatch`: where the spread of a swept kind's margin comes from.
struct MismatchCommand {
    std::string case_label; // empty: the first case
    std::optional<std::size_t> k;
    std::size_t row_draws = 40;
};

class Kind;

// What a swept kind supplies to the generic Monte Carlo driver (sweep/driver.hpp).
class Swept {
public:
    virtual ~Swept() = default;
    // The hash a sweep journal is bound to: everything that decides a sample's values.
    [[nodiscard]] virtual std::string sweep_hash() const = 0;
    // Column names of a sample's values (SI units in the names).
    [[nodiscard]] virtual std::vector<std::string> value_names() const = 0;
    // Decides the rounds and writes the tables (supervisor side).
    [[nodiscard]] virtual std::unique_ptr<sweep::Planner> planner() const = 0;
    // Evaluates one sample (worker side; may hold a simulator session).
    [[nodiscard]] virtual std::function<sweep::SampleRecord(const sweep::SampleId&)>
    evaluator() const = 0;
    [[nodiscard]] virtual double sample_timeout_s() const = 0;
    [[nodiscard]] virtual int max_attempts() const = 0;
};

// A parsed, validated study of one kind.
class Study {
public:
    explicit Study(Header header);
    virtual ~Study();
    Study(const Study&) = delete;
    Study& operator=(const Study&) = delete;

    [[nodiscard]] const Header& header() const { return header_; }
    // Every parameter as read, built-in defaults included (SI units): results.json "parameters".
    [[nodiscard]] const nlohmann::json& resolved() const { return resolved_; }
    [[nodiscard]] virtual const Kind& kind() const = 0;
    // Set once by the registry when the whole document has been read.
    void set_resolved(nlohmann::json resolved) { resolved_ = std::move(resolved); }

    // Checks what can only be checked on the whole study (e.g. that every measured signal exists
    // in the generated netlist); called by the registry after parsing. InputError on failure.
    virtual void validate() const {}
    // What `spincim check` says after "FILE: study NAME is valid (".
    [[nodiscard]] virtual std::string summary() const = 0;
    // The netlist `spincim netlist` writes (InputError for kinds that simulate none).
    [[nodiscard]] virtual netlist::Netlist netlist() const;
    // `spincim run`: writes the outputs into `out` (the caller commits it) and prints the result
    // table on `term` (InputError for kinds that are swept instead).
    virtual RunOutcome run(const OutputDir& out, std::ostream& term,
                           const RunOptions& options) const;
    // The swept part, or nullptr for a kind that is not swept.
    [[nodiscard]] virtual const Swept* swept() const { return nullptr; }
    // `spincim mismatch` (InputError for kinds without one).
    virtual int mismatch(const MismatchCommand& command, std::ostream& term) const;

protected:
    // An InputError at the study's section: "a KIND study ...".
    [[noreturn]] void refuse(const std::string& message) const;

private:
    Header header_;
    nlohmann::json resolved_;
};

// What a kind's parser receives: the header already read, the document's top-level map (a kind
// may own other top-level keys, e.g. `analysis:` for circuit kinds) and its section.
struct ParseInput {
    Header header;
    config::Map& top;
    const config::Value& section;
    // Kinds of the shared `circuit:` section: its map, with `kind` already read.
    config::Map* circuit = nullptr;
    Environment environment;
};

class Kind {
public:
    virtual ~Kind() = default;
    // The name users write: `circuit: {kind: NAME}` or the section key itself.
    [[nodiscard]] virtual std::string_view name() const = 0;
    // The top-level key of the study file this kind reads (`circuit` for the generic circuits).
    [[nodiscard]] virtual std::string_view section() const = 0;
    // One line for `spincim help`.
    [[nodiscard]] virtual std::string_view summary() const = 0;
    // Every key with its default and unit (`spincim help KIND`).
    [[nodiscard]] virtual std::string help() const = 0;
    // Whether the kind reads the top-level `analysis`, `measure` and `output` keys.
    [[nodiscard]] virtual bool reads_analysis() const { return false; }
    // Reads and validates the kind's part of the study (InputError naming file:line:col: key).
    [[nodiscard]] virtual std::unique_ptr<Study> parse(ParseInput& input) const = 0;
};

// The results.json header every kind starts with: study, spincim_version, seed, file and the
// description when there is one.
[[nodiscard]] nlohmann::ordered_json results_header(const Header& header);

// A file a study names: a relative path is taken from `base` (the study file's folder); the file
// must exist (InputError at the key otherwise). Returns the full path.
[[nodiscard]] std::string existing_file(const config::Value& value,
                                        const std::filesystem::path& base);

// The version string of this build.
[[nodiscard]] std::string_view version();

} // namespace spincim::studies
