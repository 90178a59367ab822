#pragma once
// The Netlist: verified data that becomes ngspice text (ARCHITECTURE.md, data flow). Everything
// is checked when it is added (identifiers, nodes, numbers, unique names) and again across the
// netlist when it is written (parameters defined, subcircuit port counts, analysis sources).
//
// The writer (`to_spice`) prints a title line, then `.include`, `.param`, `.model`, `.subckt`
// definitions, top-level elements, `.options`, analyses and `.save`, and ends with `.end`. Lines
// longer than kMaxLineLength are continued with `+`. Whatever the input, it cannot emit
// `.control`, `.endc`, `shell`, `;`, `$`, a quote, or a line break inside a field
// (shared/NGSPICE.md: each of these makes ngspice run commands, misparse, or crash).

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "spincim/netlist/analysis.hpp"
#include "spincim/netlist/element.hpp"
#include "spincim/netlist/probe.hpp"

namespace spincim::netlist {

inline constexpr std::size_t kMaxLineLength = 200;
inline constexpr std::size_t kMaxTitleLength = 120;

// `.param name=value`, and a subcircuit parameter with its default.
struct Param {
    std::string name;
    double value;
};

// `.model name type (key=value ...)`.
struct ModelCard {
    std::string name;
    std::string type; // nmos pmos r c l d sw csw npn pnp (case-insensitive)
    std::vector<Param> params = {};
};

// The model types spincim writes.
[[nodiscard]] const std::vector<std::string_view>& model_types();

// A list of elements with unique (case-insensitive) names: the body of the top level or of a
// subcircuit, with the read access generators and tests use for structural checks.
class Scope {
public:
    [[nodiscard]] const std::vector<Element>& elements() const { return elements_; }
    // The element named `name` (case-insensitive, without the letter), or nullptr.
    [[nodiscard]] const Element* find(std::string_view name) const;
    [[nodiscard]] std::size_t count(ElementKind kind) const;
    // Number of X instances of the subcircuit `subckt` (case-insensitive).
    [[nodiscard]] std::size_t count_instances(std::string_view subckt) const;

protected:
    explicit Scope(std::string description) : description_(std::move(description)) {}
    // Validates `element` (names, nodes, values) and appends it. Throws spincim::InputError
    // naming the element and the field, e.g. `element 'Rload' node 2: ...`.
    void add_element(Element element);
    // Validates `element` and puts it in place of elements()[index]; the name must stay the same
    // (case-insensitive). Throws spincim::InputError otherwise or if index is out of range.
    void replace_element(std::size_t index, Element element);
    [[nodiscard]] const std::string& description() const { return description_; }

private:
    std::string description_;
    std::vector<Element> elements_;
    // Lower-case name -> position in elements_: large arrays (128 x 128 crossbars) stay linear.
    std::unordered_map<std::string, std::size_t> index_;
};

// `.subckt name ports... params: p=default ...` + body + `.ends`.
class Subckt : public Scope {
public:
    Subckt(std::string name, std::vector<Node> ports, std::vector<Param> params = {});

    Subckt& add(Element element) {
        add_element(std::move(element));
        return *this;
    }

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const std::vector<Node>& ports() const { return ports_; }
    [[nodiscard]] const std::vector<Param>& params() const { return params_; }

private:
    std::string name_;
    std::vector<Node> ports_;
    std::vector<Param> params_;
};

class Netlist : public Scope {
public:
    explicit Netlist(std::string title = "spincim netlist");

    // Any text; the writer sanitises it (the title line can never become a command).
    Netlist& set_title(std::string title);
    [[nodiscard]] const std::string& title() const { return title_; }
    // The title as written: printable ASCII letters, digits, space and `_-+=.,:()/` only,
    // starting with a letter or digit, at most kMaxTitleLength characters.
    [[nodiscard]] std::string sanitized_title() const;

    Netlist& add(Element element) {
        add_element(std::move(element));
        return *this;
    }
    // Replaces elements()[index] by `element` with the same name (e.g. a MOSFET given a
    // Monte Carlo `delvto`, an MTJ instance given varied parameters). InputError if the index is
    // out of range, the name differs, or the element is invalid.
    Netlist& replace(std::size_t index, Element element) {
        replace_element(index, std::move(element));
        return *this;
    }
    Netlist& add_subckt(Subckt subckt);
    Netlist& add_param(std::string name, double value);
    Netlist& add_model(ModelCard model);
    // `.include` of `file` (relative to `models_root`, or absolute) that must resolve, after
    // following symlinks, to an existing regular file inside `models_root`. The canonical
    // absolute path is written; it may only contain `[A-Za-z0-9_./+-]`.
    Netlist& add_include(const std::filesystem::path& models_root,
                         const std::filesystem::path& file);
    Netlist& add_analysis(Analysis analysis);
    Netlist& set_option(std::string_view key, double value);
    Netlist& set_method(IntegrationMethod method);
    Netlist& save(Probe probe);
    // A named probe point for the layers that measure waveforms (e.g. "v_sl"). Not written
    // unless also saved (see save_probes()).
    Netlist& add_probe(std::string name, Probe probe);
    // Adds every named probe to the `.save` list (skipping ones already there).
    Netlist& save_probes();

    [[nodiscard]] const std::vector<Subckt>& subckts() const { return subckts_; }
    [[nodiscard]] const Subckt* find_subckt(std::string_view name) const;
    [[nodiscard]] const std::vector<Param>& params() const { return params_; }
    [[nodiscard]] const std::vector<ModelCard>& models() const { return models_; }
    [[nodiscard]] const std::vector<std::filesystem::path>& includes() const { return includes_; }
    [[nodiscard]] const std::vector<Analysis>& analyses() const { return analyses_; }
    [[nodiscard]] const std::map<std::string, double>& options() const { return options_; }
    [[nodiscard]] std::optional<IntegrationMethod> method() const { return method_; }
    [[nodiscard]] const std::vector<Probe>& saves() const { return saves_; }
    [[nodiscard]] const std::map<std::string, Probe>& probes() const { return probes_; }
    // The named probe, or throws spincim::InputError.
    [[nodiscard]] const Probe& probe(std::string_view name) const;

    // Checks what can only be checked across the netlist: parameters referenced in expressions
    // are defined (`.param` or the enclosing subcircuit's parameters), X instances of locally
    // defined subcircuits have the right number of nodes and known parameters, `.dc` sources
    // exist. Throws spincim::InputError.
    void check() const;

    // The ngspice netlist text (deterministic). Calls check().
    [[nodiscard]] std::string to_spice() const;

private:
    std::string title_;
    std::vector<Subckt> subckts_;
    std::vector<Param> params_;
    std::vector<ModelCard> models_;
    std::vector<std::filesystem::path> includes_;
    std::vector<Analysis> analyses_;
    std::map<std::string, double> options_;
    std::optional<IntegrationMethod> method_;
    std::vector<Probe> saves_;
    std::unordered_set<std::string> saved_; // .save text of saves_, for de-duplication
    std::map<std::string, Probe> probes_;
};

} // namespace spincim::netlist
