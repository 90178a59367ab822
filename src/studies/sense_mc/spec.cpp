#include "spincim/studies/sense_mc/spec.hpp"

#include <array>
#include <set>
#include <string_view>

#include "spincim/config/reader.hpp"
#include "spincim/studies/xnor_row/xnor_row.hpp"

namespace spincim::studies {

using config::Map;
using config::Value;

namespace {

// Relative sigma of one MTJ parameter: `{global: 0.02, local: 0.04}`.
montecarlo::ParamSigma read_sigma(const Value& v, montecarlo::ParamSigma fallback) {
    Map m = v.map();
    montecarlo::ParamSigma s;
    s.global = m.has("global") ? m.required("global").non_negative() : fallback.global;
    s.local = m.has("local") ? m.required("local").non_negative() : fallback.local;
    m.finish();
    return s;
}

montecarlo::VariationSpec read_variation(const Value& v) {
    montecarlo::VariationSpec spec;
    if (v.is_scalar()) {
        constexpr std::array<std::string_view, 2> words{"none", "default"};
        spec.enabled = v.choice(words) == "default";
        return spec;
    }
    Map m = v.map();
    if (auto mtj = m.optional("mtj")) {
        Map mm = mtj->map();
        if (auto a = mm.optional("area"))
            spec.area = read_sigma(*a, spec.area);
        if (auto t = mm.optional("tox"))
            spec.tox = read_sigma(*t, spec.tox);
        if (auto t = mm.optional("tfl"))
            spec.tfl = read_sigma(*t, spec.tfl);
        if (auto t = mm.optional("tmr0"))
            spec.tmr0 = read_sigma(*t, spec.tmr0);
        mm.finish();
    }
    if (auto mos = m.optional("mos")) {
        Map mm = mos->map();
        if (auto a = mm.optional("avt"))
            spec.avt_v_m = a->non_negative();
        if (auto g = mm.optional("global_vth_n"))
            spec.global_vth_n_v = g->non_negative();
        if (auto g = mm.optional("global_vth_p"))
            spec.global_vth_p_v = g->non_negative();
        mm.finish();
    }
    m.finish();
    try {
        montecarlo::check_variation_spec(spec);
    } catch (const InputError& e) {
        throw e.at(v.where());
    }
    return spec;
}

McCaseSpec read_case(const Value& v, std::set<std::string>& labels) {
    Map m = v.map();
    McCaseSpec c;
    c.where = v.where();
    c.n = static_cast<std::size_t>(m.required("n").integer(2, 4096));
    c.access_width = m.positive_or("access_width", c.access_width);
    c.boost = m.boolean_or("boost", false);
    if (auto l = m.optional("label")) {
        c.label = l->identifier();
        if (!labels.insert(c.label).second)
            l->fail("case label '" + c.label + "' is used twice");
    }
    m.finish();
    return c;
}

// Label of a case without one: N128_w4 or N128_w4_boost.
std::string default_label(const McCaseSpec& c) {
    std::string w = std::to_string(c.access_width);
    w.erase(w.find_last_not_of('0') + 1);
    if (!w.empty() && w.back() == '.')
        w.pop_back();
    for (char& ch : w)
        if (ch == '.')
            ch = 'p';
    return "N" + std::to_string(c.n) + "_w" + w + (c.boost ? "_boost" : "");
}

std::vector<McCaseSpec> read_grid(const Value& v) {
    Map m = v.map();
    std::vector<std::size_t> ns;
    for (const auto& item : m.required("n").items())
        ns.push_back(static_cast<std::size_t>(item.integer(2, 4096)));
    std::vector<double> widths{4.0};
    if (auto w = m.optional("access_width")) {
        widths.clear();
        for (const auto& item : w->items())
            widths.push_back(item.positive());
    }
    std::vector<bool> boosts{false};
    if (auto b = m.optional("boost")) {
        boosts.clear();
        for (const auto& item : b->items())
            boosts.push_back(item.boolean());
    }
    m.finish();
    if (ns.empty() || widths.empty() || boosts.empty())
        v.fail("every grid axis needs at least one value");
    std::vector<McCaseSpec> cases;
    for (const std::size_t n : ns)
        for (const double w : widths)
            for (const bool b : boosts) {
                McCaseSpec c;
                c.n = n;
                c.access_width = w;
                c.boost = b;
                c.where = v.where();
                c.label = default_label(c);
                cases.push_back(c);
            }
    return cases;
}

McPlanSpec read_plan(const Value& v, const std::vector<McCaseSpec>& cases) {
    Map m = v.map();
    McPlanSpec p;
    constexpr std::array<std::string_view, 2> kinds{"adaptive", "fixed"};
    p.kind = m.choice_or("kind", kinds, "adaptive") == "adaptive" ? McPlanKind::adaptive
                                                                  : McPlanKind::fixed;
    constexpr std::array<std::string_view, 2> models{"log_linear", "per_k"};
    p.target.model = m.choice_or("model", models, "log_linear") == "log_linear"
                         ? analysis::AerModel::log_linear
                         : analysis::AerModel::per_k;
    if (p.kind == McPlanKind::adaptive) {
        auto& t = p.target;
        t.relative_half_width = m.has("target") ? m.required("target").number_in(1e-3, 1.0)
                                                : m.number_or("target", t.relative_half_width);
        t.confidence = m.has("confidence") ? m.required("confidence").number_in(0.5, 0.9999)
                                           : m.number_or("confidence", t.confidence);
        t.first_round = static_cast<std::size_t>(
            m.integer_or("first_round", static_cast<std::int64_t>(t.first_round), 4, 100000));
        t.first_span = static_cast<std::size_t>(
            m.integer_or("first_span", static_cast<std::int64_t>(t.first_span), 1, 4096));
        t.max_total = static_cast<std::size_t>(
            m.integer_or("max_samples", static_cast<std::int64_t>(t.max_total), 1, 100000000));
    } else {
        p.samples = static_cast<std::size_t>(m.required("samples").integer(1, 100000000));
        if (auto k = m.optional("k")) {
            for (const auto& item : k->items()) {
                const auto kk = static_cast<std::size_t>(item.integer(0, 4096));
                for (const auto& c : cases)
                    if (kk > c.n)
                        item.fail("popcount k = " + std::to_string(kk) +
                                  " exceeds the row width N = " + std::to_string(c.n) +
                                  " of case " + c.label);
                p.ks.push_back(kk);
            }
            if (p.ks.empty())
                k->fail("give at least one popcount k (or leave 'k' out for every k)");
        }
    }
    m.finish();
    return p;
}

McTbsOverrides read_tbs_overrides(const Value& v) {
    Map tm = v.map();
    McTbsOverrides o;
    const auto factor = [&](std::string_view key, std::optional<double>& out) {
        if (auto x = tm.optional(key))
            out = x->positive();
    };
    factor("st_width", o.st_width);
    factor("st_length", o.st_length);
    factor("load_width", o.load_width);
    factor("load_length", o.load_length);
    factor("sharpen_width", o.sharpen_width);
    factor("sharpen_length", o.sharpen_length);
    factor("switch_width", o.switch_width);
    factor("switch_length", o.switch_length);
    if (auto x = tm.optional("st_multiplicity"))
        o.st_multiplicity = static_cast<int>(x->integer(1, 1000));
    if (auto x = tm.optional("load_multiplicity"))
        o.load_multiplicity = static_cast<int>(x->integer(1, 1000));
    tm.finish();
    return o;
}

void apply_tbs_overrides(const McTbsOverrides& o, circuits::TbsSpec& t) {
    t.st_width_factor = o.st_width.value_or(t.st_width_factor);
    t.st_length_factor = o.st_length.value_or(t.st_length_factor);
    t.load_width_factor = o.load_width.value_or(t.load_width_factor);
    t.load_length_factor = o.load_length.value_or(t.load_length_factor);
    t.sharpen_width_factor = o.sharpen_width.value_or(t.sharpen_width_factor);
    t.sharpen_length_factor = o.sharpen_length.value_or(t.sharpen_length_factor);
    t.switch_width_factor = o.switch_width.value_or(t.switch_width_factor);
    t.switch_length_factor = o.switch_length.value_or(t.switch_length_factor);
    t.st_multiplicity = o.st_multiplicity.value_or(t.st_multiplicity);
    t.load_multiplicity = o.load_multiplicity.value_or(t.load_multiplicity);
}

} // namespace

MonteCarloStudySpec read_monte_carlo(const Value& v) {
    Map m = v.map();
    MonteCarloStudySpec mc;
    if (auto row = m.optional("row")) {
        Map rm = row->map();
        read_row_electrical(rm, mc.row);
        rm.finish();
    }
    if (auto tbs = m.optional("tbs"))
        mc.tbs = read_tbs_overrides(*tbs);
    if (auto b = m.optional("booster")) {
        Map bm = b->map();
        mc.booster.stages =
            static_cast<std::size_t>(bm.integer_or("stages", static_cast<std::int64_t>(2), 1, 8));
        mc.booster.c_boost = bm.positive_or("c_boost", mc.booster.c_boost);
        constexpr std::array<std::string_view, 2> switches{"transmission_gate", "ideal"};
        mc.booster.sw = bm.choice_or("switch", switches, "transmission_gate") == "ideal"
                            ? circuits::BoosterSwitch::ideal
                            : circuits::BoosterSwitch::transmission_gate;
        if (auto tbs = bm.optional("tbs"))
            mc.boost_tbs = read_tbs_overrides(*tbs);
        bm.finish();
    }
    if (auto var = m.optional("variation"))
        mc.variation = read_variation(*var);
    constexpr std::array<std::string_view, 2> case_keys{"cases", "grid"};
    const std::size_t which = m.one_of(case_keys);
    if (which == 0) {
        std::set<std::string> labels;
        const Value cases = m.required("cases");
        for (const auto& cv : cases.items())
            mc.cases.push_back(read_case(cv, labels));
        if (mc.cases.empty())
            cases.fail("give at least one case");
        for (auto& c : mc.cases)
            if (c.label.empty()) {
                c.label = default_label(c);
                if (!labels.insert(c.label).second)
                    throw InputError("two cases get the label '" + c.label + "': give labels",
                                     c.where);
            }
    } else {
        mc.cases = read_grid(m.required("grid"));
    }
    mc.plan = m.has("plan") ? read_plan(m.required("plan"), mc.cases) : McPlanSpec{};
    mc.sample_timeout_s = m.has("sample_timeout")
                              ? m.required("sample_timeout").number_in(1.0, 86400.0)
                              : m.number_or("sample_timeout", mc.sample_timeout_s);
    mc.max_attempts = static_cast<int>(m.integer_or("max_attempts", mc.max_attempts, 1, 100));
    m.finish();
    // Every case must make a valid evaluator spec (sizes, booster): found now, before a sweep.
    for (std::size_t c = 0; c < mc.cases.size(); ++c) {
        try {
            montecarlo::check_sense_mc_spec(sense_mc_spec(mc, c, 0));
        } catch (const InputError& e) {
            throw e.at(mc.cases[c].where);
        }
    }
    return mc;
}

montecarlo::SenseMcSpec sense_mc_spec(const MonteCarloStudySpec& mc, std::size_t c,
                                      std::uint64_t seed) {
    const McCaseSpec& cs = mc.cases.at(c);
    montecarlo::SenseMcSpec spec = montecarlo::default_sense_mc_spec(cs.n, cs.boost);
    const auto weights = spec.sense.row.weights;
    const auto inputs = spec.sense.row.inputs;
    spec.sense.row = mc.row;
    spec.sense.row.weights = weights;
    spec.sense.row.inputs = inputs;
    spec.sense.row.access_width_factor = cs.access_width;
    spec.sense.tbs.cmos = mc.row.cmos;
    apply_tbs_overrides(mc.tbs, spec.sense.tbs);
    if (cs.boost)
        apply_tbs_overrides(mc.boost_tbs, spec.sense.tbs);
    if (cs.boost) {
        circuits::BoosterSpec b = spec.sense.booster.value_or(mc.booster);
        b.stages = mc.booster.stages;
        b.c_boost = mc.booster.c_boost;
        b.sw = mc.booster.sw;
        b.cmos = mc.row.cmos;
        spec.sense.booster = b;
    } else {
        spec.sense.booster.reset();
    }
    spec.variation = mc.variation;
    spec.seed = seed;
    return spec;
}

std::string monte_carlo_reference() {
    return R"(  monte_carlo:                 STT-BNN row error rates (seed 001 Sec. IV, Eqs. (7)-(9)); run with
                               `spincim sweep` (instead of circuit/analysis/measure)
    row:                       v_bl (0.3), v_wl (0.7), access_length, driver_width, c_sl (50f),
                               driver (transmission_gate|ideal), cmos (cmos65|cmos45),
                               mtj (stt_bnn_table1|dmtj_smtj_table1)
    tbs:                       st_width, st_length, load_width, load_length, sharpen_width,
                               sharpen_length, switch_width, switch_length (multiples of the
                               minimum), st_multiplicity, load_multiplicity
    booster:                   stages (2), c_boost (200f), switch (transmission_gate|ideal),
                               tbs (overrides for the boosted cases, same keys as tbs)
    variation:                 none | default | {mtj: {area|tox|tfl|tmr0: {global, local}},
                               mos: {avt (V m), global_vth_n (V), global_vth_p (V)}}
                               relative sigmas; defaults from seed 000 (5/1/1/3 %)
    cases:                     list of {label, n, access_width (4), boost (false)}
    grid:                      or {n: [...], access_width: [...], boost: [false, true]}
    plan:                      kind: adaptive (default): target (0.1 relative half-width of the
                               AER interval), confidence (0.95), first_round (32), first_span (4),
                               max_samples (per case)
                               kind: fixed: samples (per k), k: [...] (default: every k)
                               model: log_linear (default; Eq. 7 on ln(T_SW/T_REF), mean linear
                               in k and one sigma, fitted to all k) | per_k (Eq. 7 on TM at
                               each k separately)
    sample_timeout:            seconds a worker may spend on one sample (600)
    max_attempts:              runs of a sample whose worker crashed or hung (3)
)";
}

} // namespace spincim::studies
