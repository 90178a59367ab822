#include "spincim/netlist/element.hpp"

#include <algorithm>
#include <cstddef>

#include "spincim/core/error.hpp"
#include "spincim/netlist/netlist.hpp"
#include "spincim/units/units.hpp"

#include "card.hpp"

namespace spincim::netlist {

namespace {

template <class... F>
struct Overload : F... {
    using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

} // namespace

ElementKind kind_of(const Element& element) {
    return std::visit(
        Overload{[](const Resistor&) { return ElementKind::resistor; },
                 [](const Capacitor&) { return ElementKind::capacitor; },
                 [](const Inductor&) { return ElementKind::inductor; },
                 [](const VoltageSource&) { return ElementKind::voltage_source; },
                 [](const CurrentSource&) { return ElementKind::current_source; },
                 [](const BehavioralSource&) { return ElementKind::behavioral_source; },
                 [](const Vcvs&) { return ElementKind::vcvs; },
                 [](const Vccs&) { return ElementKind::vccs; },
                 [](const Mosfet&) { return ElementKind::mosfet; },
                 [](const Diode&) { return ElementKind::diode; },
                 [](const Switch&) { return ElementKind::vswitch; },
                 [](const SubcktInstance&) { return ElementKind::subckt_instance; }},
        element);
}

const std::string& name_of(const Element& element) {
    return std::visit([](const auto& e) -> const std::string& { return e.name; }, element);
}

char letter_of(ElementKind kind) {
    switch (kind) {
    case ElementKind::resistor:
        return 'R';
    case ElementKind::capacitor:
        return 'C';
    case ElementKind::inductor:
        return 'L';
    case ElementKind::voltage_source:
        return 'V';
    case ElementKind::current_source:
        return 'I';
    case ElementKind::behavioral_source:
        return 'B';
    case ElementKind::vcvs:
        return 'E';
    case ElementKind::vccs:
        return 'G';
    case ElementKind::mosfet:
        return 'M';
    case ElementKind::diode:
        return 'D';
    case ElementKind::vswitch:
        return 'S';
    case ElementKind::subckt_instance:
        return 'X';
    }
    return '?';
}

std::string_view kind_name(ElementKind kind) {
    switch (kind) {
    case ElementKind::resistor:
        return "resistor";
    case ElementKind::capacitor:
        return "capacitor";
    case ElementKind::inductor:
        return "inductor";
    case ElementKind::voltage_source:
        return "voltage source";
    case ElementKind::current_source:
        return "current source";
    case ElementKind::behavioral_source:
        return "behavioral source";
    case ElementKind::vcvs:
        return "VCVS";
    case ElementKind::vccs:
        return "VCCS";
    case ElementKind::mosfet:
        return "MOSFET";
    case ElementKind::diode:
        return "diode";
    case ElementKind::vswitch:
        return "switch";
    case ElementKind::subckt_instance:
        return "subcircuit instance";
    }
    return "element";
}

std::string spice_name(const Element& element) {
    return std::string(1, letter_of(kind_of(element))) + name_of(element);
}

std::vector<Node> nodes_of(const Element& element) {
    return std::visit(Overload{[](const Resistor& e) {
                                   return std::vector<Node>{e.pos, e.neg};
                               },
                               [](const Capacitor& e) {
                                   return std::vector<Node>{e.pos, e.neg};
                               },
                               [](const Inductor& e) {
                                   return std::vector<Node>{e.pos, e.neg};
                               },
                               [](const VoltageSource& e) {
                                   return std::vector<Node>{e.pos, e.neg};
                               },
                               [](const CurrentSource& e) {
                                   return std::vector<Node>{e.pos, e.neg};
                               },
                               [](const BehavioralSource& e) {
                                   return std::vector<Node>{e.pos, e.neg};
                               },
                               [](const Vcvs& e) {
                                   return std::vector<Node>{e.pos, e.neg, e.ctrl_pos, e.ctrl_neg};
                               },
                               [](const Vccs& e) {
                                   return std::vector<Node>{e.pos, e.neg, e.ctrl_pos, e.ctrl_neg};
                               },
                               [](const Mosfet& e) {
                                   return std::vector<Node>{e.drain, e.gate, e.source, e.bulk};
                               },
                               [](const Diode& e) {
                                   return std::vector<Node>{e.anode, e.cathode};
                               },
                               [](const Switch& e) {
                                   return std::vector<Node>{e.pos, e.neg, e.ctrl_pos, e.ctrl_neg};
                               },
                               [](const SubcktInstance& e) { return e.nodes; }},
                      element);
}

namespace detail {

// ---- Card -----------------------------------------------------------------------------------

Card& Card::expr(const std::string& prefix, const Expr& e, const std::string& suffix,
                 bool space_before) {
    const auto tokens = e.tokens();
    for (std::size_t k = 0; k < tokens.text.size(); ++k) {
        std::string text =
            (k == 0 ? prefix : "") + tokens.text[k] + (k + 1 == tokens.text.size() ? suffix : "");
        if (k == 0)
            pieces_.push_back({std::move(text), space_before, space_before});
        else
            pieces_.push_back({std::move(text), false, tokens.breakable[k]});
    }
    return *this;
}

std::string Card::text() const {
    // Continuation lines start with `+ `; ngspice joins them to the previous line with a space
    // (manual 2.1.2), which is why breaks only happen where a space is harmless. A chunk is a
    // breakable piece with the pieces glued to it; a line never splits a chunk.
    std::vector<std::string> chunks;
    for (const auto& p : pieces_) {
        if (chunks.empty() || p.breakable)
            chunks.push_back((p.space_before && !chunks.empty() ? " " : "") + p.text);
        else
            chunks.back() += (p.space_before ? " " : "") + p.text;
    }
    std::string out;
    std::string line;
    for (const auto& chunk : chunks) {
        if (!line.empty() && line.size() + chunk.size() > kMaxLineLength) {
            out += line + "\n";
            line = "+" + (chunk.front() == ' ' ? chunk : " " + chunk);
        } else {
            line += chunk;
        }
        // ngspice's line buffer is 1000 characters (shared/NGSPICE.md); an expression whose
        // operators are too far apart to wrap cannot be written.
        if (line.size() >= 1000)
            throw InputError("netlist card " + quote(line.substr(0, 40)) +
                             "...: cannot be wrapped into lines shorter than 1000 characters");
    }
    return out + line + "\n";
}

// ---- checks ---------------------------------------------------------------------------------

namespace {

enum class Sign { any, positive, nonnegative, nonzero };

class Checker {
public:
    explicit Checker(const Element& element) : element_(element) {
        const ElementKind kind = kind_of(element);
        const std::string& name = name_of(element);
        check_identifier(name, std::string(kind_name(kind)) + " name");
        label_ = "element '" + spice_name(element) + "'";
    }

    [[noreturn]] void fail(const std::string& field, const std::string& why) const {
        throw InputError(label_ + " " + field + ": " + why);
    }

    void nodes(const std::vector<std::string_view>& terminals) const {
        const auto ns = nodes_of(element_);
        for (std::size_t k = 0; k < ns.size(); ++k) {
            if (auto why = ns[k].problem(); !why.empty()) {
                std::string field = "node " + std::to_string(k + 1);
                if (k < terminals.size())
                    field += " (" + std::string(terminals[k]) + ")";
                fail(field, why);
            }
        }
    }

    // The two output terminals must differ: a source between a node and itself is a loop that
    // makes the MNA matrix singular, a passive element there does nothing.
    void distinct_terminals(const Node& a, const Node& b) const {
        if (a == b)
            fail("nodes", "both terminals are node " + quote(a.name()) +
                              " (the element is short-circuited)");
    }

    void value(const Value& v, const std::string& field, Sign sign) const {
        if (!v.is_number()) {
            if (!v.expr().is_constant())
                fail(field, "the value expression " + quote(v.expr().str()) +
                                " uses V(), I(), time, temper, hertz, u() or uramp(), which "
                                "exist only in B-source expressions");
            return;
        }
        const double x = v.number();
        switch (sign) {
        case Sign::positive:
            if (!(x > 0))
                fail(field, "must be positive, got " + units::to_spice(x));
            break;
        case Sign::nonnegative:
            if (x < 0)
                fail(field, "must not be negative, got " + units::to_spice(x));
            break;
        case Sign::nonzero:
            if (x == 0)
                fail(field, "must not be zero");
            break;
        case Sign::any:
            break;
        }
    }

    void model(const std::string& name) const {
        if (auto why = identifier_problem(name); !why.empty())
            fail("model " + quote(name), why);
    }

    void instance_params(const std::vector<InstanceParam>& params,
                         const std::vector<std::string_view>& taken) const {
        for (std::size_t k = 0; k < params.size(); ++k) {
            const auto& p = params[k];
            if (auto why = identifier_problem(p.name); !why.empty())
                fail("parameter " + quote(p.name), why);
            for (const auto t : taken)
                if (iequals(p.name, t))
                    fail("parameter " + quote(p.name),
                         "is a field of the element; set it there, not as an extra parameter");
            for (std::size_t j = 0; j < k; ++j)
                if (iequals(params[j].name, p.name))
                    fail("parameter " + quote(p.name), "is given twice");
            value(p.value, "parameter '" + p.name + "'", Sign::any);
        }
    }

    void waveform(const Waveform& w) const {
        if (const auto* pulse = std::get_if<Pulse>(&w)) {
            value(pulse->initial, "PULSE initial value", Sign::any);
            value(pulse->pulsed, "PULSE pulsed value", Sign::any);
            value(pulse->delay, "PULSE delay", Sign::nonnegative);
            value(pulse->rise, "PULSE rise time", Sign::nonnegative);
            value(pulse->fall, "PULSE fall time", Sign::nonnegative);
            value(pulse->width, "PULSE width", Sign::nonnegative);
            value(pulse->period, "PULSE period", Sign::positive);
            const Value* parts[] = {&pulse->rise, &pulse->width, &pulse->fall, &pulse->period};
            if (std::all_of(std::begin(parts), std::end(parts),
                            [](const Value* v) { return v->is_number(); })) {
                const double busy =
                    pulse->rise.number() + pulse->width.number() + pulse->fall.number();
                if (pulse->period.number() < busy)
                    fail("PULSE period",
                         "is " + units::to_spice(pulse->period.number()) +
                             ", shorter than rise + width + fall = " + units::to_spice(busy));
            }
        } else if (const auto* pwl = std::get_if<Pwl>(&w)) {
            if (pwl->points.empty())
                fail("PWL", "needs at least one (time, value) point");
            for (std::size_t k = 0; k < pwl->points.size(); ++k) {
                const auto& [t, v] = pwl->points[k];
                const std::string at = "PWL point " + std::to_string(k + 1);
                value(t, at + " time", Sign::nonnegative);
                value(v, at + " value", Sign::any);
                if (k > 0 && t.is_number() && pwl->points[k - 1].first.is_number() &&
                    !(t.number() > pwl->points[k - 1].first.number()))
                    fail(at + " time", "times must increase strictly, but " +
                                           units::to_spice(t.number()) + " follows " +
                                           units::to_spice(pwl->points[k - 1].first.number()));
            }
        }
    }

    template <class Source>
    void independent_source(const Source& s) const {
        nodes({"positive", "negative"});
        distinct_terminals(s.pos, s.neg);
        if (s.dc)
            value(*s.dc, "DC value", Sign::any);
        waveform(s.waveform);
    }

private:
    const Element& element_;
    std::string label_;
};

} // namespace

void check_element(const Element& element) {
    const Checker c(element);
    std::visit(
        Overload{[&](const Resistor& e) {
                     c.nodes({"positive", "negative"});
                     c.distinct_terminals(e.pos, e.neg);
                     c.value(e.resistance, "resistance", Sign::positive);
                 },
                 [&](const Capacitor& e) {
                     c.nodes({"positive", "negative"});
                     c.distinct_terminals(e.pos, e.neg);
                     c.value(e.capacitance, "capacitance", Sign::nonnegative);
                     if (e.initial_voltage)
                         c.value(*e.initial_voltage, "initial voltage", Sign::any);
                 },
                 [&](const Inductor& e) {
                     c.nodes({"positive", "negative"});
                     c.distinct_terminals(e.pos, e.neg);
                     c.value(e.inductance, "inductance", Sign::positive);
                     if (e.initial_current)
                         c.value(*e.initial_current, "initial current", Sign::any);
                 },
                 [&](const VoltageSource& e) { c.independent_source(e); },
                 [&](const CurrentSource& e) { c.independent_source(e); },
                 [&](const BehavioralSource& e) {
                     c.nodes({"positive", "negative"});
                     c.distinct_terminals(e.pos, e.neg);
                 },
                 [&](const Vcvs& e) {
                     c.nodes({"positive", "negative", "control positive", "control negative"});
                     c.distinct_terminals(e.pos, e.neg);
                     c.value(e.gain, "gain", Sign::any);
                 },
                 [&](const Vccs& e) {
                     c.nodes({"positive", "negative", "control positive", "control negative"});
                     c.distinct_terminals(e.pos, e.neg);
                     c.value(e.transconductance, "transconductance", Sign::any);
                 },
                 [&](const Mosfet& e) {
                     c.nodes({"drain", "gate", "source", "bulk"});
                     c.model(e.model);
                     c.value(e.width, "width", Sign::positive);
                     c.value(e.length, "length", Sign::positive);
                     if (e.multiplier)
                         c.value(*e.multiplier, "multiplier", Sign::positive);
                     c.instance_params(e.extra, {"w", "l", "m"});
                 },
                 [&](const Diode& e) {
                     c.nodes({"anode", "cathode"});
                     c.distinct_terminals(e.anode, e.cathode);
                     c.model(e.model);
                     if (e.area)
                         c.value(*e.area, "area", Sign::positive);
                 },
                 [&](const Switch& e) {
                     c.nodes({"positive", "negative", "control positive", "control negative"});
                     c.distinct_terminals(e.pos, e.neg);
                     c.model(e.model);
                 },
                 [&](const SubcktInstance& e) {
                     if (e.nodes.empty())
                         c.fail("nodes", "a subcircuit instance needs at least one node");
                     c.nodes({});
                     if (auto why = identifier_problem(e.subckt); !why.empty())
                         c.fail("subcircuit " + quote(e.subckt), why);
                     c.instance_params(e.params, {});
                 }},
        element);
}

// ---- printing -------------------------------------------------------------------------------

namespace {

void add_nodes(Card& card, const Element& element) {
    for (const auto& n : nodes_of(element))
        card.word(n.name());
}

void add_waveform(Card& card, const Waveform& w) {
    if (const auto* pulse = std::get_if<Pulse>(&w)) {
        card.word("PULSE(");
        card.value(pulse->initial, false);
        for (const Value* v : {&pulse->pulsed, &pulse->delay, &pulse->rise, &pulse->fall,
                               &pulse->width, &pulse->period})
            card.value(*v);
        card.glue(")");
    } else if (const auto* pwl = std::get_if<Pwl>(&w)) {
        card.word("PWL(");
        bool first = true;
        for (const auto& [t, v] : pwl->points) {
            card.value(t, !first);
            card.value(v);
            first = false;
        }
        card.glue(")");
    }
}

template <class Source>
void add_source(Card& card, const Source& s) {
    if (s.dc || std::holds_alternative<std::monostate>(s.waveform)) {
        card.word("DC");
        card.value(s.dc ? *s.dc : Value(0.0));
    }
    add_waveform(card, s.waveform);
}

void add_params(Card& card, const std::vector<InstanceParam>& params) {
    for (const auto& p : params)
        card.assign(p.name, p.value);
}

} // namespace

Card element_card(const Element& element) {
    Card card(spice_name(element));
    add_nodes(card, element);
    std::visit(Overload{[&](const Resistor& e) { card.value(e.resistance); },
                        [&](const Capacitor& e) {
                            card.value(e.capacitance);
                            if (e.initial_voltage)
                                card.assign("ic", *e.initial_voltage);
                        },
                        [&](const Inductor& e) {
                            card.value(e.inductance);
                            if (e.initial_current)
                                card.assign("ic", *e.initial_current);
                        },
                        [&](const VoltageSource& e) { add_source(card, e); },
                        [&](const CurrentSource& e) { add_source(card, e); },
                        [&](const BehavioralSource& e) {
                            card.expr(e.behavior == Behavior::voltage ? "V=" : "I=", e.expr, "");
                        },
                        [&](const Vcvs& e) { card.value(e.gain); },
                        [&](const Vccs& e) { card.value(e.transconductance); },
                        [&](const Mosfet& e) {
                            card.word(e.model);
                            card.assign("w", e.width);
                            card.assign("l", e.length);
                            if (e.multiplier)
                                card.assign("m", *e.multiplier);
                            add_params(card, e.extra);
                        },
                        [&](const Diode& e) {
                            card.word(e.model);
                            if (e.area)
                                card.value(*e.area);
                        },
                        [&](const Switch& e) { card.word(e.model); },
                        [&](const SubcktInstance& e) {
                            card.word(e.subckt);
                            add_params(card, e.params);
                        }},
               element);
    return card;
}

std::vector<const Expr*> expressions_of(const Element& element) {
    std::vector<const Expr*> out;
    auto add = [&](const Value& v) { out.push_back(&v.expr()); };
    auto add_opt = [&](const std::optional<Value>& v) {
        if (v)
            add(*v);
    };
    auto add_waveform_exprs = [&](const Waveform& w) {
        if (const auto* p = std::get_if<Pulse>(&w))
            for (const Value* v :
                 {&p->initial, &p->pulsed, &p->delay, &p->rise, &p->fall, &p->width, &p->period})
                add(*v);
        if (const auto* p = std::get_if<Pwl>(&w))
            for (const auto& [t, v] : p->points) {
                add(t);
                add(v);
            }
    };
    std::visit(Overload{[&](const Resistor& e) { add(e.resistance); },
                        [&](const Capacitor& e) {
                            add(e.capacitance);
                            add_opt(e.initial_voltage);
                        },
                        [&](const Inductor& e) {
                            add(e.inductance);
                            add_opt(e.initial_current);
                        },
                        [&](const VoltageSource& e) {
                            add_opt(e.dc);
                            add_waveform_exprs(e.waveform);
                        },
                        [&](const CurrentSource& e) {
                            add_opt(e.dc);
                            add_waveform_exprs(e.waveform);
                        },
                        [&](const BehavioralSource& e) { out.push_back(&e.expr); },
                        [&](const Vcvs& e) { add(e.gain); },
                        [&](const Vccs& e) { add(e.transconductance); },
                        [&](const Mosfet& e) {
                            add(e.width);
                            add(e.length);
                            add_opt(e.multiplier);
                            for (const auto& p : e.extra)
                                add(p.value);
                        },
                        [&](const Diode& e) { add_opt(e.area); }, [&](const Switch&) {},
                        [&](const SubcktInstance& e) {
                            for (const auto& p : e.params)
                                add(p.value);
                        }},
               element);
    return out;
}

} // namespace detail

} // namespace spincim::netlist
