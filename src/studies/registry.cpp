#include "spincim/studies/registry.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <system_error>

#include "spincim/config/reader.hpp"
#include "spincim/core/error.hpp"
#include "spincim/netlist/analysis.hpp"
#include "spincim/sweep/driver.hpp"
#include "spincim/sweep/worker.hpp"

namespace spincim::studies {

namespace fs = std::filesystem;

const std::vector<const Kind*>& kinds() {
#define SPINCIM_LIST_KIND(name) &name##_kind(),
    static const std::vector<const Kind*> list{SPINCIM_STUDY_KINDS(SPINCIM_LIST_KIND)};
#undef SPINCIM_LIST_KIND
    return list;
}

const Kind* find_kind(std::string_view name) {
    for (const Kind* k : kinds())
        if (k->name() == name)
            return k;
    return nullptr;
}

namespace {

Header read_header(config::Map& top, const std::string& file) {
    Header h;
    h.file = file;
    h.name = top.required("study").identifier();
    h.seed = top.required("seed").seed();
    if (auto d = top.optional("description"))
        h.description = d->text();
    if (auto sim = top.optional("simulation")) {
        config::Map sm = sim->map();
        if (auto t = sm.optional("timeout"))
            h.simulation.timeout_s = t->number_in(1e-3, 86400.0);
        if (auto p = sm.optional("max_points"))
            h.simulation.max_points = p->number_in(10.0, netlist::kMaxAnalysisPoints);
        sm.finish();
    }
    return h;
}

std::unique_ptr<Study> parse_root(const config::Value& root, const Environment& environment) {
    config::Map top = root.map();
    Header header = read_header(top, root.file());

    // The sections the registered kinds read, in registry order; a section several kinds share
    // (`circuit:`) names its kind with `kind:`.
    std::vector<std::string_view> sections;
    for (const Kind* k : kinds())
        if (std::find(sections.begin(), sections.end(), k->section()) == sections.end())
            sections.push_back(k->section());
    const std::string_view section_name = sections[top.one_of(sections)];
    const config::Value section = top.required(section_name);
    header.section = section.where();
    std::vector<std::string_view> names;
    for (const Kind* k : kinds())
        if (k->section() == section_name)
            names.push_back(k->name());
    std::optional<config::Map> circuit;
    const Kind* kind = nullptr;
    if (names.size() == 1) {
        kind = find_kind(names.front());
    } else {
        circuit.emplace(section.map());
        kind = find_kind(circuit->required("kind").choice(names));
    }

    ParseInput input{header, top, section, circuit ? &*circuit : nullptr, environment};
    std::unique_ptr<Study> study = kind->parse(input);
    if (!kind->reads_analysis())
        for (const char* key : {"analysis", "measure", "output"})
            if (auto v = top.optional(key))
                v->fail("a " + std::string(section_name) +
                        " study sets its own analysis and measurements; remove '" + key + "'");
    top.finish();
    study->set_resolved(root.context()->resolved);
    study->validate();
    return study;
}

} // namespace

std::unique_ptr<Study> load_study(const fs::path& file, const Environment& environment) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
        throw InputError("is a directory, not a study file", {file.string(), 0, 0, ""});
    if (!fs::is_regular_file(file, ec))
        throw InputError("no such study file", {file.string(), 0, 0, ""});
    return parse_root(config::load_yaml_file(file), environment);
}

std::unique_ptr<Study> parse_study(std::string_view text, const std::string& file_name,
                                   const Environment& environment) {
    return parse_root(config::load_yaml_text(text, file_name), environment);
}

std::string common_help() {
    std::string kinds_list;
    for (const Kind* k : kinds()) {
        std::string line = "    ";
        line.append(k->name());
        line.resize(std::max<std::size_t>(line.size() + 1, 16), ' ');
        line.append(k->section() == k->name()
                        ? std::string(k->name()) + ": {...}"
                        : std::string(k->section()) + ": " +
                              (k->section() == "circuit"
                                   ? "{kind: " + std::string(k->name()) + ", ...}"
                                   : "{...}"));
        kinds_list += line + "\n";
    }
    return R"(Study file (YAML). Numbers take the suffixes f p n u m k meg g t (m = milli; 'M' is refused).

  study: NAME                  name of the study (letters, digits, '_')
  seed: N                      seed of every random stream (0 ... 2^64-1)
  description: TEXT            optional free text
  simulation:
    timeout: 60                wall-clock bound of one simulator run, seconds
    max_points: 1meg           refuse analyses asking for more points (stop/step)
  and exactly one section that chooses the study's kind:
)" + kinds_list +
           "`spincim help KIND` lists a kind's keys.\n";
}

int run_sweep(const Study& study, const SweepCommand& command, std::ostream& out) {
    const Swept* swept = study.swept();
    if (!swept)
        throw InputError("study '" + study.header().name +
                             "' has nothing to sweep: `spincim "
                             "sweep` runs monte_carlo studies (use `spincim run` for this one)",
                         study.header().section);
    std::error_code ec;
    const fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (ec)
        throw Error("cannot locate the spincim executable (/proc/self/exe): " + ec.message());
    sweep::DriveOptions options;
    options.outdir = command.outdir;
    options.study_hash = swept->sweep_hash();
    options.value_names = swept->value_names();
    options.worker_argv = {exe.string(), "sweep-worker", fs::absolute(command.study_file).string(),
                           "--hash", options.study_hash};
    options.workers = command.workers;
    options.sample_timeout_s = swept->sample_timeout_s();
    options.max_attempts = swept->max_attempts();
    options.resume = command.resume;
    options.progress = command.progress;
    const auto planner = swept->planner();
    return sweep::drive(*planner, options, out);
}

int run_sweep_worker(const Study& study, const std::string& hash) {
    const Swept* swept = study.swept();
    if (!swept)
        throw InputError("study '" + study.header().name + "' is not a swept study",
                         study.header().section);
    const std::string mine = swept->sweep_hash();
    if (mine != hash)
        throw InputError("the study changed since the sweep started (hash " + mine + ", sweep " +
                             hash + ")",
                         SourceLocation{study.header().file, 0, 0, ""});
    return sweep::run_worker_stdio(swept->evaluator());
}

} // namespace spincim::studies
