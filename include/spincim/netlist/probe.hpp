#pragma once
// Typed probe points: node voltages, branch currents of voltage sources and device parameters
// (`@m1[id]`), optionally inside subcircuit instances. They are written in `.save` lines and give
// the vector name ngspice reports for them, so the spice layer can fetch the waveform.
//
// ngspice naming (manual 15.4.2 "save", 31.1 "Accessing internal device parameters"; checked with
// ngspice 39): a node `n` of instance `Xa` is `xa.n`; the branch current of `Vs` is `vs#branch`,
// inside `Xa` the source is `v.xa.vs`; a device parameter is `@m.xa.mname[param]`. Vector names
// are lower case.

#include <string>
#include <vector>

#include "spincim/netlist/element.hpp"

namespace spincim::netlist {

class Probe {
public:
    enum class Kind { voltage, current, device };

    // Voltage of `node` (inside the subcircuit instances `path`, outermost first; names without
    // the `X` letter).
    [[nodiscard]] static Probe voltage(Node node, std::vector<std::string> path = {});
    // Branch current of the voltage source with spincim name `vsource`.
    [[nodiscard]] static Probe current(std::string vsource, std::vector<std::string> path = {});
    // Internal parameter `param` of the device of kind `kind` named `name`, e.g. the drain
    // current of a MOSFET: device(ElementKind::mosfet, "acc", "id").
    [[nodiscard]] static Probe device(ElementKind kind, std::string name, std::string param,
                                      std::vector<std::string> path = {});

    [[nodiscard]] Kind kind() const { return kind_; }
    [[nodiscard]] const std::vector<std::string>& path() const { return path_; }
    // The node name, voltage source name or device name (no letter, no path).
    [[nodiscard]] const std::string& target() const { return target_; }
    [[nodiscard]] const std::string& param() const { return param_; }

    // As written in `.save`: `v(xa.n)`, `i(Vs)`, `i(v.xa.vs)`, `@m.xa.macc[id]`.
    [[nodiscard]] std::string spice() const;
    // The vector name ngspice gives the saved quantity: `xa.n`, `vs#branch`, `@m.xa.macc[id]`.
    [[nodiscard]] std::string vector_name() const;

    friend bool operator==(const Probe&, const Probe&) = default;

private:
    Probe() = default;
    Kind kind_ = Kind::voltage;
    ElementKind element_ = ElementKind::voltage_source;
    std::string target_;
    std::string param_;
    std::vector<std::string> path_;
};

} // namespace spincim::netlist
