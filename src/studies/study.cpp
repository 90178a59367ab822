#include "spincim/studies/study.hpp"

#include "spincim/config/reader.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/output_dir.hpp"

#ifndef SPINCIM_VERSION
#define SPINCIM_VERSION "unknown"
#endif

namespace spincim::studies {

std::filesystem::path Environment::data_dir() const {
    return models_root.parent_path() / "netlists" / "data";
}

Study::Study(Header header) : header_(std::move(header)) {}

Study::~Study() = default;

void Study::refuse(const std::string& message) const {
    throw InputError(message, header_.section);
}

netlist::Netlist Study::netlist() const {
    refuse("a " + std::string(kind().name()) + " study simulates no single netlist");
}

RunOutcome Study::run(const OutputDir&, std::ostream&, const RunOptions&) const {
    refuse("a " + std::string(kind().name()) + " study has no `spincim run`");
}

int Study::mismatch(const MismatchCommand&, std::ostream&) const {
    refuse("`spincim mismatch` needs a monte_carlo study (this is a " + std::string(kind().name()) +
           " study)");
}

nlohmann::ordered_json results_header(const Header& header) {
    nlohmann::ordered_json j;
    j["study"] = header.name;
    j["spincim_version"] = SPINCIM_VERSION;
    j["seed"] = header.seed;
    j["file"] = header.file;
    if (!header.description.empty())
        j["description"] = header.description;
    return j;
}

std::string existing_file(const config::Value& v, const std::filesystem::path& base) {
    const std::filesystem::path p(v.text());
    const std::filesystem::path full = p.is_absolute() ? p : base / p;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(full, ec))
        v.fail("no such file: " + full.string());
    return full.string();
}

std::string_view version() {
    return SPINCIM_VERSION;
}

} // namespace spincim::studies
