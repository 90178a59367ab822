// The `crossbar` study kind (seed 003: Goodwill et al., Phys. Rev. Applied 18, 014039 (2022)):
// trains the ternary Wine networks, programs each into the array of every diameter (clear,
// write, serial read at V_read with the native solver), sweeps g_norm (accuracy, Eq. (2);
// Delta_RMS, Eq. (4)) and checks current superposition (Appendix B). Inference uses the native
// solver only (held against ngspice in tests/crossbar, crossbar_spice); ngspice runs the optional
// write-verify co-simulation (cosim::ArrayProgrammer), once per diameter on a corner of the
// array, not per solution.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "spincim/config/reader.hpp"
#include "spincim/core/output_dir.hpp"
#include "spincim/cosim/wine_array.hpp"
#include "spincim/cosim/write_verify.hpp"
#include "spincim/network/wine.hpp"
#include "spincim/solvers/crossbar_read.hpp"
#include "spincim/solvers/crossbar_solver.hpp"
#include "spincim/spice/session.hpp"
#include "spincim/studies/crossbar/spec.hpp"
#include "spincim/studies/registry.hpp"

namespace spincim::studies {

namespace {

// Runs fn(k) for k = 0 .. n-1 on `threads` threads (k strided per thread); results that fn
// writes into per-k slots do not depend on the thread count.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& fn) {
    const auto nt = static_cast<std::size_t>(std::max(1, threads));
    const auto work = [&](std::size_t first) {
        for (std::size_t k = first; k < n; k += nt)
            fn(k);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < nt; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool)
        th.join();
}

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.9g", v);
    return b;
}

struct Variant {
    double diameter = 0;
    std::string model; // "full" or "ideal"
    circuits::CrossbarSpec base;
};

// Writes solutions.csv, gnorm_sweep.csv, gnorm_summary.csv, conductance_map.csv,
// superposition.csv (and write_verify.csv, write_accuracy.csv) into `out` and returns
// results.json's content; `table` receives the text printed to the terminal.
nlohmann::ordered_json run_crossbar(const Study& study, const CrossbarStudySpec& spec,
                                    const OutputDir& out, std::string& table) {
    const Header& meta = study.header();
    const auto t0 = std::chrono::steady_clock::now();
    const int threads = spec.threads > 0
                            ? spec.threads
                            : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const data::Dataset data = data::load_wine_csv(spec.dataset_csv);
    const data::TrainTestSplit split = data::random_split(data, spec.n_test, meta.seed);

    // Offline training of every solution (seed 003 Sec. II.A).
    std::vector<network::TernaryMlp> nets(spec.solutions);
    std::vector<double> acc_train(spec.solutions);
    std::vector<double> acc_test(spec.solutions);
    parallel_for(spec.solutions, threads, [&](std::size_t k) {
        nets[k] = network::train_ternary_mlp(split.train, spec.train, meta.seed, k);
        acc_train[k] = network::software_accuracy(nets[k], split.train);
        acc_test[k] = network::software_accuracy(nets[k], split.test);
    });
    const auto t_train = std::chrono::steady_clock::now();
    {
        std::ostringstream csv;
        csv << "solution,train_accuracy,test_accuracy\n";
        for (std::size_t k = 0; k < spec.solutions; ++k)
            csv << k << ',' << num(acc_train[k]) << ',' << num(acc_test[k]) << '\n';
        out.write("solutions.csv", csv.str());
    }
    const network::WineArrayLayout layout{spec.array.rows, spec.array.cols};
    std::vector<std::vector<bool>> targets(spec.solutions);
    for (std::size_t k = 0; k < spec.solutions; ++k)
        targets[k] = network::target_states(nets[k], layout);

    std::vector<Variant> variants;
    for (std::size_t di = 0; di < spec.diameters.size(); ++di) {
        circuits::CrossbarSpec full = spec.array;
        full.device = circuits::crossbar_device_preset(spec.diameters[di]);
        full.device.v_h = spec.v_h;
        full.variation.seed = meta.seed;
        full.variation.sample = di;
        variants.push_back({spec.diameters[di], "full", full});
        if (spec.ideal) {
            circuits::CrossbarSpec ideal = full;
            ideal.variation.g_off_rel_sigma = 0;
            ideal.variation.tmr_rel_sigma = 0;
            ideal.r_row_segment = ideal.r_col_segment = 0;
            ideal.r_row_contact = ideal.r_col_contact = 0;
            variants.push_back({spec.diameters[di], "ideal", ideal});
        }
    }

    std::ostringstream sweep_csv;
    sweep_csv << "diameter_m,model,g_norm_s,solution,accuracy,rms_deviation\n";
    std::ostringstream summary_csv;
    summary_csv << "diameter_m,model,g_norm_s,median_accuracy,median_rms_deviation\n";
    std::ostringstream map_csv;
    map_csv << "diameter_m,model,solution,row,col,target_on,g_s\n";
    std::ostringstream sup_csv;
    sup_csv << "diameter_m,model,v_apply_v,mean_relative_rms_deviation,max_relative_rms_deviation,"
               "vectors\n";
    nlohmann::ordered_json jv = nlohmann::ordered_json::array();
    char line[512];
    table = "study " + meta.name + " (seed " + std::to_string(meta.seed) + "): wine, " +
            std::to_string(split.train.size()) + " training / " +
            std::to_string(split.test.size()) + " test samples, " + std::to_string(spec.solutions) +
            " solutions\n";
    std::snprintf(line, sizeof line,
                  "software accuracy: median train %.2f %% (min %.2f %%), median test %.2f %%\n",
                  100 * network::median(acc_train),
                  100 * *std::min_element(acc_train.begin(), acc_train.end()),
                  100 * network::median(acc_test));
    table += line;
    std::snprintf(line, sizeof line, "%-6s %-6s %17s %9s %10s %9s %7s %10s %9s %9s\n", "d", "model",
                  "g*acc(uS) plateau", "med.acc", "g*rms(uS)", "med.rms", "xi", "g_eq3(uS)",
                  "acc@eq3", "=sw@dg");
    table += line;

    for (const Variant& var : variants) {
        std::vector<std::vector<double>> maps(spec.solutions);
        parallel_for(spec.solutions, threads, [&](std::size_t k) {
            maps[k] = cosim::read_programmed(var.base, targets[k], spec.v_read);
        });
        // The nominal device's read conductances at v_read (seed 003 Sec. II.D:
        // g_norm = g_on - g_off reduces ideal weights to {-1, 0, 1}).
        const auto& dev = var.base.device;
        const bool nl = var.base.model == circuits::CrossbarDeviceModel::mtj;
        const double vr = spec.v_read;
        const double g_on_nom = dev.g_on();
        const double g_off_nom =
            nl ? solvers::crossbar_device_current(g_on_nom, dev.tmr0, dev.v_h, vr) / vr : dev.g_off;
        const double dg_nominal = g_on_nom - g_off_nom;
        std::vector<double> grid = spec.g_norm;
        if (spec.g_norm_relative)
            for (double& g : grid)
                g *= dg_nominal;
        const network::GnormSweep sw =
            network::sweep_gnorm(nets, maps, layout, split.train, grid, threads);
        const std::string d = num(var.diameter);
        for (std::size_t gi = 0; gi < sw.g_norm.size(); ++gi) {
            summary_csv << d << ',' << var.model << ',' << num(sw.g_norm[gi]) << ','
                        << num(sw.median_accuracy[gi]) << ',' << num(sw.median_rms[gi]) << '\n';
            for (std::size_t k = 0; k < spec.solutions; ++k)
                sweep_csv << d << ',' << var.model << ',' << num(sw.g_norm[gi]) << ',' << k << ','
                          << num(sw.accuracy[gi][k]) << ',' << num(sw.rms[gi][k]) << '\n';
        }
        // On/off conductance statistics over every programmed device of every solution, and
        // seed 003 Eq. (3): g_norm = mean(g_on) - mean(g_off).
        double s_on = 0;
        double s_off = 0;
        double n_on = 0;
        double n_off = 0;
        for (std::size_t k = 0; k < spec.solutions; ++k)
            for (std::size_t q = 0; q < maps[k].size(); ++q) {
                (targets[k][q] ? s_on : s_off) += maps[k][q];
                (targets[k][q] ? n_on : n_off) += 1;
            }
        const double g_on_mean = n_on > 0 ? s_on / n_on : 0.0;
        const double g_off_mean = s_off / n_off;
        const double g_eq3 = g_on_mean - g_off_mean;
        std::vector<double> acc_eq3(spec.solutions);
        std::size_t equal_sw = 0;
        for (std::size_t k = 0; k < spec.solutions; ++k) {
            const auto& net = nets[k];
            const auto u3 = network::effective_weights(maps[k], layout, net.n_in(), net.n_hidden(),
                                                       net.n_out(), g_eq3);
            acc_eq3[k] = network::scores_accuracy(
                network::mlp_scores(split.train.x.cast<double>(), u3.u1, net.b1, u3.u2, net.b2),
                split.train.y);
            const auto ud = network::effective_weights(maps[k], layout, net.n_in(), net.n_hidden(),
                                                       net.n_out(), dg_nominal);
            const double a = network::scores_accuracy(
                network::mlp_scores(split.train.x.cast<double>(), ud.u1, net.b1, ud.u2, net.b2),
                split.train.y);
            equal_sw += a == acc_train[k] ? 1U : 0U;
        }
        for (std::size_t q = 0; q < maps[0].size(); ++q)
            map_csv << d << ',' << var.model << ",0," << q / layout.cols << ',' << q % layout.cols
                    << ',' << (targets[0][q] ? 1 : 0) << ',' << num(maps[0][q]) << '\n';
        nlohmann::ordered_json sup = nlohmann::ordered_json::array();
        if (spec.superposition_vectors > 0) {
            const auto pts = solvers::superposition_check(
                cosim::programmed_array(var.base, targets[0]), maps[0], spec.superposition_voltages,
                spec.superposition_vectors, meta.seed);
            for (const auto& p : pts) {
                sup_csv << d << ',' << var.model << ',' << num(p.v_apply) << ','
                        << num(p.mean_deviation) << ',' << num(p.max_deviation) << ',' << p.vectors
                        << '\n';
                sup.push_back({{"v_apply", p.v_apply},
                               {"mean_relative_rms_deviation", p.mean_deviation},
                               {"max_relative_rms_deviation", p.max_deviation}});
            }
        }
        nlohmann::ordered_json e;
        e["diameter"] = var.diameter;
        e["model"] = var.model;
        e["g_norm_max_median_accuracy"] = sw.g_norm[sw.best_accuracy];
        e["g_norm_max_median_accuracy_plateau"] = {sw.g_norm[sw.best_accuracy_first],
                                                   sw.g_norm[sw.best_accuracy_last]};
        e["g_on_minus_g_off_nominal_at_v_read"] = dg_nominal;
        e["max_median_accuracy"] = sw.median_accuracy[sw.best_accuracy];
        e["g_norm_min_median_rms"] = sw.g_norm[sw.best_rms];
        e["min_median_rms_deviation"] = sw.median_rms[sw.best_rms];
        e["median_accuracy_at_min_rms"] = sw.median_accuracy[sw.best_rms];
        e["xi_norm"] = sw.xi_norm();
        // xi over the plateau of equal maximal median accuracy: [g_rms / g_last, g_rms / g_first].
        e["xi_norm_range"] = {sw.g_norm[sw.best_rms] / sw.g_norm[sw.best_accuracy_last],
                              sw.g_norm[sw.best_rms] / sw.g_norm[sw.best_accuracy_first]};
        e["g_on_mean"] = g_on_mean;
        e["g_off_mean"] = g_off_mean;
        e["g_norm_eq3"] = g_eq3;
        e["median_accuracy_at_eq3"] = network::median(acc_eq3);
        e["solutions_equal_to_software_at_nominal_dg"] = equal_sw;
        e["superposition"] = sup;
        jv.push_back(e);
        std::snprintf(line, sizeof line,
                      "%-6s %-6s %5.2f [%4.1f,%4.1f] %8.2f%% %10.2f %9.3f %7.3f %10.2f %8.2f%% "
                      "%5zu/%zu\n",
                      (num(var.diameter * 1e9) + "nm").c_str(), var.model.c_str(),
                      1e6 * sw.g_norm[sw.best_accuracy], 1e6 * sw.g_norm[sw.best_accuracy_first],
                      1e6 * sw.g_norm[sw.best_accuracy_last],
                      100 * sw.median_accuracy[sw.best_accuracy], 1e6 * sw.g_norm[sw.best_rms],
                      sw.median_rms[sw.best_rms], sw.xi_norm(), 1e6 * g_eq3,
                      100 * network::median(acc_eq3), equal_sw, spec.solutions);
        table += line;
        for (const auto& p : sup) {
            std::snprintf(
                line, sizeof line, "         superposition at %.2f V: mean %.3f %%, max %.3f %%\n",
                p["v_apply"].get<double>(), 100 * p["mean_relative_rms_deviation"].get<double>(),
                100 * p["max_relative_rms_deviation"].get<double>());
            table += line;
        }
    }
    // Write-verify co-simulation (seed 003 Secs. II.B-C) on a corner of each full-model array.
    nlohmann::ordered_json jw = nlohmann::ordered_json::array();
    if (spec.write_verify.enabled) {
        const auto& w = spec.write_verify;
        std::ostringstream wv_csv;
        wv_csv << "diameter_m,row,col,v_switch_v,g_on_s,g_off_s,characterised,target_on,"
                  "final_on,write_ok\n";
        std::ostringstream acc_csv;
        acc_csv << "diameter_m,rows,cols,devices,v_switch_min_v,v_switch_mean_v,v_switch_max_v,"
                   "v_max_v,characterised,write_ok,write_accuracy,seed003_write_accuracy\n";
        table += "write-verify co-simulation (" + std::to_string(w.rows) + " x " +
                 std::to_string(w.cols) +
                 (w.native ? ", native event-driven STT switching" : ", ngspice transients") +
                 "):\n";
        std::vector<const Variant*> fulls;
        for (const Variant& var : variants)
            if (var.model == "full")
                fulls.push_back(&var);
        // One job per diameter; each writes its own slot (the output does not depend on the
        // thread count). The spice engine holds one ngspice session per job and runs them in turn.
        struct Job {
            std::string wv_rows;
            std::string acc_row;
            nlohmann::ordered_json json;
            std::string line;
        };
        std::vector<Job> jobs(fulls.size());
        parallel_for(fulls.size(), w.native ? threads : 1, [&](std::size_t vi) {
            const Variant& var = *fulls[vi];
            Job& job = jobs[vi];
            std::ostringstream wv_rows;
            std::optional<spice::Session> session;
            if (!w.native)
                session.emplace();
            const auto tw0 = std::chrono::steady_clock::now();
            circuits::CrossbarSpec a = var.base;
            a.rows = w.rows;
            a.cols = w.cols;
            a.mtj = circuits::crossbar_seed003_magnetics();
            a.states.clear();
            cosim::WriteVerifyOptions o;
            o.v_start = w.v_start;
            o.v_step = w.v_step;
            o.v_max = w.v_cap;
            o.pulse_width = w.pulse_width;
            o.time_step = w.time_step;
            o.v_read = spec.v_read;
            o.ratio_min = w.ratio_min;
            o.engine = w.native ? cosim::PulseEngine::native : cosim::PulseEngine::spice;
            cosim::ArrayProgrammer p =
                w.native ? cosim::ArrayProgrammer(a, o) : cosim::ArrayProgrammer(a, *session, o);
            // Characterisation (Fig. 2(d-f)): from all off, write-verify every device to off.
            const std::size_t n = w.rows * w.cols;
            std::vector<cosim::WriteVerifyResult> ch(n);
            for (std::size_t k = 0; k < n; ++k)
                ch[k] = p.write_verify(k / w.cols, k % w.cols, false);
            double v_min = 0;
            double v_top = 0;
            double v_sum = 0;
            for (const auto& r : ch)
                if (r.success) {
                    v_min = v_min == 0 ? r.v_switch : std::min(v_min, r.v_switch);
                    v_top = std::max(v_top, r.v_switch);
                    v_sum += r.v_switch;
                }
            // Seed 003 Sec. II.B: V_max = 2 x the smallest switching voltage in the array.
            const double v_max = v_min > 0 ? std::max(2 * v_min, w.v_start) : w.v_cap;
            p.set_v_max(v_max);
            std::vector<bool> target(n);
            for (std::size_t k = 0; k < n; ++k)
                target[k] = targets[0][(k / w.cols) * layout.cols + k % w.cols];
            const std::vector<cosim::WriteVerifyResult> res = p.program(target);
            std::size_t correct = 0;
            std::size_t n_char = 0;
            for (std::size_t k = 0; k < n; ++k) {
                const bool final_on = p.states()[k] == models::MtjState::parallel;
                const bool ok = final_on == target[k] && res[k].success;
                correct += ok ? 1U : 0U;
                n_char += ch[k].success ? 1U : 0U;
                wv_rows << num(var.diameter) << ',' << k / w.cols << ',' << k % w.cols << ','
                        << num(ch[k].v_switch) << ',' << num(ch[k].g_opposite) << ','
                        << num(ch[k].g_target) << ',' << (ch[k].success ? 1 : 0) << ','
                        << (target[k] ? 1 : 0) << ',' << (final_on ? 1 : 0) << ',' << (ok ? 1 : 0)
                        << '\n';
            }
            const double t_wv =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - tw0).count();
            const double v_mean = n_char > 0 ? v_sum / static_cast<double>(n_char) : 0.0;
            const double accuracy = static_cast<double>(correct) / static_cast<double>(n);
            // Seed 003 Sec. II.B: 100 % at 30 nm, 85 % at 60 nm (40 and 50 nm not stated).
            const double d_nm = var.diameter * 1e9;
            const std::string seed_acc = std::abs(d_nm - 30) < 1   ? "1"
                                         : std::abs(d_nm - 60) < 1 ? "0.85"
                                                                   : "";
            std::ostringstream acc_row;
            acc_row << num(var.diameter) << ',' << w.rows << ',' << w.cols << ',' << n << ','
                    << num(v_min) << ',' << num(v_mean) << ',' << num(v_top) << ',' << num(v_max)
                    << ',' << n_char << ',' << correct << ',' << num(accuracy) << ',' << seed_acc
                    << '\n';
            nlohmann::ordered_json e;
            e["diameter"] = var.diameter;
            e["rows"] = w.rows;
            e["cols"] = w.cols;
            e["engine"] = w.native ? "native" : "spice";
            e["smallest_switching_voltage"] = v_min;
            e["mean_switching_voltage"] = v_mean;
            e["largest_switching_voltage"] = v_top;
            e["v_max"] = v_max;
            e["characterised_fraction"] = static_cast<double>(n_char) / static_cast<double>(n);
            e["write_accuracy"] = accuracy;
            e["transients"] = p.transients();
            e["time_s"] = t_wv;
            job.json = e;
            job.wv_rows = wv_rows.str();
            job.acc_row = acc_row.str();
            char buf[256];
            std::snprintf(buf, sizeof buf,
                          "  %5.0f nm: V_sw min/mean/max %.2f/%.2f/%.2f V, V_max %.2f V, "
                          "characterised %zu/%zu, write accuracy %.1f %% (%d pulses, %.1f s)\n",
                          d_nm, v_min, v_mean, v_top, v_max, n_char, n, 100.0 * accuracy,
                          p.transients(), t_wv);
            job.line = buf;
        });
        for (const Job& job : jobs) {
            wv_csv << job.wv_rows;
            acc_csv << job.acc_row;
            jw.push_back(job.json);
            table += job.line;
        }
        out.write("write_verify.csv", wv_csv.str());
        out.write("write_accuracy.csv", acc_csv.str());
    }
    out.write("gnorm_sweep.csv", sweep_csv.str());
    out.write("gnorm_summary.csv", summary_csv.str());
    out.write("conductance_map.csv", map_csv.str());
    out.write("superposition.csv", sup_csv.str());
    const auto t1 = std::chrono::steady_clock::now();

    nlohmann::ordered_json j = results_header(meta);
    j["analysis"] = "crossbar (wine network on passive MTJ arrays, native solver)";
    j["status"] = "ok";
    j["parameters"] = study.resolved();
    j["n_train"] = split.train.size();
    j["n_test"] = split.test.size();
    j["solutions"] = spec.solutions;
    j["software_train_accuracy_median"] = network::median(acc_train);
    j["software_train_accuracy_min"] = *std::min_element(acc_train.begin(), acc_train.end());
    j["software_test_accuracy_median"] = network::median(acc_test);
    j["seed003_median_accuracy_30nm"] = 0.953; // seed 003 Sec. II.A, Fig. 1(e)
    j["variants"] = jv;
    j["write_verify"] = jw;
    j["time_training_s"] = std::chrono::duration<double>(t_train - t0).count();
    j["time_total_s"] = std::chrono::duration<double>(t1 - t0).count();
    std::snprintf(line, sizeof line, "time: training %.1f s, total %.1f s\n",
                  j["time_training_s"].get<double>(), j["time_total_s"].get<double>());
    table += line;
    return j;
}

class CrossbarStudy final : public Study {
public:
    CrossbarStudy(Header header, CrossbarStudySpec spec)
        : Study(std::move(header)), spec_(std::move(spec)) {}

    const Kind& kind() const override { return crossbar_kind(); }
    const CrossbarStudySpec& spec() const { return spec_; }

    std::string summary() const override {
        return "crossbar study, " + std::to_string(spec_.solutions) + " solutions, " +
               std::to_string(spec_.diameters.size()) + " diameters";
    }

    netlist::Netlist netlist() const override {
        refuse("a crossbar study simulates no netlist (it uses the native solver)");
    }

    RunOutcome run(const OutputDir& out, std::ostream& term, const RunOptions&) const override {
        std::string table;
        const auto j = run_crossbar(*this, spec_, out, table);
        out.write("results.json", j.dump(2) + "\n");
        term << table;
        return {};
    }

private:
    CrossbarStudySpec spec_;
};

class CrossbarKind final : public Kind {
public:
    std::string_view name() const override { return "crossbar"; }
    std::string_view section() const override { return "crossbar"; }
    std::string_view summary() const override {
        return "Wine network on passive MTJ crossbars, write-verify, g_norm (seed 003)";
    }
    std::string help() const override { return crossbar_study_reference(); }
    std::unique_ptr<Study> parse(ParseInput& in) const override {
        return std::make_unique<CrossbarStudy>(
            in.header,
            read_crossbar_study(in.section, std::filesystem::absolute(in.header.file).parent_path(),
                                in.environment.models_root));
    }
};

} // namespace

const CrossbarStudySpec& crossbar_of(const Study& study) {
    const auto* s = dynamic_cast<const CrossbarStudy*>(&study);
    if (!s)
        throw InputError("not a crossbar study (kind " + std::string(study.kind().name()) + ")",
                         study.header().section);
    return s->spec();
}

const Kind& crossbar_kind() {
    static const CrossbarKind kind;
    return kind;
}

} // namespace spincim::studies
