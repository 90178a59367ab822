#include "classify.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace spincim::spice::detail {

namespace {

constexpr std::size_t max_diagnostics = 12;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return text;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

int severity(RunStatus status) {
    switch (status) {
    case RunStatus::ok:
        return 0;
    case RunStatus::warning:
        return 1;
    case RunStatus::nonconvergence:
        return 2;
    case RunStatus::parse_error:
        return 3;
    case RunStatus::timeout:
        return 4;
    case RunStatus::fatal:
        return 5;
    }
    return 5;
}

void add_unique(std::vector<std::string>& list, std::string_view text) {
    if (list.size() < max_diagnostics && std::find(list.begin(), list.end(), text) == list.end()) {
        list.emplace_back(text);
    }
}

// The word after `marker` up to the next blank or quote, e.g. the node of "check node b".
std::string word_after(std::string_view text, std::string_view marker) {
    auto at = text.find(marker);
    if (at == std::string_view::npos) {
        return {};
    }
    auto rest = trim(text.substr(at + marker.size()));
    auto end = rest.find_first_of(" \t'\"");
    return std::string(rest.substr(0, end));
}

// ngspice's words for a fatal error in the shared library (sharedspice.c, controlled_exit).
bool is_fatal(std::string_view lowered) {
    return contains(lowered, "cannot recover");
}

} // namespace

Line parse_line(std::string_view raw) {
    Line line;
    if (raw.starts_with("stderr ")) {
        line.is_stderr = true;
        raw.remove_prefix(7);
    } else if (raw.starts_with("stdout ")) {
        raw.remove_prefix(7);
    } else {
        line.is_progress = true;
    }
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) {
        raw.remove_suffix(1);
    }
    line.text = std::string(raw);
    return line;
}

void escalate(Verdict& verdict, RunStatus status, std::string diagnostic) {
    if (severity(status) > severity(verdict.status)) {
        verdict.status = status;
        if (!diagnostic.empty()) {
            verdict.diagnostics.insert(verdict.diagnostics.begin(), std::move(diagnostic));
        }
    } else if (!diagnostic.empty()) {
        add_unique(verdict.diagnostics, diagnostic);
    }
}

namespace {

// Calls fn(text, lowered) for every non-empty line ngspice wrote to stderr from `begin` on
// (trimmed, and its lower-case form): the lines classification reads.
template <typename Fn>
void for_each_error_line(const std::vector<Line>& lines, std::size_t begin, Fn&& fn) {
    for (std::size_t i = begin; i < lines.size(); ++i) {
        if (!lines[i].is_stderr) {
            continue;
        }
        const std::string_view text = trim(lines[i].text);
        if (!text.empty()) {
            fn(text, lower(text));
        }
    }
}

} // namespace

Verdict classify_load(const std::vector<Line>& lines, std::size_t begin) {
    Verdict verdict;
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    std::vector<std::string> models;
    bool invalid_model = false;
    bool fatal = false;
    for_each_error_line(lines, begin, [&](std::string_view text, const std::string& lowered) {
        if (is_fatal(lowered)) {
            fatal = true;
        }
        // "warning, can't find model 'nosuch' from line" precedes the error (inp2*.c).
        if (contains(lowered, "can't find model")) {
            auto name = word_after(text, "model '");
            if (!name.empty() && std::find(models.begin(), models.end(), name) == models.end()) {
                models.push_back(name);
            }
        }
        if (contains(lowered, "could not find a valid modelname")) {
            invalid_model = true;
        }
        if (contains(lowered, "error") || lowered.starts_with("netlist line no.") ||
            contains(lowered, "undefined parameter") || contains(lowered, "not found") ||
            contains(lowered, "could not find") || contains(lowered, "mismatch")) {
            add_unique(errors, text);
        } else if (lowered.starts_with("note:")) {
            return;
        } else {
            // Everything else on stderr during parsing is a warning or the echo of the
            // offending netlist line that follows one ("device already exists ...").
            add_unique(warnings, text);
        }
    });
    if (fatal) {
        verdict.status = RunStatus::fatal;
        verdict.diagnostics = errors;
        for (const auto& warning : warnings) {
            add_unique(verdict.diagnostics, warning);
        }
        return verdict;
    }
    if (!errors.empty() || invalid_model) {
        verdict.status = RunStatus::parse_error;
        for (const auto& model : models) {
            verdict.diagnostics.push_back("unknown model '" + model +
                                          "': ngspice could not find a valid modelname");
        }
        for (const auto& error : errors) {
            add_unique(verdict.diagnostics, error);
        }
        for (const auto& warning : warnings) {
            add_unique(verdict.diagnostics, warning);
        }
        return verdict;
    }
    if (!warnings.empty()) {
        verdict.status = RunStatus::warning;
        verdict.diagnostics = warnings;
    }
    return verdict;
}

Verdict classify_run(const std::vector<Line>& lines, std::size_t begin) {
    Verdict verdict;
    std::vector<std::string> failures;
    std::vector<std::string> warnings;
    std::vector<std::string> singular_nodes;
    bool fatal = false;
    for_each_error_line(lines, begin, [&](std::string_view text, const std::string& lowered) {
        if (lowered.starts_with("note:")) {
            return;
        }
        if (is_fatal(lowered)) {
            fatal = true;
            add_unique(failures, text);
            return;
        }
        // bg_halt after a timeout: "doAnalyses: pause requested", "run simulation interrupted".
        if (contains(lowered, "pause requested") || contains(lowered, "simulation interrupted")) {
            return;
        }
        if (contains(lowered, "timestep too small") || contains(lowered, "doanalyses:") ||
            contains(lowered, "aborted") || contains(lowered, "no convergence") ||
            contains(lowered, "iteration limit") || lowered.starts_with("error") ||
            contains(lowered, "circuit not parsed") || contains(lowered, "aren't any circuits")) {
            add_unique(failures, text);
            return;
        }
        // "Warning: singular matrix:  check node b": the matrix has no unique DC solution at
        // that node, typically a node connected only through capacitors (no DC path to ground).
        if (contains(lowered, "singular matrix")) {
            auto node = word_after(text, "check node");
            if (!node.empty() && std::find(singular_nodes.begin(), singular_nodes.end(), node) ==
                                     singular_nodes.end()) {
                singular_nodes.push_back(node);
            }
        }
        if (contains(lowered, "warning")) {
            add_unique(warnings, text);
        }
    });
    if (fatal) {
        verdict.status = RunStatus::fatal;
        verdict.diagnostics = failures;
        return verdict;
    }
    std::vector<std::string> node_notes;
    for (const auto& node : singular_nodes) {
        node_notes.push_back("singular matrix at node '" + node +
                             "' (floating node or no DC path to ground)");
    }
    if (!failures.empty()) {
        verdict.status = RunStatus::nonconvergence;
        verdict.diagnostics = failures;
        for (const auto& note : node_notes) {
            add_unique(verdict.diagnostics, note);
        }
        return verdict;
    }
    if (!warnings.empty() || !node_notes.empty()) {
        verdict.status = RunStatus::warning;
        verdict.diagnostics = node_notes;
        for (const auto& warning : warnings) {
            add_unique(verdict.diagnostics, warning);
        }
    }
    return verdict;
}

} // namespace spincim::spice::detail
