#pragma once
// Classification of ngspice's messages into a RunStatus (internal to the spice layer).

#include <string>
#include <vector>

#include "spincim/spice/session.hpp"

namespace spincim::spice::detail {

struct Line {
    bool is_stderr = false;
    bool is_progress = false; // '\r'-terminated progress output, sent without a stream tag
    std::string text;
};

// Splits a SendChar string ("stdout ...", "stderr ..." or untagged progress) into a Line.
[[nodiscard]] Line parse_line(std::string_view raw);

struct Verdict {
    RunStatus status = RunStatus::ok;
    std::vector<std::string> diagnostics;
};

// Messages printed while ngSpice_Circ parsed a netlist.
[[nodiscard]] Verdict classify_load(const std::vector<Line>& lines, std::size_t begin);
// Messages printed while the analyses ran.
[[nodiscard]] Verdict classify_run(const std::vector<Line>& lines, std::size_t begin);

// Raises `verdict` to `status` if that is more severe and adds `diagnostic` in front when it does.
void escalate(Verdict& verdict, RunStatus status, std::string diagnostic);

} // namespace spincim::spice::detail
