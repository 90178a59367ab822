#include "xnor_study.hpp"

#include <cmath>
#include <cstdio>

#include "spincim/units/units.hpp"

#ifndef SPINCIM_VERSION
#define SPINCIM_VERSION "unknown"
#endif

namespace spincim::cli {

namespace {

// Seed 001 Sec. II (Fig. 3): V_SL = 185 mV for XNOR = +1, 97.6 mV for −1, margin 87.4 mV, with
// V_BL 0.3 V, V_WL 0.7 V and 4x access transistors in a commercial 65 nm kit.
constexpr double kPaperVslPlus = 0.185;
constexpr double kPaperVslMinus = 0.0976;
constexpr double kPaperMargin = 0.0874;

std::string g17(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// Simulates one point; returns nullopt (and records the failure) if the run is not usable.
std::optional<XnorPoint> simulate_point(const config::StudySpec& study, spice::Session& session,
                                        std::size_t n, std::size_t n1, std::size_t sample,
                                        XnorStudyResult& result) {
    const netlist::Netlist net = config::xnor_point_netlist(study, n, n1, sample);
    const spice::RunResult run = session.simulate(net.to_spice());
    if (!run.usable()) {
        if (result.failure.usable())
            result.failure = run;
        return std::nullopt;
    }
    XnorPoint p{n, n1, sample, session.vector(net.probe("v_sl").vector_name()).at(0), 0.0, {}};
    std::vector<std::pair<std::string, double>> currents;
    for (const auto& probe : circuits::xnor_mtj_current_probes(n))
        currents.emplace_back(probe, session.vector(net.probe(probe).vector_name()).at(0));
    const auto check = circuits::check_read_current(currents, study.xnor_row->read_current_limit);
    p.max_i_mtj = check.max_current;
    p.max_i_probe = check.probe;
    return p;
}

} // namespace

XnorStudyResult run_xnor_study(const config::StudySpec& study, spice::Session& session) {
    const auto& x = study.xnor_row.value();
    XnorStudyResult result;
    for (const std::size_t n : x.sizes) {
        XnorRowSummary row;
        row.n = n;
        std::vector<double> xs, ys;
        std::vector<double> sum_at(n + 1, 0.0);
        for (std::size_t n1 = 0; n1 <= n; ++n1)
            for (std::size_t s = 0; s < x.samples; ++s) {
                const auto p = simulate_point(study, session, n, n1, s, result);
                if (!p)
                    return result;
                xs.push_back(static_cast<double>(n1));
                ys.push_back(p->v_sl);
                sum_at[n1] += p->v_sl;
                if (p->max_i_mtj > row.max_i_mtj) {
                    row.max_i_mtj = p->max_i_mtj;
                    row.max_i_probe = "N1 " + std::to_string(n1) + " sample " + std::to_string(s) +
                                      " " + p->max_i_probe;
                }
                result.points.push_back(*p);
            }
        const auto mean_at = [&](std::size_t n1) {
            return sum_at[n1] / static_cast<double>(x.samples);
        };
        if (n >= 1)
            row.fit = analysis::fit_line(xs, ys);
        row.v_sl_mid = n % 2 == 0 ? mean_at(n / 2) : row.fit.at(0.5 * static_cast<double>(n));
        row.mid_error_rel = (row.v_sl_mid - 0.5 * x.row.v_bl) / (0.5 * x.row.v_bl);
        if (n >= 2 && n % 2 == 0)
            row.margin_worst = mean_at(n / 2 + 1) - mean_at(n / 2 - 1);
        if (row.max_i_mtj > x.read_current_limit)
            result.warnings.push_back("row N = " + std::to_string(n) + ": MTJ read current " +
                                      units::to_eng(row.max_i_mtj, 4) + "A (" + row.max_i_probe +
                                      ") exceeds the read-disturb limit " +
                                      units::to_eng(x.read_current_limit, 3) +
                                      "A of seed 001 Table I");
        result.rows.push_back(row);
    }
    if (x.single_bitcell) {
        // N = 1: XNOR = +1 when IN = W, −1 otherwise (seed 001 Fig. 3).
        const auto plus = simulate_point(study, session, 1, 1, 0, result);
        const auto minus = plus ? simulate_point(study, session, 1, 0, 0, result) : std::nullopt;
        if (!plus || !minus)
            return result;
        result.bitcell = XnorBitcell{plus->v_sl, minus->v_sl, plus->max_i_mtj, minus->max_i_mtj};
        const double worst = std::max(plus->max_i_mtj, minus->max_i_mtj);
        if (worst > x.read_current_limit)
            result.warnings.push_back(
                "single bitcell: MTJ read current " + units::to_eng(worst, 4) +
                "A exceeds the read-disturb limit " + units::to_eng(x.read_current_limit, 3) + "A");
    }
    return result;
}

nlohmann::ordered_json xnor_results_json(const config::StudySpec& study, const XnorStudyResult& r) {
    nlohmann::ordered_json j;
    j["study"] = study.name;
    j["spincim_version"] = SPINCIM_VERSION;
    j["seed"] = study.seed;
    j["file"] = study.file;
    if (!study.description.empty())
        j["description"] = study.description;
    j["analysis"] = "xnor_row (operating point per N1)";
    j["status"] = std::string(spice::to_string(r.failure.status));
    j["diagnostics"] = r.failure.diagnostics;
    j["warnings"] = r.warnings;
    j["parameters"] = study.resolved;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& row : r.rows) {
        nlohmann::ordered_json e;
        e["n"] = row.n;
        e["slope_v_per_n1"] = row.fit.slope;
        e["intercept_v"] = row.fit.intercept;
        e["r_squared"] = row.fit.r_squared;
        e["v_sl_mid_v"] = row.v_sl_mid;
        e["v_sl_mid_error_rel"] = row.mid_error_rel;
        e["margin_worst_v"] =
            row.margin_worst ? nlohmann::ordered_json(*row.margin_worst) : nullptr;
        e["max_i_mtj_a"] = row.max_i_mtj;
        rows.push_back(e);
    }
    j["rows"] = rows;
    if (r.bitcell) {
        nlohmann::ordered_json b;
        b["v_sl_plus_v"] = r.bitcell->v_sl_plus;
        b["v_sl_minus_v"] = r.bitcell->v_sl_minus;
        b["margin_v"] = r.bitcell->v_sl_plus - r.bitcell->v_sl_minus;
        b["i_mtj_plus_a"] = r.bitcell->i_mtj_plus;
        b["i_mtj_minus_a"] = r.bitcell->i_mtj_minus;
        b["paper"] = {{"source", "seed 001 Sec. II, Fig. 3"},
                      {"v_sl_plus_v", kPaperVslPlus},
                      {"v_sl_minus_v", kPaperVslMinus},
                      {"margin_v", kPaperMargin}};
        j["single_bitcell"] = b;
    }
    return j;
}

std::string xnor_points_csv(const XnorStudyResult& r) {
    std::string s = "n,n1,sample,v_sl_v,max_i_mtj_a\n";
    for (const auto& p : r.points)
        s += std::to_string(p.n) + "," + std::to_string(p.n1) + "," + std::to_string(p.sample) +
             "," + g17(p.v_sl) + "," + g17(p.max_i_mtj) + "\n";
    return s;
}

std::string xnor_rows_csv(const XnorStudyResult& r) {
    std::string s = "n,slope_v,intercept_v,r_squared,v_sl_mid_v,v_sl_mid_error_rel,margin_worst_v,"
                    "max_i_mtj_a\n";
    for (const auto& row : r.rows)
        s += std::to_string(row.n) + "," + g17(row.fit.slope) + "," + g17(row.fit.intercept) + "," +
             g17(row.fit.r_squared) + "," + g17(row.v_sl_mid) + "," + g17(row.mid_error_rel) + "," +
             (row.margin_worst ? g17(*row.margin_worst) : "") + "," + g17(row.max_i_mtj) + "\n";
    return s;
}

std::string xnor_table(const config::StudySpec& study, const XnorStudyResult& r) {
    const auto& x = study.xnor_row.value();
    std::string s = "study " + study.name + " (seed " + std::to_string(study.seed) +
                    "): 2T2J XNOR rows at V_BL " + units::to_eng(x.row.v_bl) + "V, V_WL " +
                    units::to_eng(x.row.v_wl) + "V, access " +
                    units::to_eng(x.row.access_width_factor) + "x W_min, " + x.row.cmos + ": " +
                    std::string(spice::to_string(r.failure.status)) + "\n";
    char line[256];
    std::snprintf(line, sizeof line, "%5s %14s %12s %10s %13s %11s %14s %12s\n", "N", "slope mV/N1",
                  "V_SL(0) mV", "R^2", "V_SL(N/2) mV", "vs V_BL/2", "margin mV", "max I_MTJ uA");
    s += line;
    for (const auto& row : r.rows) {
        std::snprintf(line, sizeof line, "%5zu %14.4f %12.3f %10.6f %13.3f %10.2f%% %14s %12.2f\n",
                      row.n, row.fit.slope * 1e3, row.fit.intercept * 1e3, row.fit.r_squared,
                      row.v_sl_mid * 1e3, 100 * row.mid_error_rel,
                      row.margin_worst ? units::to_eng(*row.margin_worst * 1e3, 4).c_str() : "-",
                      row.max_i_mtj * 1e6);
        s += line;
    }
    if (r.bitcell) {
        const auto& b = *r.bitcell;
        const auto rel = [](double a, double p) { return 100 * (a - p) / p; };
        s += "single bitcell (seed 001 Fig. 3)   spincim     paper   difference\n";
        std::snprintf(line, sizeof line,
                      "  V_SL, XNOR = +1               %7.1f mV %6.1f mV %+8.1f %%\n",
                      b.v_sl_plus * 1e3, kPaperVslPlus * 1e3, rel(b.v_sl_plus, kPaperVslPlus));
        s += line;
        std::snprintf(line, sizeof line,
                      "  V_SL, XNOR = -1               %7.1f mV %6.1f mV %+8.1f %%\n",
                      b.v_sl_minus * 1e3, kPaperVslMinus * 1e3, rel(b.v_sl_minus, kPaperVslMinus));
        s += line;
        const double m = b.v_sl_plus - b.v_sl_minus;
        std::snprintf(line, sizeof line,
                      "  sensing margin                %7.1f mV %6.1f mV %+8.1f %%\n", m * 1e3,
                      kPaperMargin * 1e3, rel(m, kPaperMargin));
        s += line;
        std::snprintf(line, sizeof line,
                      "  I_MTJ (+1 / -1)              %5.1f / %4.1f uA (paper 26 / 29.9 uA)\n",
                      b.i_mtj_plus * 1e6, b.i_mtj_minus * 1e6);
        s += line;
    }
    return s;
}

} // namespace spincim::cli
