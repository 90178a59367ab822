#pragma once
// Analyses and simulator options (ngspice manual 15.3 "Analyses", 15.1 ".options").

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spincim::netlist {

// `.op`
struct OpAnalysis {};

// `.dc SRC start stop step`; `source` is the spincim name of a voltage or current source of the
// top level (the writer adds its letter).
struct DcAnalysis {
    std::string source;
    double start;
    double stop;
    double step;
};

// `.tran tstep tstop [tstart [tmax]] [uic]`
struct TranAnalysis {
    double step;
    double stop;
    std::optional<double> start = {};
    std::optional<double> max_step = {};
    bool uic = false;
};

using Analysis = std::variant<OpAnalysis, DcAnalysis, TranAnalysis>;

// Checks the numbers of an analysis (positive steps, ordered times, a bounded number of points:
// `.tran 1e-30 1` would run forever, shared/NGSPICE.md). Throws spincim::InputError.
void check_analysis(const Analysis& analysis);

// The upper bound on tstop/tstep and on the points of a DC sweep.
inline constexpr double kMaxAnalysisPoints = 1e8;

enum class IntegrationMethod { trapezoidal, gear };

// The numeric `.options` keys spincim writes, with what they accept.
struct OptionRule {
    std::string_view key;
    enum class Range { positive, fraction, integer_positive, integer_nonneg, temperature } range;
    std::string_view meaning;
};
[[nodiscard]] const std::vector<OptionRule>& option_rules();

// Checks `key` (case-insensitive, must be in option_rules()) and `value`; returns the key in
// lower case. Throws spincim::InputError.
std::string check_option(std::string_view key, double value);

} // namespace spincim::netlist
