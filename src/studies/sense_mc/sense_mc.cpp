// The `sense_mc` study kind (section `monte_carlo:`): row error rates of the STT-BNN sense path
// of seed 001 (Pham et al., IEEE JETCAS 12(2), 2022), Sec. IV, Eqs. (7)-(9), swept over worker
// processes by the generic driver (sweep/driver.hpp). This file holds the kind's planner (the
// adaptive or fixed rounds per case), its outputs (crer_<case>.csv, aer.csv, comparisons.csv,
// results.json), its sample evaluator and `spincim mismatch`.

#include "spincim/montecarlo/sense_mc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "spincim/analysis/compare.hpp"
#include "spincim/analysis/error_rate.hpp"
#include "spincim/config/reader.hpp"
#include "spincim/core/atomic_file.hpp"
#include "spincim/core/error.hpp"
#include "spincim/spice/session.hpp"
#include "spincim/studies/registry.hpp"
#include "spincim/studies/sense_mc/spec.hpp"
#include "spincim/studies/study.hpp"
#include "spincim/sweep/driver.hpp"
#include "spincim/sweep/sweep.hpp"
#include "spincim/sweep/worker.hpp"
#include "spincim/units/units.hpp"

namespace fs = std::filesystem;

namespace spincim::studies {

namespace {

// Values of one sample, in this order (SI units in the names). The wall time of a sample is left
// out on purpose: it differs from run to run and would make the sample table irreproducible.
std::vector<std::string> value_names() {
    return {"v_sl_v", "r_th_ohm", "v_sense_v", "t_sw_s", "t_ref_s", "tm_s"};
}
constexpr std::size_t kTsw = 3;
constexpr std::size_t kTref = 4;
constexpr std::size_t kTm = 5;

sweep::SampleStatus sample_status(spice::RunStatus s) {
    switch (s) {
    case spice::RunStatus::ok:
        return sweep::SampleStatus::ok;
    case spice::RunStatus::warning:
        return sweep::SampleStatus::warning;
    case spice::RunStatus::nonconvergence:
        return sweep::SampleStatus::nonconv;
    case spice::RunStatus::timeout:
        return sweep::SampleStatus::timeout;
    case spice::RunStatus::parse_error:
    case spice::RunStatus::fatal:
        return sweep::SampleStatus::invalid;
    }
    return sweep::SampleStatus::invalid;
}

// Per case: the samples of every popcount k the plan has asked for so far, in index order.
struct CaseState {
    std::map<std::size_t, std::uint64_t> planned; // k -> samples planned (indices 0 .. n-1)
    std::map<std::size_t, analysis::PopcountSamples> summaries;
    std::size_t failed = 0;   // samples without a usable time margin (status not ok/warning)
    std::size_t censored = 0; // usable samples whose D_in did not switch within the window
    bool done = false;
    bool budget_exhausted = false;
    // A round in which no sample of the case was usable ends the case: the next round would fail
    // the same way (e.g. a sense amplifier that never switches), and an adaptive plan would
    // otherwise keep asking for first-round samples until its budget is spent.
    std::size_t usable_last_round = 0;
    bool abandoned = false;
    // The case has no AER: abandoned, or too few usable samples to estimate one (set when the
    // tables are written; `reason` says why).
    bool failed_case = false;
    std::string first_failure;
    std::string reason;
    std::size_t rounds = 0;
};

bool usable(const sweep::SampleRecord& r) {
    return (r.status == sweep::SampleStatus::ok || r.status == sweep::SampleStatus::warning) &&
           r.values.size() == value_names().size();
}

// Adds the records of the ids just run to the case summaries. Only the ids of this round are
// read (not every record of the journal), so a resumed sweep re-plans every round from exactly
// the samples the uninterrupted sweep had planned it from.
void absorb(std::span<const sweep::SampleId> ids,
            const std::map<sweep::SampleId, sweep::SampleRecord>& records,
            std::vector<CaseState>& cases) {
    for (auto& cs : cases)
        cs.usable_last_round = 0;
    for (const auto& id : ids) {
        const std::size_t c = id.point / kPointStride;
        const std::size_t k = id.point % kPointStride;
        const auto& r = records.at(id);
        CaseState& cs = cases.at(c);
        auto& s = cs.summaries[k];
        s.k = k;
        if (!usable(r)) {
            ++cs.failed;
            if (cs.first_failure.empty())
                cs.first_failure = std::string(sweep::to_string(r.status)) + ": " + r.message;
            continue;
        }
        ++cs.usable_last_round;
        const double tm = r.values[kTm];
        if (!std::isfinite(tm)) {
            ++cs.censored;
            continue;
        }
        // TM = T_SW − T_REF, rounded as the worker computed it; the times give ℓ as well.
        const double t_sw = r.values[kTsw];
        const double t_ref = r.values[kTref];
        if (std::isfinite(t_sw) && t_sw > 0.0 && std::isfinite(t_ref) && t_ref > 0.0)
            s.add(t_sw, t_ref);
        else
            s.add(tm);
    }
}

std::vector<analysis::PopcountSamples> summaries_of(const CaseState& cs) {
    std::vector<analysis::PopcountSamples> v;
    for (const auto& [k, s] : cs.summaries)
        if (s.n_samples > 0)
            v.push_back(s);
    return v;
}

// The ids of the next round of every case that is not finished (empty: the sweep is complete).
std::vector<sweep::SampleId> plan_round(const MonteCarloStudySpec& mc,
                                        std::vector<CaseState>& cases) {
    std::vector<sweep::SampleId> ids;
    for (std::size_t c = 0; c < cases.size(); ++c) {
        CaseState& cs = cases[c];
        if (cs.done)
            continue;
        if (cs.rounds > 0 && cs.usable_last_round == 0) {
            cs.done = true;
            cs.abandoned = true;
            cs.reason = "no usable sample in round " + std::to_string(cs.rounds) +
                        " (first: " + cs.first_failure + ")";
            continue;
        }
        const std::size_t n = mc.cases[c].n;
        std::map<std::size_t, std::size_t> more;
        if (mc.plan.kind == McPlanKind::fixed) {
            if (mc.plan.ks.empty())
                for (std::size_t k = 0; k <= n; ++k)
                    more[k] = mc.plan.samples;
            else
                for (const std::size_t k : mc.plan.ks)
                    more[k] = mc.plan.samples;
            cs.done = true;
            cs.reason = "fixed plan";
        } else {
            const auto so_far = summaries_of(cs);
            const analysis::PlanStep step = analysis::next_round(n, so_far, mc.plan.target);
            cs.reason = step.reason;
            if (step.done || step.budget_exhausted || step.more.empty()) {
                cs.done = true;
                cs.budget_exhausted = step.budget_exhausted;
                continue;
            }
            more = step.more;
        }
        ++cs.rounds;
        for (const auto& [k, count] : more) {
            std::uint64_t& planned = cs.planned[k];
            for (std::uint64_t i = 0; i < count; ++i)
                ids.push_back({c * kPointStride + k, planned + i});
            planned += count;
        }
    }
    return ids;
}

std::string g(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// The usable samples of every case with their times (what the summaries were built from).
std::vector<std::vector<analysis::MarginSample>>
margin_samples(const std::map<sweep::SampleId, sweep::SampleRecord>& records, std::size_t cases) {
    std::vector<std::vector<analysis::MarginSample>> out(cases);
    for (const auto& [id, r] : records) {
        const std::size_t c = id.point / kPointStride;
        if (c >= cases || !usable(r))
            continue;
        const double t_sw = r.values[kTsw];
        const double t_ref = r.values[kTref];
        if (!(std::isfinite(r.values[kTm]) && std::isfinite(t_sw) && t_sw > 0.0 &&
              std::isfinite(t_ref) && t_ref > 0.0))
            continue;
        out[c].push_back({id.point % kPointStride, id.index, t_sw, t_ref});
    }
    return out;
}

// comparisons.csv: AER ratios of the cases that differ in one setting (analysis/compare.hpp),
// paired when they share N. Returns the printed table.
std::string write_comparisons(const MonteCarloStudySpec& mc, std::uint64_t seed,
                              const std::map<sweep::SampleId, sweep::SampleRecord>& records,
                              const std::vector<CaseState>& states, const fs::path& path) {
    const auto samples = margin_samples(records, mc.cases.size());
    std::ostringstream csv;
    std::ostringstream table;
    csv << "case_a,case_b,differs,paired,samples_a,samples_b,aer_a,aer_b,ratio,ratio_low,"
           "ratio_high,replicates\n";
    analysis::CompareOptions options;
    options.model = mc.plan.target.model;
    options.confidence = mc.plan.target.confidence;
    options.seed = seed;
    std::size_t rows = 0;
    for (std::size_t i = 0; i < mc.cases.size(); ++i) {
        for (std::size_t j = i + 1; j < mc.cases.size(); ++j) {
            const auto& a = mc.cases[i];
            const auto& b = mc.cases[j];
            const int diffs = (a.n != b.n ? 1 : 0) + (a.access_width != b.access_width ? 1 : 0) +
                              (a.boost != b.boost ? 1 : 0);
            if (diffs != 1 || states[i].failed_case || states[j].failed_case)
                continue;
            const char* differs =
                a.n != b.n ? "n" : (a.access_width != b.access_width ? "access_width" : "boost");
            analysis::AerComparison c;
            try {
                c = analysis::compare_aer(a.n, samples[i], b.n, samples[j], options);
            } catch (const InputError& e) {
                table << "  " << a.label << " vs " << b.label << ": no ratio (" << e.what()
                      << ")\n";
                continue;
            }
            csv << a.label << ',' << b.label << ',' << differs << ','
                << (c.paired ? "true" : "false") << ',' << c.samples_a << ',' << c.samples_b << ','
                << g(c.aer_a) << ',' << g(c.aer_b) << ',' << g(c.ratio) << ',' << g(c.ratio_low)
                << ',' << g(c.ratio_high) << ',' << c.replicates << '\n';
            char line[240];
            std::snprintf(line, sizeof line, "  %-16s / %-16s %-12s %-6s  %6.3f  [%6.3f, %6.3f]\n",
                          b.label.c_str(), a.label.c_str(), differs, c.paired ? "paired" : "indep",
                          c.ratio, c.ratio_low, c.ratio_high);
            table << line;
            ++rows;
        }
    }
    if (rows == 0 && table.str().empty())
        return {};
    write_file_atomically(path, csv.str());
    return "AER ratios (bootstrap " + g(100.0 * options.confidence) + " % interval):\n" +
           table.str();
}

// The rounds of every case (adaptive or fixed plan) and the tables of the finished sweep.
class SenseMcPlanner final : public sweep::Planner {
public:
    SenseMcPlanner(const MonteCarloStudySpec& mc, const Header& header, nlohmann::json resolved,
                   std::string hash)
        : mc_(mc), header_(header), resolved_(std::move(resolved)), hash_(std::move(hash)),
          cases_(mc.cases.size()) {}

    std::vector<sweep::SampleId> next_round() override { return plan_round(mc_, cases_); }

    void absorb(std::span<const sweep::SampleId> ids,
                const std::map<sweep::SampleId, sweep::SampleRecord>& records) override {
        studies::absorb(ids, records, cases_);
    }

    int finish(const std::map<sweep::SampleId, sweep::SampleRecord>& records,
               const sweep::Sweep::Stats& stats, const fs::path& outdir,
               std::ostream& out) override;

private:
    // The AER of case c, or nullopt (and the case marked failed, with the reason) when it was
    // abandoned or its usable samples cannot carry an estimate.
    std::optional<analysis::AerEstimate> estimate(std::size_t c) {
        CaseState& st = cases_[c];
        const auto so_far = summaries_of(st);
        if (!st.abandoned && so_far.empty())
            st.reason =
                "no usable sample" +
                (st.first_failure.empty() ? std::string() : " (first: " + st.first_failure + ")");
        if (st.abandoned || so_far.empty()) {
            st.failed_case = true;
            return std::nullopt;
        }
        try {
            return analysis::estimate_aer(mc_.cases[c].n, so_far, mc_.plan.target.confidence,
                                          analysis::usable_model(mc_.plan.target.model, so_far));
        } catch (const InputError& e) {
            // Too few usable samples for the model (e.g. one sample at a popcount, per_k).
            st.failed_case = true;
            st.reason = "too few usable samples for an AER: " + e.detail();
            return std::nullopt;
        }
    }

    const MonteCarloStudySpec& mc_;
    const Header& header_;
    nlohmann::json resolved_;
    std::string hash_;
    std::vector<CaseState> cases_;
};

int SenseMcPlanner::finish(const std::map<sweep::SampleId, sweep::SampleRecord>& records,
                           const sweep::Sweep::Stats& stats, const fs::path& outdir,
                           std::ostream& out) {
    const auto& mc = mc_;
    nlohmann::ordered_json j = results_header(header_);
    j["study_hash"] = hash_;
    j["parameters"] = resolved_;
    std::ostringstream aer_csv;
    aer_csv << "case,n,access_width,boost,aer,aer_low,aer_high,unsampled_bound,"
               "relative_half_width,spice_samples,failed,censored,rounds,target_met,model,"
               "expected_errors,observed_errors\n";
    out << "case                     N   width  boost   AER        95 % interval           "
           "samples  failed\n";
    for (std::size_t c = 0; c < mc.cases.size(); ++c) {
        const auto& cs = mc.cases[c];
        CaseState& st = cases_[c];
        std::size_t planned = 0;
        for (const auto& [k, count] : st.planned)
            planned += count;
        const std::optional<analysis::AerEstimate> est = estimate(c);
        nlohmann::ordered_json jc;
        jc["label"] = cs.label;
        jc["n"] = cs.n;
        jc["access_width"] = cs.access_width;
        jc["boost"] = cs.boost;
        aer_csv << cs.label << ',' << cs.n << ',' << g(cs.access_width) << ','
                << (cs.boost ? "true" : "false") << ',';
        char line[200];
        if (!est) {
            // A failed case has no AER and no precision verdict: empty fields, null in JSON.
            aer_csv << ",,,,," << planned << ',' << st.failed << ',' << st.censored << ','
                    << st.rounds << ",,,,\n";
            std::snprintf(line, sizeof line, "%-22s %4zu %6.2g  %-5s  %-34s  %7zu  %6zu\n",
                          cs.label.c_str(), cs.n, cs.access_width, cs.boost ? "yes" : "no",
                          "failed (no AER)", planned, st.failed);
            out << line;
            jc["aer"] = nullptr;
            jc["spice_samples"] = planned;
            jc["failed_samples"] = st.failed;
            jc["censored_samples"] = st.censored;
            jc["rounds"] = st.rounds;
            jc["plan"] = st.reason;
            jc["failed"] = true;
            jc["abandoned"] = st.abandoned;
            j["cases"].push_back(jc);
            continue;
        }
        analysis::write_crer_csv(*est, outdir / ("crer_" + cs.label + ".csv"));
        // Fixed plans have no precision target; an adaptive one is met when its interval is
        // narrow enough within the budget.
        const bool target_met = mc.plan.kind == McPlanKind::fixed ||
                                (!st.budget_exhausted &&
                                 est->relative_half_width() <= mc.plan.target.relative_half_width);
        aer_csv << g(est->aer) << ',' << g(est->aer_low) << ',' << g(est->aer_high) << ','
                << g(est->unsampled_bound) << ',' << g(est->relative_half_width()) << ',' << planned
                << ',' << st.failed << ',' << st.censored << ',' << st.rounds << ','
                << (target_met ? "true" : "false") << ',' << analysis::to_string(est->model) << ','
                << g(est->expected_errors) << ',' << est->observed_errors << '\n';
        std::snprintf(line, sizeof line,
                      "%-22s %4zu %6.2g  %-5s  %-9.3g  [%-9.3g, %-9.3g]  %7zu  %6zu\n",
                      cs.label.c_str(), cs.n, cs.access_width, cs.boost ? "yes" : "no", est->aer,
                      est->aer_low, est->aer_high, planned, st.failed);
        out << line;
        jc["aer"] = est->aer;
        jc["aer_low"] = est->aer_low;
        jc["aer_high"] = est->aer_high;
        jc["unsampled_bound"] = est->unsampled_bound;
        jc["relative_half_width"] = est->relative_half_width();
        jc["spice_samples"] = planned;
        jc["failed_samples"] = st.failed;
        jc["censored_samples"] = st.censored;
        jc["rounds"] = st.rounds;
        jc["plan"] = st.reason;
        jc["model"] = analysis::to_string(est->model);
        jc["expected_errors"] = est->expected_errors;
        jc["observed_errors"] = est->observed_errors;
        if (est->model == analysis::AerModel::log_linear) {
            jc["log_margin"] = {{"intercept", est->log_intercept},
                                {"slope_per_k", est->log_slope},
                                {"sigma", est->log_sigma}};
        }
        jc["target_met"] = target_met;
        jc["abandoned"] = false;
        jc["crer_csv"] = "crer_" + cs.label + ".csv";
        j["cases"].push_back(jc);
    }
    write_file_atomically(outdir / "aer.csv", aer_csv.str());
    out << write_comparisons(mc, header_.seed, records, cases_, outdir / "comparisons.csv");
    j["sweep"] = {{"evaluated", stats.evaluated},
                  {"resumed", stats.resumed},
                  {"retried", stats.retried},
                  {"workers_replaced", stats.workers_replaced},
                  {"elapsed_s", stats.elapsed_s}};
    write_file_atomically(outdir / "results.json", j.dump(2) + "\n");
    out << "samples: " << stats.evaluated << " simulated now, " << stats.resumed
        << " from the journal; results: " << outdir.string() << "\n";
    int code = 0;
    for (std::size_t c = 0; c < cases_.size(); ++c)
        if (cases_[c].failed_case) {
            std::cerr << "spincim: simulation failed: case " << mc.cases[c].label << ": "
                      << cases_[c].reason << "\n";
            code = static_cast<int>(ExitCode::simulation_failed);
        }
    return code;
}

class SenseMcStudy final : public Study, public Swept {
public:
    SenseMcStudy(Header header, MonteCarloStudySpec mc)
        : Study(std::move(header)), mc_(std::move(mc)) {}

    const Kind& kind() const override;
    const MonteCarloStudySpec& spec() const { return mc_; }

    std::string summary() const override {
        const std::size_t cases = mc_.cases.size();
        return "monte_carlo study, " + std::to_string(cases) + (cases == 1 ? " case" : " cases") +
               "; run it with `spincim sweep`";
    }

    netlist::Netlist netlist() const override {
        refuse("a monte_carlo study simulates one netlist per sample: run it with `spincim "
               "sweep`");
    }

    RunOutcome run(const OutputDir&, std::ostream&, const RunOptions&) const override {
        refuse("a monte_carlo study runs many samples: use `spincim sweep " + header().file +
               " -o OUTDIR`");
    }

    const Swept* swept() const override { return this; }

    // The resolved study (every parameter, defaults included) except `monte_carlo.plan`: a
    // sample's values depend on the seed, the circuits, the variation and the run limits, never
    // on the plan, which only decides which samples to run and how to estimate, so a sweep
    // resumed with a tighter target or a larger budget reuses every sample it has. The hash also
    // covers each case's montecarlo::design_fingerprint: the sizes and model files the study
    // leaves to the toolkit's defaults are bound as well.
    std::string sweep_hash() const override {
        nlohmann::json bound = resolved();
        if (bound.contains("monte_carlo"))
            bound["monte_carlo"].erase("plan");
        std::string bytes = bound.dump();
        for (std::size_t c = 0; c < mc_.cases.size(); ++c) {
            bytes += '\n';
            bytes += sweep::study_hash_of(
                montecarlo::design_fingerprint(sense_mc_spec(mc_, c, header().seed)));
        }
        return sweep::study_hash_of(bytes);
    }

    std::vector<std::string> value_names() const override { return studies::value_names(); }

    std::unique_ptr<sweep::Planner> planner() const override {
        return std::make_unique<SenseMcPlanner>(mc_, header(), resolved(), sweep_hash());
    }

    double sample_timeout_s() const override { return mc_.sample_timeout_s; }
    int max_attempts() const override { return mc_.max_attempts; }

    std::function<sweep::SampleRecord(const sweep::SampleId&)> evaluator() const override;

    int mismatch(const MismatchCommand& command, std::ostream& out) const override;

private:
    MonteCarloStudySpec mc_;
};

std::function<sweep::SampleRecord(const sweep::SampleId&)> SenseMcStudy::evaluator() const {
    spice::SessionOptions options;
    // One sample runs three simulations; each is bounded so that a slow run becomes a `timeout`
    // sample before the supervisor's own limit kills the worker.
    options.timeout_s = mc_.sample_timeout_s / 4.0;
    // The evaluator owns the process's simulator session and one sense evaluator per case
    // (each calibrates its die reference once).
    struct State {
        explicit State(const spice::SessionOptions& o) : session(o) {}
        spice::Session session;
        std::map<std::size_t, std::unique_ptr<montecarlo::SenseEvaluator>> evaluators;
    };
    auto state = std::make_shared<State>(options);
    return [this, state](const sweep::SampleId& id) {
        const std::size_t c = id.point / kPointStride;
        const std::size_t k = id.point % kPointStride;
        if (c >= mc_.cases.size())
            throw InputError("no case " + std::to_string(c) + " in the study");
        auto& ev = state->evaluators[c];
        if (!ev)
            ev = std::make_unique<montecarlo::SenseEvaluator>(state->session,
                                                              sense_mc_spec(mc_, c, header().seed));
        const montecarlo::SenseSample s = ev->evaluate(k, id.index);
        sweep::SampleRecord r;
        r.id = id;
        r.status = sample_status(s.status);
        r.message = s.message;
        if (spice::RunResult{s.status, {}, {}, 0.0}.usable())
            r.values = {s.v_sl, s.r_th_ohm, s.v_sense, s.t_sw_s, s.t_ref_s, s.tm_s};
        return r;
    };
}

int SenseMcStudy::mismatch(const MismatchCommand& command, std::ostream& out) const {
    const auto& mc = mc_;
    std::size_t c = 0;
    if (!command.case_label.empty()) {
        const auto it = std::find_if(mc.cases.begin(), mc.cases.end(), [&](const auto& cs) {
            return cs.label == command.case_label;
        });
        if (it == mc.cases.end()) {
            std::string labels;
            for (const auto& cs : mc.cases)
                labels += (labels.empty() ? "" : ", ") + cs.label;
            throw InputError("no case '" + command.case_label + "' (cases: " + labels + ")",
                             SourceLocation{"command line", 0, 0, "--case"});
        }
        c = static_cast<std::size_t>(it - mc.cases.begin());
    }
    const std::size_t n = mc.cases[c].n;
    const std::size_t k = command.k.value_or(n / 2 - 1);
    if (k > n)
        throw InputError("--k must be in [0, N = " + std::to_string(n) + "], got " +
                             std::to_string(k),
                         SourceLocation{"command line", 0, 0, "--k"});
    if (command.row_draws < 2 || command.row_draws > 100000)
        throw InputError("--row-draws must be in [2, 100000], got " +
                             std::to_string(command.row_draws),
                         SourceLocation{"command line", 0, 0, "--row-draws"});
    spice::SessionOptions options;
    options.timeout_s = mc.sample_timeout_s;
    spice::Session session(options);
    montecarlo::SenseEvaluator ev(session, sense_mc_spec(mc, c, header().seed));
    const auto report = ev.mismatch_contributions(k, command.row_draws);
    const double var = report.linear_sigma_s * report.linear_sigma_s;
    out << "mismatch contributions, case " << mc.cases[c].label << " (N = " << n << "), N1 = " << k
        << ": V_SL " << units::to_eng(report.v_sl) << "V, T_SW " << units::to_eng(report.t_sw_s)
        << "s\n";
    out << "  source                sigma        dT_SW   share\n";
    for (const auto& item : report.items) {
        const double share = var > 0.0 ? item.dt_s * item.dt_s / var : 0.0;
        out << "  " << std::left << std::setw(18) << item.source << std::right << std::setw(10)
            << units::to_eng(item.sigma) << "V" << std::setw(11) << units::to_eng(item.dt_s) << "s"
            << std::setw(7) << std::fixed << std::setprecision(1) << 100.0 * share << " %\n";
        out.unsetf(std::ios::floatfield);
    }
    out << "  quadrature sum: sigma_TM ~ " << units::to_eng(report.linear_sigma_s)
        << "s; T_SW step between adjacent N1 at N/2: " << units::to_eng(report.step_s) << "s ("
        << std::fixed << std::setprecision(2) << report.linear_sigma_s / report.step_s
        << " steps)\n";
    out.unsetf(std::ios::floatfield);
    return 0;
}

class SenseMcKind final : public Kind {
public:
    std::string_view name() const override { return "sense_mc"; }
    std::string_view section() const override { return "monte_carlo"; }
    std::string_view summary() const override {
        return "STT-BNN sense-path error rates RER/CRER/AER, Monte Carlo (seed 001 IV)";
    }
    std::string help() const override { return monte_carlo_reference(); }
    std::unique_ptr<Study> parse(ParseInput& in) const override {
        return std::make_unique<SenseMcStudy>(in.header, read_monte_carlo(in.section));
    }
};

const Kind& SenseMcStudy::kind() const {
    return sense_mc_kind();
}

} // namespace

const MonteCarloStudySpec& monte_carlo_of(const Study& study) {
    const auto* s = dynamic_cast<const SenseMcStudy*>(&study);
    if (!s)
        throw InputError("not a monte_carlo study (kind " + std::string(study.kind().name()) + ")",
                         study.header().section);
    return s->spec();
}

const Kind& sense_mc_kind() {
    static const SenseMcKind kind;
    return kind;
}

} // namespace spincim::studies
