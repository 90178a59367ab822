// The `elements` kind: any circuit written element by element (R, C, L, V, I, B, E, G, M, D, S,
// X), with model files included from the models folder only, `.param`s and `.model` cards. Every
// name and value goes through the netlist layer's validation (identifiers, numbers, expressions),
// so no study text reaches ngspice unchecked.

#include <array>
#include <optional>

#include "spincim/config/reader.hpp"
#include "spincim/netlist/expr.hpp"
#include "spincim/studies/circuit/spec.hpp"

namespace spincim::studies {

using config::Map;
using config::Value;

namespace {

using netlist::Node;

constexpr std::array<std::string_view, 12> kElementTypes{"R", "C", "L", "V", "I", "B",
                                                         "E", "G", "M", "D", "S", "X"};

// A node as the study writes it: `0` and `gnd` mean ground; anything else must be a valid name.
Node read_node(const Value& v) {
    const std::string s = v.node().IsScalar() ? v.node().Scalar() : std::string{};
    if (s == "0" || s == "gnd" || s == "GND")
        return Node::ground();
    const Node n(v.identifier());
    if (const std::string why = n.problem(); !why.empty())
        v.fail(why);
    return n;
}

std::vector<Node> read_nodes(Map& m, std::size_t count) {
    const Value v = m.required("nodes");
    const auto items = v.items();
    if (items.size() != count)
        v.fail("needs " + std::to_string(count) + " nodes, got " + std::to_string(items.size()));
    std::vector<Node> out;
    for (const auto& item : items)
        out.push_back(read_node(item));
    return out;
}

std::vector<Node> read_node_list(Map& m) {
    std::vector<Node> out;
    for (const auto& item : m.required("nodes").items())
        out.push_back(read_node(item));
    return out;
}

// PULSE as a mapping {v1, v2, delay, rise, fall, width, period}.
netlist::Pulse read_pulse(const Value& v) {
    Map m = v.map();
    netlist::Pulse p{.initial = m.required("v1").number(),
                     .pulsed = m.required("v2").number(),
                     .delay = m.number_or("delay", 0.0),
                     .rise = m.required("rise").positive(),
                     .fall = m.required("fall").positive(),
                     .width = m.required("width").positive(),
                     .period = m.required("period").positive()};
    m.finish();
    return p;
}

// PWL as a list of [time, value] pairs with strictly increasing times.
netlist::Pwl read_pwl(const Value& v) {
    netlist::Pwl p;
    double last = -1.0;
    for (const auto& item : v.items()) {
        const auto pair = item.items();
        if (pair.size() != 2)
            item.fail("a PWL point is [time, value]");
        const double t = pair[0].non_negative();
        if (!p.points.empty() && !(t > last))
            pair[0].fail("PWL times must increase strictly");
        last = t;
        p.points.emplace_back(t, pair[1].number());
    }
    if (p.points.empty())
        v.fail("a PWL needs at least one point");
    return p;
}

netlist::Waveform read_source_waveform(Map& m) {
    if (m.has("pulse") && m.has("pwl"))
        m.value().fail("give either 'pulse' or 'pwl', not both");
    if (auto p = m.optional("pulse"))
        return read_pulse(*p);
    if (auto p = m.optional("pwl"))
        return read_pwl(*p);
    return std::monostate{};
}

std::vector<netlist::InstanceParam> read_instance_params(Map& m) {
    std::vector<netlist::InstanceParam> out;
    if (auto v = m.optional("params")) {
        Map pm = v->map();
        for (auto it = v->node().begin(); it != v->node().end(); ++it) {
            const std::string key = it->first.Scalar();
            const Value pv = pm.required(key);
            // The key itself must be an identifier; validate it through a Value at the key.
            (void)Value(it->first, pv.context(), pv.path(), {}).identifier();
            out.push_back({key, pv.number()});
        }
        pm.finish();
    }
    return out;
}

netlist::Element read_element(const Value& v) {
    Map m = v.map();
    const std::string type = m.required("type").choice(kElementTypes);
    const std::string name = m.required("name").identifier();
    std::optional<netlist::Element> e;
    if (type == "R") {
        const auto n = read_nodes(m, 2);
        e = netlist::Resistor{name, n[0], n[1], m.required("value").positive()};
    } else if (type == "C") {
        const auto n = read_nodes(m, 2);
        netlist::Capacitor c{name, n[0], n[1], m.required("value").positive(), {}};
        if (auto ic = m.optional("ic"))
            c.initial_voltage = ic->number();
        e = c;
    } else if (type == "L") {
        const auto n = read_nodes(m, 2);
        netlist::Inductor l{name, n[0], n[1], m.required("value").positive(), {}};
        if (auto ic = m.optional("ic"))
            l.initial_current = ic->number();
        e = l;
    } else if (type == "V" || type == "I") {
        const auto n = read_nodes(m, 2);
        std::optional<netlist::Value> dc;
        if (auto d = m.optional("dc"))
            dc = d->number();
        const auto wave = read_source_waveform(m);
        if (type == "V")
            e = netlist::VoltageSource{name, n[0], n[1], dc, wave};
        else
            e = netlist::CurrentSource{name, n[0], n[1], dc, wave};
    } else if (type == "B") {
        const auto n = read_nodes(m, 2);
        const std::size_t which = m.one_of(std::array<std::string_view, 2>{"v", "i"});
        const Value ev = m.required(which == 0 ? "v" : "i");
        const std::string text = ev.text();
        try {
            e = netlist::BehavioralSource{name, n[0], n[1],
                                          which == 0 ? netlist::Behavior::voltage
                                                     : netlist::Behavior::current,
                                          netlist::Expr::parse(text)};
        } catch (const InputError& err) {
            throw err.at(ev.where());
        }
    } else if (type == "E" || type == "G") {
        const auto n = read_nodes(m, 4);
        if (type == "E")
            e = netlist::Vcvs{name, n[0], n[1], n[2], n[3], m.required("gain").number()};
        else
            e = netlist::Vccs{name, n[0], n[1],
                              n[2], n[3], m.required("transconductance").number()};
    } else if (type == "M") {
        const auto n = read_nodes(m, 4);
        netlist::Mosfet mos{name,
                            n[0],
                            n[1],
                            n[2],
                            n[3],
                            m.required("model").identifier(),
                            m.required("w").positive(),
                            m.required("l").positive(),
                            {},
                            {}};
        if (auto mult = m.optional("m"))
            mos.multiplier = static_cast<double>(mult->integer(1, 100000));
        mos.extra = read_instance_params(m);
        e = mos;
    } else if (type == "D") {
        const auto n = read_nodes(m, 2);
        netlist::Diode d{name, n[0], n[1], m.required("model").identifier(), {}};
        if (auto a = m.optional("area"))
            d.area = a->positive();
        e = d;
    } else if (type == "S") {
        const auto n = read_nodes(m, 4);
        e = netlist::Switch{name, n[0], n[1], n[2], n[3], m.required("model").identifier()};
    } else { // X
        e = netlist::SubcktInstance{name, read_node_list(m), m.required("subckt").identifier(),
                                    read_instance_params(m)};
    }
    m.finish();
    return std::move(*e);
}

netlist::Netlist read_elements_circuit(Map& c, const std::filesystem::path& models_root) {
    netlist::Netlist net;
    for (const auto& inc : [&] {
             std::vector<Value> v;
             if (auto i = c.optional("include"))
                 v = i->items();
             return v;
         }()) {
        const std::string path = inc.text();
        try {
            net.add_include(models_root, path);
        } catch (const InputError& err) {
            throw err.at(inc.where());
        }
    }
    if (auto params = c.optional("params")) {
        Map pm = params->map();
        for (auto it = params->node().begin(); it != params->node().end(); ++it) {
            const Value pv = pm.required(it->first.Scalar());
            const std::string key = Value(it->first, pv.context(), pv.path(), {}).identifier();
            try {
                net.add_param(key, pv.number());
            } catch (const InputError& err) {
                throw err.at(pv.where());
            }
        }
        pm.finish();
    }
    if (auto models = c.optional("models")) {
        for (const auto& mv : models->items()) {
            Map mm = mv.map();
            netlist::ModelCard card{
                mm.required("name").identifier(), mm.required("type").identifier(), {}};
            if (auto params = mm.optional("params")) {
                Map pm = params->map();
                for (auto it = params->node().begin(); it != params->node().end(); ++it) {
                    const Value pv = pm.required(it->first.Scalar());
                    card.params.push_back(
                        {Value(it->first, pv.context(), pv.path(), {}).identifier(), pv.number()});
                }
                pm.finish();
            }
            mm.finish();
            try {
                net.add_model(std::move(card));
            } catch (const InputError& err) {
                throw err.at(mv.where());
            }
        }
    }
    const Value elements = c.required("elements");
    for (const auto& ev : elements.items()) {
        netlist::Element e = read_element(ev);
        try {
            net.add(std::move(e));
        } catch (const InputError& err) {
            throw err.at(ev.where());
        }
    }
    if (net.elements().empty())
        elements.fail("a circuit needs at least one element");
    return net;
}

class ElementsKind final : public CircuitKind {
public:
    std::string_view name() const override { return "elements"; }
    std::string_view summary() const override {
        return "any circuit, element by element (R C L V I B E G M D S X)";
    }

protected:
    netlist::Netlist read_circuit(Map& c, const ParseInput& in) const override {
        return read_elements_circuit(c, in.environment.models_root);
    }
    std::string circuit_help() const override {
        return R"(    include: [FILE, ...]       model files under the models folder
    params: {NAME: VALUE}      .param definitions
    models: [{name, type, params: {KEY: VALUE}}]   .model cards (nmos, pmos, d, sw, ...)
    elements:                  each {type, name, nodes: [...], ...}; node 0 or gnd is ground
      R|C|L: value (ic for C and L)     V|I: dc, pulse {v1 v2 delay rise fall width period}
      or pwl [[t, v], ...]     B: v or i (expression)    E: gain    G: transconductance
      M: model, w, l, m, params {delvto ...}    D: model, area    S: model
      X: subckt, params {NAME: VALUE}
)";
    }
};

} // namespace

const Kind& elements_kind() {
    static const ElementsKind kind;
    return kind;
}

} // namespace spincim::studies
