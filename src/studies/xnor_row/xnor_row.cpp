#include "spincim/studies/xnor_row/xnor_row.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "spincim/config/reader.hpp"
#include "spincim/core/output_dir.hpp"
#include "spincim/studies/registry.hpp"
#include "spincim/units/units.hpp"

namespace spincim::studies {

using config::Map;
using config::Value;

void read_row_electrical(Map& m, circuits::XnorRowSpec& r) {
    r.v_bl = m.positive_or("v_bl", r.v_bl);
    r.v_wl = m.positive_or("v_wl", r.v_wl);
    r.access_width_factor = m.positive_or("access_width", r.access_width_factor);
    r.access_length_factor = m.positive_or("access_length", r.access_length_factor);
    r.driver_width_factor = m.positive_or("driver_width", r.driver_width_factor);
    r.c_sl = m.positive_or("c_sl", r.c_sl);
    constexpr std::array<std::string_view, 2> drivers{"transmission_gate", "ideal"};
    r.driver = m.choice_or("driver", drivers, "transmission_gate") == "ideal"
                   ? circuits::BlDriver::ideal
                   : circuits::BlDriver::transmission_gate;
    constexpr std::array<std::string_view, 2> cards{"cmos65", "cmos45"};
    r.cmos = m.choice_or("cmos", cards, "cmos65");
    constexpr std::array<std::string_view, 2> presets{"stt_bnn_table1", "dmtj_smtj_table1"};
    r.mtj = m.choice_or("mtj", presets, "stt_bnn_table1") == "stt_bnn_table1"
                ? models::stt_bnn_table1()
                : models::dmtj_smtj_table1();
}

XnorRowStudySpec read_xnor_row(const Value& v) {
    Map m = v.map();
    XnorRowStudySpec x;
    if (auto sizes = m.optional("sizes")) {
        x.sizes.clear();
        for (const auto& item : sizes->items())
            x.sizes.push_back(static_cast<std::size_t>(item.integer(1, 1024)));
        if (x.sizes.empty())
            sizes->fail("give at least one row size");
    } else {
        v.context()->resolved["xnor_row"]["sizes"] = x.sizes; // the default, recorded as resolved
    }
    x.samples = static_cast<std::size_t>(m.integer_or("samples", 1, 1, 10000));
    x.single_bitcell = m.boolean_or("single_bitcell", true);
    x.read_current_limit = m.positive_or("read_current_limit", x.read_current_limit);
    read_row_electrical(m, x.row);
    m.finish();
    return x;
}
netlist::Netlist xnor_point_netlist(const Header& header, const XnorRowStudySpec& spec,
                                    std::size_t n, std::size_t n1, std::uint64_t sample) {
    circuits::XnorRowSpec row = spec.row;
    const auto vectors = circuits::xnor_vectors_for_n1(n, n1, header.seed, sample);
    row.weights = vectors.weights;
    row.inputs = vectors.inputs;
    netlist::Netlist net = circuits::xnor_row(row);
    net.set_title("spincim study " + header.name + " N " + std::to_string(n) + " N1 " +
                  std::to_string(n1) + " sample " + std::to_string(sample));
    return net;
}

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
std::optional<XnorPoint> simulate_point(const Header& header, const XnorRowStudySpec& spec,
                                        spice::Session& session, std::size_t n, std::size_t n1,
                                        std::size_t sample, XnorStudyResult& result) {
    const netlist::Netlist net = xnor_point_netlist(header, spec, n, n1, sample);
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
    const auto check = circuits::check_read_current(currents, spec.read_current_limit);
    p.max_i_mtj = check.max_current;
    p.max_i_probe = check.probe;
    return p;
}

} // namespace

XnorStudyResult run_xnor_study(const Header& header, const XnorRowStudySpec& x,
                               spice::Session& session) {
    XnorStudyResult result;
    for (const std::size_t n : x.sizes) {
        XnorRowSummary row;
        row.n = n;
        std::vector<double> xs, ys;
        std::vector<double> sum_at(n + 1, 0.0);
        for (std::size_t n1 = 0; n1 <= n; ++n1)
            for (std::size_t s = 0; s < x.samples; ++s) {
                const auto p = simulate_point(header, x, session, n, n1, s, result);
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
        const auto plus = simulate_point(header, x, session, 1, 1, 0, result);
        const auto minus =
            plus ? simulate_point(header, x, session, 1, 0, 0, result) : std::nullopt;
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

namespace {

nlohmann::ordered_json xnor_results_json(const Study& study, const XnorStudyResult& r) {
    nlohmann::ordered_json j = results_header(study.header());
    j["analysis"] = "xnor_row (operating point per N1)";
    j["status"] = std::string(spice::to_string(r.failure.status));
    j["diagnostics"] = r.failure.diagnostics;
    j["warnings"] = r.warnings;
    j["parameters"] = study.resolved();
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

std::string xnor_table(const Header& study, const XnorRowStudySpec& x, const XnorStudyResult& r) {
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

class XnorRowStudy final : public Study {
public:
    XnorRowStudy(Header header, XnorRowStudySpec spec)
        : Study(std::move(header)), spec_(std::move(spec)) {}

    const Kind& kind() const override { return xnor_row_kind(); }

    // Builds the first point's netlist: the row's electrical parameters are checked by the
    // generator.
    void validate() const override { (void)netlist().to_spice(); }

    std::string summary() const override {
        return std::to_string(netlist().elements().size()) +
               " elements in the first row, 0 measurements";
    }

    // The first size at its midpoint N1 = N/2 (`run` simulates every point).
    netlist::Netlist netlist() const override {
        const std::size_t n = spec_.sizes.front();
        return xnor_point_netlist(header(), spec_, n, n / 2, 0);
    }

    RunOutcome run(const OutputDir& out, std::ostream& term, const RunOptions&) const override {
        spice::SessionOptions options;
        options.timeout_s = header().simulation.timeout_s;
        spice::Session session(options);
        const XnorStudyResult r = run_xnor_study(header(), spec_, session);
        out.write("results.json", xnor_results_json(*this, r).dump(2) + "\n");
        out.write("netlist.cir", netlist().to_spice());
        if (r.ok()) {
            out.write("vsl_vs_n1.csv", xnor_points_csv(r));
            out.write("rows.csv", xnor_rows_csv(r));
        }
        term << xnor_table(header(), spec_, r);
        RunOutcome outcome;
        outcome.warnings = r.warnings;
        if (!r.ok())
            outcome.failure = r.failure.summary();
        return outcome;
    }

private:
    XnorRowStudySpec spec_;
};

class XnorRowKind final : public Kind {
public:
    std::string_view name() const override { return "xnor_row"; }
    std::string_view section() const override { return "xnor_row"; }
    std::string_view summary() const override {
        return "2T2J XNOR rows: V_SL against N1, fit, margin, read current (seed 001)";
    }
    std::string help() const override {
        return R"(  xnor_row:                    2T2J XNOR rows of seed 001 (instead of circuit/analysis/measure):
    sizes: [16, 64]            row sizes N; V_SL is simulated for every N1 = 0..N
    samples: 1                 random weight/input vectors per (N, N1)
    v_bl: 0.3   v_wl: 0.7      bitline and wordline voltages, V
    access_width: 4            access NMOS width in multiples of the card's minimum (length: access_length)
    driver: transmission_gate  bitline drivers (or ideal); driver_width: 16
    c_sl: 50f                  source-line capacitance, F
    cmos: cmos65               cmos65 | cmos45;   mtj: stt_bnn_table1 | dmtj_smtj_table1
    single_bitcell: true       also the N = 1 cell of seed 001 Fig. 3
    read_current_limit: 50u    warn when an MTJ read current exceeds it, A (seed 001 Table I)
)";
    }
    std::unique_ptr<Study> parse(ParseInput& in) const override {
        return std::make_unique<XnorRowStudy>(in.header, read_xnor_row(in.section));
    }
};

} // namespace

const Kind& xnor_row_kind() {
    static const XnorRowKind kind;
    return kind;
}

} // namespace spincim::studies
