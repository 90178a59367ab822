#include "runner.hpp"

#include <algorithm>
#include <cstdio>

#include "spincim/units/units.hpp"

#ifndef SPINCIM_VERSION
#define SPINCIM_VERSION "unknown"
#endif

namespace spincim::cli {

namespace {

using SK = config::SignalSpec::Kind;

std::string analysis_name(const netlist::Analysis& a) {
    if (std::holds_alternative<netlist::OpAnalysis>(a))
        return "op";
    if (std::holds_alternative<netlist::DcAnalysis>(a))
        return "dc";
    return "tran";
}

// Reads the simulated vectors into a Waveforms set under the names the study used.
analysis::Waveforms collect(const config::StudySpec& study, const netlist::Netlist& net,
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

} // namespace

StudyResult run_study(const config::StudySpec& study, spice::Session& session) {
    StudyResult r;
    const netlist::Netlist net = config::build_netlist(study);
    r.netlist_text = net.to_spice();
    r.run = session.simulate(r.netlist_text);
    if (!r.run.usable())
        return r;
    r.waves = collect(study, net, session);
    for (const auto& m : study.measures)
        r.measurements.push_back(analysis::evaluate(m, r.waves));
    return r;
}

nlohmann::ordered_json results_json(const config::StudySpec& study, const StudyResult& result) {
    nlohmann::ordered_json j;
    j["study"] = study.name;
    j["spincim_version"] = SPINCIM_VERSION;
    j["seed"] = study.seed;
    j["file"] = study.file;
    if (!study.description.empty())
        j["description"] = study.description;
    j["analysis"] = analysis_name(study.analysis);
    j["status"] = std::string(spice::to_string(result.run.status));
    j["diagnostics"] = result.run.diagnostics;
    j["elapsed_s"] = result.run.elapsed_s;
    j["parameters"] = study.resolved;
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

std::string waveforms_csv(const config::StudySpec& study, const StudyResult& result) {
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

std::string results_table(const config::StudySpec& study, const StudyResult& result) {
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

} // namespace spincim::cli
