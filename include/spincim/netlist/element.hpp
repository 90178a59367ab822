#pragma once
// Typed circuit elements. Each is a plain aggregate (designated initialisers read like a netlist
// card); names and nodes are validated when the element is added to a Netlist or Subckt, where an
// error can say which element and which field is wrong. The SPICE element letter is never part of
// the name: the writer adds it (a resistor named `load` is written `Rload`).
//
// Card syntax: ngspice manual, chapter 3 (R, C, L), 4.1 (independent sources, PULSE, PWL),
// 5.1 (B), 4.2 (E, G), 11 (M), 7 (D), 3.2.14 (S), 2.4 (X).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "spincim/netlist/expr.hpp"
#include "spincim/netlist/identifier.hpp"

namespace spincim::netlist {

// `name=value` on an instance line (MOSFET extras such as `delvto`, subcircuit parameters).
struct InstanceParam {
    std::string name;
    Value value;
};

// PULSE(V1 V2 TD TR TF PW PER): ngspice manual 4.1.1.
struct Pulse {
    Value initial;
    Value pulsed;
    Value delay = 0.0;
    Value rise;
    Value fall;
    Value width;
    Value period;
};

// PWL(T1 V1 T2 V2 ...): ngspice manual 4.1.4. Times strictly increasing.
struct Pwl {
    std::vector<std::pair<Value, Value>> points;
};

// The transient function of an independent source (none, PULSE or PWL).
using Waveform = std::variant<std::monostate, Pulse, Pwl>;

struct Resistor {
    std::string name;
    Node pos;
    Node neg;
    Value resistance;
};

struct Capacitor {
    std::string name;
    Node pos;
    Node neg;
    Value capacitance;
    std::optional<Value> initial_voltage = {}; // ic=
};

struct Inductor {
    std::string name;
    Node pos;
    Node neg;
    Value inductance;
    std::optional<Value> initial_current = {}; // ic=
};

// `dc` is the operating-point value (written `DC v`); `waveform` the transient function. With
// neither, the source is `DC 0`.
struct VoltageSource {
    std::string name;
    Node pos;
    Node neg;
    std::optional<Value> dc = {};
    Waveform waveform = {};
};

struct CurrentSource {
    std::string name;
    Node pos; // current flows from pos through the source to neg (SPICE convention)
    Node neg;
    std::optional<Value> dc = {};
    Waveform waveform = {};
};

enum class Behavior { voltage, current };

// B source: `V=expr` or `I=expr`.
struct BehavioralSource {
    std::string name;
    Node pos;
    Node neg;
    Behavior behavior;
    Expr expr;
};

// E source (voltage-controlled voltage source): v(pos,neg) = gain * v(ctrl_pos,ctrl_neg).
struct Vcvs {
    std::string name;
    Node pos;
    Node neg;
    Node ctrl_pos;
    Node ctrl_neg;
    Value gain;
};

// G source (voltage-controlled current source): i = transconductance * v(ctrl_pos,ctrl_neg).
struct Vccs {
    std::string name;
    Node pos;
    Node neg;
    Node ctrl_pos;
    Node ctrl_neg;
    Value transconductance;
};

struct Mosfet {
    std::string name;
    Node drain;
    Node gate;
    Node source;
    Node bulk;
    std::string model;
    Value width;
    Value length;
    std::optional<Value> multiplier = {};  // m=
    std::vector<InstanceParam> extra = {}; // e.g. delvto for Monte Carlo
};

struct Diode {
    std::string name;
    Node anode;
    Node cathode;
    std::string model;
    std::optional<Value> area = {};
};

// Voltage-controlled switch S (model type `sw`).
struct Switch {
    std::string name;
    Node pos;
    Node neg;
    Node ctrl_pos;
    Node ctrl_neg;
    std::string model;
};

struct SubcktInstance {
    std::string name;
    std::vector<Node> nodes;
    std::string subckt;
    std::vector<InstanceParam> params = {};
};

using Element = std::variant<Resistor, Capacitor, Inductor, VoltageSource, CurrentSource,
                             BehavioralSource, Vcvs, Vccs, Mosfet, Diode, Switch, SubcktInstance>;

enum class ElementKind {
    resistor,
    capacitor,
    inductor,
    voltage_source,
    current_source,
    behavioral_source,
    vcvs,
    vccs,
    mosfet,
    diode,
    vswitch,
    subckt_instance
};

[[nodiscard]] ElementKind kind_of(const Element& element);
[[nodiscard]] const std::string& name_of(const Element& element);
// The SPICE letter: 'R', 'C', 'L', 'V', 'I', 'B', 'E', 'G', 'M', 'D', 'S', 'X'.
[[nodiscard]] char letter_of(ElementKind kind);
// A readable name: "resistor", "voltage source", ...
[[nodiscard]] std::string_view kind_name(ElementKind kind);
// The name as written in the netlist: letter + name, e.g. `Rload`.
[[nodiscard]] std::string spice_name(const Element& element);
// The nodes in card order (for structural checks by generators and tests).
[[nodiscard]] std::vector<Node> nodes_of(const Element& element);

} // namespace spincim::netlist
