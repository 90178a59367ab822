#pragma once
// The registry of study kinds: an explicit list (as VACASK and gnucap keep theirs), so that the
// kinds a build knows are visible in one line. `check`, `netlist`, `run`, `sweep` and `help` find
// a study's kind here; nothing else names a kind.

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/studies/study.hpp"

// Every kind, in the order `spincim help` lists them. Adding a kind: its folder under
// src/studies/ (which defines `const Kind& NAME_kind()`) and its name here.
#define SPINCIM_STUDY_KINDS(X)                                                                     \
    X(rc) X(divider) X(elements) X(xnor_row) X(sense_mc) X(crossbar) X(network)

namespace spincim::studies {

#define SPINCIM_DECLARE_KIND(name) const Kind& name##_kind();
SPINCIM_STUDY_KINDS(SPINCIM_DECLARE_KIND)
#undef SPINCIM_DECLARE_KIND

// Every registered kind.
[[nodiscard]] const std::vector<const Kind*>& kinds();
// The kind called `name`, or nullptr.
[[nodiscard]] const Kind* find_kind(std::string_view name);

// Reads and validates a study file (InputError naming file:line:column and key; a path that is
// not a regular file is named as such).
[[nodiscard]] std::unique_ptr<Study> load_study(const std::filesystem::path& file,
                                                const Environment& environment);
[[nodiscard]] std::unique_ptr<Study>
parse_study(std::string_view text, const std::string& file_name, const Environment& environment);

// The keys every study has (study, seed, description, simulation) and how a kind is chosen.
[[nodiscard]] std::string common_help();

// `spincim sweep`: runs a swept study over worker processes through the generic driver
// (sweep/driver.hpp); the workers run `spincim sweep-worker` on the same file.
int run_sweep(const Study& study, const SweepCommand& command, std::ostream& out);
// `spincim sweep-worker`: evaluates the samples the supervisor sends on stdin; refuses (exit 2)
// a study whose hash differs from `hash` (the file changed under the sweep).
int run_sweep_worker(const Study& study, const std::string& hash);

} // namespace spincim::studies
