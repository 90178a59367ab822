#include "network_study.hpp"

#include <cstdio>

#ifndef SPINCIM_VERSION
#define SPINCIM_VERSION "unknown"
#endif

namespace spincim::cli {

nlohmann::ordered_json run_network(const config::StudySpec& study, const OutputDir& out,
                                   std::string& table) {
    network::NetworkStudySpec spec = study.network.value();
    spec.model_dir = out.file("models").string();
    const network::NetworkStudyResult r = network::run_network_study(spec);
    network::write_accuracy_csv(r, out.file("accuracy.csv").string());
    network::write_mapping_csv(r, out.file("mapping.csv").string());

    nlohmann::ordered_json j;
    j["study"] = study.name;
    j["spincim_version"] = SPINCIM_VERSION;
    j["seed"] = study.seed;
    j["file"] = study.file;
    if (!study.description.empty())
        j["description"] = study.description;
    j["analysis"] = "network (BNN with injected row errors)";
    j["status"] = "ok";
    j["parameters"] = study.resolved;
    j["dataset"] = r.dataset;
    j["n_train"] = r.n_train;
    j["n_test"] = r.n_test;
    j["float_accuracy"] =
        r.float_accuracy >= 0 ? nlohmann::ordered_json(r.float_accuracy) : nullptr;
    nlohmann::ordered_json sw = nlohmann::ordered_json::array();
    for (const auto& [n, acc] : r.software_accuracy)
        sw.push_back({{"n", n}, {"accuracy", acc}});
    j["software_accuracy"] = sw;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    char line[256];
    table = "study " + study.name + " (seed " + std::to_string(study.seed) + "): " + r.dataset +
            ", " + std::to_string(r.n_train) + " training / " + std::to_string(r.n_test) +
            " test samples\n";
    if (r.float_accuracy >= 0) {
        std::snprintf(line, sizeof line, "float MLP of the same shape: %.2f %%\n",
                      100 * r.float_accuracy);
        table += line;
    }
    std::snprintf(line, sizeof line, "%-22s %5s %6s %9s %10s %10s %18s %9s\n", "array", "N",
                  "boost", "injection", "AER", "software", "accuracy (95% CI)", "TOPS/W");
    table += line;
    for (const auto& a : r.accuracy) {
        nlohmann::ordered_json e;
        e["label"] = a.label;
        e["n"] = a.n_columns;
        e["boost"] = a.boost;
        e["access_width"] = a.access_width;
        e["injection"] = a.injection;
        e["aer"] = a.aer;
        e["flip_rate"] = a.flip_rate;
        e["software_accuracy"] = a.software_accuracy;
        e["accuracy_mean"] = a.accuracy.mean;
        e["accuracy_ci_low"] = a.accuracy.ci_low;
        e["accuracy_ci_high"] = a.accuracy.ci_high;
        // TOPS/W needs the case's energy per accumulation (study key energy_per_accumulation);
        // without it the efficiency is unknown, not zero.
        const bool has_energy = a.tops_per_w > 0.0;
        e["tops_per_w"] = has_energy ? nlohmann::ordered_json(a.tops_per_w) : nullptr;
        rows.push_back(e);
        char tops[32] = "-";
        if (has_energy) {
            std::snprintf(tops, sizeof tops, "%.1f", a.tops_per_w);
        }
        std::snprintf(line, sizeof line,
                      "%-22s %5d %6s %9s %10.3g %9.2f%% %7.2f [%5.2f,%5.2f] %9s\n", a.label.c_str(),
                      a.n_columns, a.boost ? "yes" : "no", a.injection.c_str(), a.aer,
                      100 * a.software_accuracy, 100 * a.accuracy.mean, 100 * a.accuracy.ci_low,
                      100 * a.accuracy.ci_high, tops);
        table += line;
    }
    j["accuracy"] = rows;
    j["array_tops"] = r.array_tops;
    j["seed_tops_per_w"] = r.seed_tops_per_w;
    return j;
}

} // namespace spincim::cli
