// A circuit study's run: one simulation in the process's simulator session, the measurements on
// its vectors, and the outputs (results.json, netlist.cir, measurements.csv, waveforms.csv).

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "spincim/analysis/measurement.hpp"
#include "spincim/core/output_dir.hpp"
#include "spincim/spice/session.hpp"
#include "spincim/units/units.hpp"

#include "circuit_study.hpp"

namespace spincim::studies {

namespace {

using SK = SignalSpec::Kind;

struct StudyResult {
    spice::RunResult run;
    std::string netlist_text;
    analysis::Waveforms waves;
    std::vector<analysis::Measurement> measurements;
};

std::string analysis_name(const netlist::Analysis& a) {
    if (std::holds_alternative<netlist::OpAnalysis>(a))
        return "op";
    if (std::holds_alternative<netlist::DcAnalysis>(a))
        return "dc";
    return "tran";
}

// Reads the simulated vectors into a Waveforms set under the names the study used.
analysis::Waveforms collect(const CircuitStudySpec& study, const netlist::Netlist& net,
                            const spice::Session& session) {
    analysis::Waveforms w;
    const std::string kind = analysis_name(study.analysis);
    if (kind == "tran") {
        w.axis_name = "time";
        w.axis = session.vector("time");
    } else if (kind == "dc") {
        // ngspice names the scale of a DC sweep after the swept quantity (`v-sweep`, `i-sweep`).
        for (const auto& name : session.vector_names())
            if (name.ends_with("-sweep")) {
                w.axis_name = name;
                w.axis = session.vector(name);
            }
        if (w.axis.empty())
            throw SimulationError("the DC sweep produced no sweep vector");
    } else {
        w.axis_name = "point";
        w.axis = {0.0};
    }
    const auto node_vector = [&](const netlist::Node& node) {
        if (node.is_ground())
            return std::vector<double>(w.axis.size(), 0.0);
        return session.vector(netlist::Probe::voltage(node).vector_name());
    };
    for (const auto& s : study.signals) {
        std::vector<double> v;
        switch (s.kind) {
        case SK::node_voltage:
            v = node_vector(netlist::Node(s.target));
            break;
        case SK::source_current:
            v = session.vector(netlist::Probe::current(s.target).vector_name());
            break;
        case SK::source_voltage: {
            const auto& src = std::get<netlist::VoltageSource>(*net.find(s.target));
            const auto pos = node_vector(src.pos), neg = node_vector(src.neg);
            v.resize(pos.size());
            for (std::size_t k = 0; k < v.size(); ++k)
                v[k] = pos[k] - neg[k];
            break;
        }
        }
        if (v.size() != w.axis.size())
            throw SimulationError("vector for " + s.name + " has " + std::to_string(v.size()) +
                                  " points, the axis " + std::to_string(w.axis.size()));
        w.signals[s.name] = std::move(v);
    }
    return w;
}

// `v(out)` → `v_out_v`, `i(vin)` → `i_vin_a`: CSV column names with the SI unit.
std::string column_name(const std::string& signal) {
    std::string base;
    for (char c : signal)
        base += (c == '(' || c == ')' || c == ',') ? '_' : c;
    while (!base.empty() && base.back() == '_')
        base.pop_back();
    return base + (signal.starts_with("i(") ? "_a" : "_v");
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

StudyResult run_study(const Header& header, const CircuitStudySpec& study,
                      spice::Session& session) {
    StudyResult r;
    const netlist::Netlist net = circuit_study_netlist(header, study);
    r.netlist_text = net.to_spice();
    r.run = session.simulate(r.netlist_text);
    if (!r.run.usable())
        return r;
    r.waves = collect(study, net, session);
    for (const auto& m : study.measures)
        r.measurements.push_back(analysis::evaluate(m, r.waves));
    return r;
}

nlohmann::ordered_json results_json(const Study& s, const CircuitStudySpec& study,
                                    const StudyResult& result) {
    nlohmann::ordered_json j = results_header(s.header());
    j["analysis"] = analysis_name(study.analysis);
    j["status"] = std::string(spice::to_string(result.run.status));
    j["diagnostics"] = result.run.diagnostics;
    j["elapsed_s"] = result.run.elapsed_s;
    j["parameters"] = s.resolved();
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    for (const auto& x : result.measurements) {
        nlohmann::ordered_json e;
        e["value"] = x.value ? nlohmann::ordered_json(*x.value) : nlohmann::ordered_json(nullptr);
        e["unit"] = x.unit;
        m[x.name] = e;
    }
    j["measurements"] = m;
    return j;
}

std::string measurements_csv(const StudyResult& result) {
    std::string s = "name,value,unit\n";
    for (const auto& m : result.measurements)
        s += m.name + "," + (m.value ? number(*m.value) : "") + "," + m.unit + "\n";
    return s;
}

std::string waveforms_csv(const CircuitStudySpec& study, const StudyResult& result) {
    const auto& w = result.waves;
    std::string s = w.axis_name == "time" ? "time_s" : w.axis_name;
    for (const auto& name : study.waveforms)
        s += "," + column_name(name);
    s += "\n";
    for (std::size_t k = 0; k < w.axis.size(); ++k) {
        s += number(w.axis[k]);
        for (const auto& name : study.waveforms)
            s += "," + number(w.signals.at(name)[k]);
        s += "\n";
    }
    return s;
}

std::string results_table(const Header& study, const StudyResult& result) {
    std::size_t width = 11;
    for (const auto& m : result.measurements)
        width = std::max(width, m.name.size());
    std::string s = "study " + study.name + " (seed " + std::to_string(study.seed) +
                    "): " + result.run.summary() + "\n";
    if (result.measurements.empty())
        return s;
    const auto pad = [&](std::string x) {
        x.resize(std::max(x.size(), width), ' ');
        return x;
    };
    s += pad("measurement") + "  " + "value\n";
    for (const auto& m : result.measurements)
        s += pad(m.name) + "  " + (m.value ? units::to_eng(*m.value, 6) + m.unit : "(no event)") +
             "\n";
    return s;
}

class CircuitStudy final : public Study {
public:
    CircuitStudy(Header header, CircuitStudySpec spec, const Kind& kind)
        : Study(std::move(header)), spec_(std::move(spec)), kind_(kind) {}

    const Kind& kind() const override { return kind_; }
    const CircuitStudySpec& spec() const { return spec_; }

    void validate() const override { (void)netlist().to_spice(); }

    std::string summary() const override {
        const netlist::Netlist net = netlist();
        return std::to_string(net.elements().size()) + " elements, " +
               std::to_string(spec_.measures.size()) + " measurements";
    }

    netlist::Netlist netlist() const override { return circuit_study_netlist(header(), spec_); }

    RunOutcome run(const OutputDir& out, std::ostream& term, const RunOptions&) const override {
        spice::SessionOptions options;
        options.timeout_s = header().simulation.timeout_s;
        spice::Session session(options);
        const StudyResult result = run_study(header(), spec_, session);
        out.write("results.json", results_json(*this, spec_, result).dump(2) + "\n");
        out.write("netlist.cir", result.netlist_text);
        if (result.run.usable()) {
            out.write("measurements.csv", measurements_csv(result));
            if (!spec_.waveforms.empty())
                out.write("waveforms.csv", waveforms_csv(spec_, result));
        }
        term << results_table(header(), result);
        RunOutcome outcome;
        if (!result.run.usable())
            outcome.failure = result.run.summary();
        return outcome;
    }

private:
    CircuitStudySpec spec_;
    const Kind& kind_;
};

} // namespace

const CircuitStudySpec& circuit_spec_of(const Study& study) {
    const auto* c = dynamic_cast<const CircuitStudy*>(&study);
    if (!c)
        throw InputError("not a circuit study (kind " + std::string(study.kind().name()) + ")",
                         study.header().section);
    return c->spec();
}

std::unique_ptr<Study> make_circuit_study(Header header, CircuitStudySpec spec, const Kind& kind) {
    return std::make_unique<CircuitStudy>(std::move(header), std::move(spec), kind);
}

} // namespace spincim::studies
