#include "spincim/studies/crossbar/spec.hpp"

#include <array>
#include <cmath>
#include <string_view>

#include "spincim/studies/study.hpp"
#include "spincim/units/units.hpp"

namespace spincim::studies {

using config::Map;
using config::Value;

namespace {

// g_norm grid: a list of positive increasing values, or {start, stop, step}.
std::vector<double> read_grid(const Value& v) {
    std::vector<double> g;
    if (v.is_sequence()) {
        for (const Value& item : v.items())
            g.push_back(item.positive());
    } else {
        Map m = v.map();
        const Value start_v = m.required("start");
        const double start = start_v.positive();
        const Value stop_v = m.required("stop");
        const double stop = stop_v.positive();
        const Value step_v = m.required("step");
        const double step = step_v.positive();
        m.finish();
        if (!(stop >= start))
            stop_v.fail("'stop' must not be below 'start'");
        const double count = std::floor((stop - start) / step + 1e-9) + 1;
        if (count > 10000)
            step_v.fail("the grid would have more than 10000 points");
        for (int k = 0; k < static_cast<int>(count); ++k)
            g.push_back(start + step * k);
    }
    if (g.empty())
        v.fail("give at least one g_norm value");
    for (std::size_t k = 1; k < g.size(); ++k)
        if (!(g[k] > g[k - 1]))
            v.fail("g_norm values must increase");
    return g;
}

} // namespace

CrossbarStudySpec read_crossbar_study(const Value& v, const std::filesystem::path& study_dir,
                                      const std::filesystem::path& models_root) {
    Map m = v.map();
    CrossbarStudySpec s;
    if (auto f = m.optional("dataset")) {
        s.dataset_csv = existing_file(*f, study_dir);
    } else {
        s.dataset_csv = (models_root.parent_path() / "netlists" / "data" / "wine.csv").string();
        if (!std::filesystem::is_regular_file(s.dataset_csv))
            v.fail("the built-in wine data set is not at " + s.dataset_csv + "; give dataset");
    }
    s.n_test = static_cast<std::size_t>(m.integer_or("n_test", 30, 1, 100000));
    s.solutions = static_cast<std::size_t>(m.integer_or("solutions", 300, 1, 100000));
    if (auto t = m.optional("training")) {
        Map tm = t->map();
        auto& o = s.train;
        o.hidden = static_cast<int>(tm.integer_or("hidden", o.hidden, 1, 64));
        o.epochs = static_cast<int>(tm.integer_or("epochs", o.epochs, 1, 100000));
        o.batch_size = static_cast<int>(tm.integer_or("batch_size", o.batch_size, 1, 100000));
        o.learning_rate = tm.positive_or("learning_rate", o.learning_rate);
        if (auto th = tm.optional("threshold"))
            o.threshold = th->number_in(0.0, 0.99);
        o.init_sigma = tm.positive_or("init_sigma", o.init_sigma);
        tm.finish();
    }
    if (auto r = m.optional("v_read"))
        s.v_read = r->number_in(1e-3, 1.0);
    if (m.has("g_norm") && m.has("g_norm_relative"))
        m.required("g_norm_relative").fail("give either g_norm or g_norm_relative, not both");
    if (auto g = m.optional("g_norm")) {
        s.g_norm = read_grid(*g);
        s.g_norm_relative = false;
    } else if (auto gr = m.optional("g_norm_relative")) {
        s.g_norm = read_grid(*gr);
    } else {
        // 0.1 ... 2 x (g_on - g_off): seed 003 Fig. 5(a,b) spans 1-12 uS around g_on - g_off = 7
        // uS.
        for (int k = 0; k <= 76; ++k)
            s.g_norm.push_back(0.1 + 0.025 * k);
        v.context()->resolved["crossbar"]["g_norm_relative"] = s.g_norm;
    }
    if (auto d = m.optional("diameters")) {
        s.diameters.clear();
        for (const Value& item : d->items()) {
            const double dia = item.positive();
            try {
                (void)circuits::crossbar_device_preset(dia);
            } catch (const InputError& e) {
                item.fail(e.detail());
            }
            s.diameters.push_back(dia);
        }
        if (s.diameters.empty())
            d->fail("give at least one diameter");
    } else {
        v.context()->resolved["crossbar"]["diameters"] = s.diameters;
    }
    s.array.states.clear();
    if (auto a = m.optional("array")) {
        Map am = a->map();
        s.array.rows = static_cast<std::size_t>(am.integer_or("rows", 15, 1, 1024));
        s.array.cols = static_cast<std::size_t>(am.integer_or("cols", 15, 1, 1024));
        constexpr std::array<std::string_view, 2> models{"mtj", "linear"};
        s.array.model = am.choice_or("model", models, "mtj") == "mtj"
                            ? circuits::CrossbarDeviceModel::mtj
                            : circuits::CrossbarDeviceModel::linear;
        const auto ohm = [&am](std::string_view key, double fallback) {
            if (auto x = am.optional(key))
                return x->non_negative();
            return fallback;
        };
        s.array.r_row_segment = ohm("r_row_segment", s.array.r_row_segment);
        s.array.r_col_segment = ohm("r_col_segment", s.array.r_col_segment);
        s.array.r_row_contact = ohm("r_row_contact", s.array.r_row_contact);
        s.array.r_col_contact = ohm("r_col_contact", s.array.r_col_contact);
        s.v_h = am.positive_or("v_h", s.v_h);
        am.finish();
    }
    if (auto var = m.optional("variation")) {
        Map vm = var->map();
        if (auto x = vm.optional("g_off_rel_sigma"))
            s.array.variation.g_off_rel_sigma = x->number_in(0.0, 0.3);
        if (auto x = vm.optional("tmr_rel_sigma"))
            s.array.variation.tmr_rel_sigma = x->number_in(0.0, 0.3);
        vm.finish();
    }
    s.ideal = m.boolean_or("ideal", s.ideal);
    if (auto sp = m.optional("superposition")) {
        Map sm = sp->map();
        s.superposition_vectors =
            static_cast<std::size_t>(sm.integer_or("vectors", 100, 0, 100000));
        if (auto vs = sm.optional("voltages")) {
            s.superposition_voltages.clear();
            for (const Value& item : vs->items())
                s.superposition_voltages.push_back(item.number_in(1e-3, 2.0));
        }
        sm.finish();
    }
    s.threads = static_cast<int>(m.integer_or("threads", 0, 0, 1024));
    if (auto wv = m.optional("write_verify")) {
        Map wm = wv->map();
        auto& w = s.write_verify;
        w.enabled = wm.boolean_or("enabled", true);
        w.rows = static_cast<std::size_t>(wm.integer_or("rows", 5, 1, 1024));
        w.cols = static_cast<std::size_t>(wm.integer_or("cols", 5, 1, 1024));
        w.v_start = wm.positive_or("v_start", w.v_start);
        w.v_step = wm.positive_or("v_step", w.v_step);
        w.v_cap = wm.positive_or("v_cap", w.v_cap);
        w.pulse_width = wm.positive_or("pulse_width", w.pulse_width);
        w.time_step = wm.positive_or("time_step", w.time_step);
        if (auto r = wm.optional("ratio_min"))
            w.ratio_min = r->number_in(1.01, 100.0);
        static constexpr std::string_view engines[] = {"native", "spice"};
        w.native = wm.choice_or("engine", engines, "native") == "native";
        wm.finish();
        if (w.v_cap < w.v_start)
            wv->fail("v_cap must not be below v_start");
        if (w.time_step > w.pulse_width)
            wv->fail("time_step must not exceed pulse_width");
    }
    m.finish();
    if (s.write_verify.rows > s.array.rows || s.write_verify.cols > s.array.cols)
        v.fail("write_verify rows/cols must fit in the array");
    if (s.array.rows * s.array.cols == 0)
        v.fail("the array needs at least one row and one column");
    return s;
}

std::string crossbar_study_reference() {
    return R"(  crossbar:                    Wine network on passive MTJ crossbars (seed 003), instead of circuit:
    dataset                    wine CSV (default: the built-in netlists/data/wine.csv)
    n_test                     test samples, the rest trains (default 30: 148 / 30)
    solutions                  weight solutions from seeded initialisations (default 300)
    training                   {hidden 6, epochs 300, batch_size 16, learning_rate 0.01,
                                threshold 0.5, init_sigma 0.5}
    v_read                     read and inference voltage, V (default 0.2)
    g_norm                     list of values or {start, stop, step}, S; or instead
    g_norm_relative            the same in units of the device's g_on - g_off at v_read
                               (default {start 0.1, stop 2, step 0.025})
    diameters                  device presets, m (default [30n, 40n, 50n, 60n])
    array                      {rows 15, cols 15, model mtj|linear, r_row_segment 12, r_col_segment 12,
                                r_row_contact 0, r_col_contact 0, v_h 0.5}
    variation                  {g_off_rel_sigma 0, tmr_rel_sigma 0} relative sigmas (normal law)
    ideal                      also the ideal array: no variation, no line resistance (default true)
    superposition              {vectors 100, voltages [0.1 .. 0.5]} Appendix B check (vectors 0: off)
    threads                    worker threads, 0 = all cores
    write_verify               write-verify co-simulation on the rows x cols corner of each array:
                               {enabled true, rows 5, cols 5, v_start 1.2, v_step 0.1, v_cap 4,
                                pulse_width 1m, time_step 100u, ratio_min 1.5,
                                engine native|spice}: native = event-driven STT switching on
                               the native solver (fast), spice = one ngspice transient per pulse
)";
}

} // namespace spincim::studies
