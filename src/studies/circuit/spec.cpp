#include "spincim/studies/circuit/spec.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "spincim/config/reader.hpp"
#include "spincim/units/units.hpp"

#include "circuit_study.hpp"

namespace spincim::studies {

using config::Map;
using config::Value;

namespace {

using netlist::Node;
using SK = SignalSpec::Kind;

constexpr std::array<std::string_view, 3> kAnalyses{"op", "dc", "tran"};
constexpr std::array<std::string_view, 9> kMeasureKinds{
    "final", "value_at", "cross", "delay", "average", "integral", "energy", "min", "max"};
constexpr std::array<std::string_view, 3> kEdges{"rise", "fall", "either"};

analysis::Edge to_edge(const std::string& s) {
    return s == "rise"   ? analysis::Edge::rise
           : s == "fall" ? analysis::Edge::fall
                         : analysis::Edge::either;
}

netlist::Analysis read_analysis(const Value& v, const SimulationLimits& sim) {
    Map a = v.map();
    const std::size_t which = a.one_of(kAnalyses);
    netlist::Analysis out;
    const Value body = a.required(kAnalyses[which]);
    Map m = body.map();
    if (which == 0) {
        out = netlist::OpAnalysis{};
    } else if (which == 1) {
        netlist::DcAnalysis dc{m.required("source").identifier(), m.required("start").number(),
                               m.required("stop").number(), 0.0};
        const Value step = m.required("step");
        dc.step = step.positive();
        const double points = std::abs(dc.stop - dc.start) / dc.step + 1;
        if (points > sim.max_points)
            step.fail(
                "the sweep has " + units::to_eng(points) +
                " points, more than simulation.max_points = " + units::to_eng(sim.max_points));
        out = dc;
    } else {
        netlist::TranAnalysis tr{};
        const Value step = m.required("step");
        const Value stop = m.required("stop");
        tr.step = step.positive();
        tr.stop = stop.positive();
        if (!(tr.stop > tr.step))
            stop.fail("stop (" + units::to_eng(tr.stop) + "s) must be greater than step (" +
                      units::to_eng(tr.step) + "s)");
        if (auto s = m.optional("start")) {
            tr.start = s->non_negative();
            if (!(*tr.start < tr.stop))
                s->fail("start must be before stop");
        }
        if (auto s = m.optional("max_step"))
            tr.max_step = s->positive();
        tr.uic = m.boolean_or("uic", false);
        // The step budget: `.tran 1e-30 1` asks for 1e30 points and would run until killed
        // (shared/NGSPICE.md). Refuse what cannot finish instead of waiting for the timeout.
        const double finest = tr.max_step ? std::min(tr.step, *tr.max_step) : tr.step;
        const double points = (tr.stop - tr.start.value_or(0.0)) / finest;
        if (points > sim.max_points)
            step.fail("the transient asks for " + units::to_eng(points) +
                      " time points (stop/step), more than "
                      "simulation.max_points = " +
                      units::to_eng(sim.max_points) +
                      "; use a larger step or raise simulation.max_points");
        out = tr;
    }
    m.finish();
    a.finish();
    try {
        netlist::check_analysis(out);
    } catch (const InputError& err) {
        throw err.at(body.where());
    }
    return out;
}

// Signals: `v(node)` or `i(source)`; returns the canonical lower-case name and registers it.
std::string read_signal(const Value& v, std::vector<SignalSpec>& signals) {
    const std::string raw = v.text();
    std::string s;
    for (char ch : raw)
        if (ch != ' ')
            s += (ch >= 'A' && ch <= 'Z') ? char(ch - 'A' + 'a') : ch;
    const bool shape =
        s.size() > 3 && (s[0] == 'v' || s[0] == 'i') && s[1] == '(' && s.back() == ')';
    const std::string inner = shape ? s.substr(2, s.size() - 3) : std::string{};
    if (!shape || !netlist::identifier_problem(inner).empty() || inner == "gnd")
        v.fail("'" + raw +
               "' is not a signal: write v(node) for a node voltage or i(source) for the current "
               "of a voltage source, with names of letters, digits and '_'");
    const SK kind = s[0] == 'v' ? SK::node_voltage : SK::source_current;
    const auto it = std::find_if(signals.begin(), signals.end(),
                                 [&](const SignalSpec& x) { return x.name == s; });
    if (it == signals.end())
        signals.push_back({s, kind, inner, v.where()});
    return s;
}

std::string signal_unit(const std::string& name) {
    return name.starts_with("i(") ? "A" : "V";
}

std::string axis_unit(const netlist::Analysis& a) {
    if (std::holds_alternative<netlist::TranAnalysis>(a))
        return "s";
    return ""; // DC sweeps: the unit of the swept source; op: no axis
}

analysis::MeasureSpec read_measure(const Value& v, std::vector<SignalSpec>& signals,
                                   const netlist::Analysis& an, std::vector<std::string>& names) {
    Map m = v.map();
    analysis::MeasureSpec s;
    s.where = v.where();
    const Value name = m.required("name");
    s.name = name.identifier();
    if (std::find(names.begin(), names.end(), s.name) != names.end())
        name.fail("measurement name '" + s.name + "' is used twice");
    names.push_back(s.name);
    const std::string kind = m.required("kind").choice(kMeasureKinds);
    const bool windowed = kind == "average" || kind == "integral" || kind == "energy" ||
                          kind == "min" || kind == "max";
    if (kind == "energy") {
        if (!std::holds_alternative<netlist::TranAnalysis>(an))
            m.required("kind").fail("an energy measurement needs a transient analysis");
        const Value src = m.required("source");
        const std::string source = src.identifier();
        s.kind = analysis::MeasureKind::energy;
        s.signal = "vsource(" + netlist::to_lower(source) + ")";
        if (std::none_of(signals.begin(), signals.end(),
                         [&](const SignalSpec& x) { return x.name == s.signal; }))
            signals.push_back(
                {s.signal, SK::source_voltage, netlist::to_lower(source), src.where()});
        s.target = "i(" + netlist::to_lower(source) + ")";
        if (std::none_of(signals.begin(), signals.end(),
                         [&](const SignalSpec& x) { return x.name == s.target; }))
            signals.push_back(
                {s.target, SK::source_current, netlist::to_lower(source), src.where()});
        s.unit = "J";
    } else {
        s.signal = read_signal(m.required("signal"), signals);
        s.unit = signal_unit(s.signal);
    }
    if (kind == "final") {
        s.kind = analysis::MeasureKind::final_value;
    } else if (kind == "value_at") {
        s.kind = analysis::MeasureKind::value_at;
        s.at = m.required("at").number();
    } else if (kind == "cross" || kind == "delay") {
        s.kind = kind == "cross" ? analysis::MeasureKind::cross : analysis::MeasureKind::delay;
        s.level = m.required("level").number();
        s.edge = to_edge(m.choice_or("edge", kEdges, "either"));
        s.nth = static_cast<int>(m.integer_or("nth", 1, 1, 1000000));
        s.from = m.number_or("after", -1e300);
        s.unit = axis_unit(an);
        if (kind == "delay") {
            s.target = read_signal(m.required("target"), signals);
            s.target_level = m.required("target_level").number();
            s.target_edge = to_edge(m.choice_or("target_edge", kEdges, "either"));
        }
    } else if (kind == "average") {
        s.kind = analysis::MeasureKind::average;
    } else if (kind == "integral") {
        s.kind = analysis::MeasureKind::integral;
        s.unit += "*" + (axis_unit(an).empty() ? std::string("1") : axis_unit(an));
    } else if (kind == "min") {
        s.kind = analysis::MeasureKind::minimum;
    } else if (kind == "max") {
        s.kind = analysis::MeasureKind::maximum;
    }
    if (windowed) {
        if (auto f = m.optional("from"))
            s.from = f->number();
        if (auto t = m.optional("to")) {
            s.to = t->number();
            if (!(s.to > s.from))
                t->fail("'to' must be after 'from'");
        }
    }
    m.finish();
    return s;
}

} // namespace

netlist::Netlist circuit_study_netlist(const Header& header, const CircuitStudySpec& study) {
    netlist::Netlist n = study.circuit;
    n.set_title("spincim study " + header.name);
    try {
        n.add_analysis(study.analysis);
    } catch (const InputError& err) {
        throw err.at(study.analysis_where);
    }
    // Nodes of the top level, for checking the signals the study names.
    std::vector<Node> nodes;
    for (const auto& e : n.elements())
        for (const auto& node : netlist::nodes_of(e))
            if (std::find(nodes.begin(), nodes.end(), node) == nodes.end())
                nodes.push_back(node);
    const auto has_node = [&](const std::string& name) {
        return std::find(nodes.begin(), nodes.end(), Node(name)) != nodes.end();
    };
    const auto vsource = [&](const std::string& name) -> const netlist::VoltageSource* {
        const auto* e = n.find(name);
        return e ? std::get_if<netlist::VoltageSource>(e) : nullptr;
    };
    for (const auto& s : study.signals) {
        switch (s.kind) {
        case SK::node_voltage:
            if (!has_node(s.target))
                throw InputError("the circuit has no node '" + s.target + "'", s.where);
            n.save(netlist::Probe::voltage(s.target));
            break;
        case SK::source_current:
            if (!vsource(s.target))
                throw InputError("the circuit has no voltage source '" + s.target +
                                     "' (currents are measured "
                                     "through voltage sources)",
                                 s.where);
            n.save(netlist::Probe::current(s.target));
            break;
        case SK::source_voltage: {
            const auto* v = vsource(s.target);
            if (!v)
                throw InputError("the circuit has no voltage source '" + s.target + "'", s.where);
            for (const Node& node : {v->pos, v->neg})
                if (!node.is_ground())
                    n.save(netlist::Probe::voltage(node));
            break;
        }
        }
    }
    return n;
}

std::unique_ptr<Study> CircuitKind::parse(ParseInput& in) const {
    CircuitStudySpec spec;
    spec.circuit = read_circuit(*in.circuit, in);
    in.circuit->finish();
    const Value an = in.top.required("analysis");
    spec.analysis_where = an.where();
    spec.analysis = read_analysis(an, in.header.simulation);
    std::vector<std::string> names;
    if (auto ms = in.top.optional("measure"))
        for (const auto& mv : ms->items())
            spec.measures.push_back(read_measure(mv, spec.signals, spec.analysis, names));
    if (auto out = in.top.optional("output")) {
        Map om = out->map();
        if (auto w = om.optional("waveforms"))
            for (const auto& wv : w->items())
                spec.waveforms.push_back(read_signal(wv, spec.signals));
        om.finish();
    }
    return make_circuit_study(in.header, std::move(spec), *this);
}

std::string CircuitKind::help() const {
    return "  circuit:\n    kind: " + std::string(name()) + "\n" + circuit_help() +
           R"(  analysis:                    exactly one of
    op: {}
    dc: {source, start, stop, step}
    tran: {step, stop, start, max_step, uic}
  measure:                     list of {name, kind, ...}
    kind: final                signal
    kind: value_at             signal, at
    kind: cross                signal, level, edge (rise|fall|either), nth, after
    kind: delay                signal, level, edge, target, target_level, target_edge
    kind: average|integral|min|max   signal, from, to
    kind: energy               source (a voltage source): energy it delivers, -integral v*i dt
  output:
    waveforms: [v(out), i(vin)]  signals written to waveforms.csv

Signals are v(NODE) for node voltages and i(VSOURCE) for voltage-source branch currents.
)";
}

} // namespace spincim::studies
