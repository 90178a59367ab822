#include "spincim/montecarlo/variation.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <variant>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/models/cmos.hpp"
#include "spincim/models/mtj.hpp"
#include "spincim/netlist/identifier.hpp"
#include "spincim/units/units.hpp"

namespace spincim::montecarlo {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& what) {
    SourceLocation where;
    where.key = key;
    throw InputError("variation: " + key + " " + what, where);
}

void check_range(const std::string& key, double value, double lo, double hi) {
    if (!std::isfinite(value) || value < lo || value > hi) {
        bad(key, "must be in [" + units::to_eng(lo) + ", " + units::to_eng(hi) + "], got " +
                     units::to_eng(value));
    }
}

void check_sigma(const std::string& key, const ParamSigma& s) {
    check_range(key + ".global", s.global, 0.0, 0.1);
    check_range(key + ".local", s.local, 0.0, 0.1);
}

constexpr std::uint64_t kIndexBits = 40;
constexpr std::uint64_t kKBits = 24;

// NMOS or PMOS for a model name: the netlist's own .model cards first, then the CMOS cards
// spincim ships (their .model lines live in the included .lib files).
std::optional<bool> is_pmos(const netlist::Netlist& net, std::string_view model) {
    for (const auto& card : net.models()) {
        if (netlist::iequals(card.name, model)) {
            if (netlist::iequals(card.type, "pmos")) {
                return true;
            }
            if (netlist::iequals(card.type, "nmos")) {
                return false;
            }
        }
    }
    for (const auto& card : {models::cmos65(), models::cmos45()}) {
        if (netlist::iequals(card.pmos_model, model)) {
            return true;
        }
        if (netlist::iequals(card.nmos_model, model)) {
            return false;
        }
    }
    return std::nullopt;
}

double number_of(const netlist::Value& v, const std::string& what) {
    if (!v.is_number()) {
        bad(what, "must be a number for Monte Carlo variation, got " + v.str());
    }
    return v.number();
}

// Nominal value of an mtj_stt parameter absent from an instance line: the model default.
double mtj_default(std::string_view param) {
    for (const auto& [name, value] : models::mtj_param_list(models::MtjParams{})) {
        if (name == param) {
            return value;
        }
    }
    throw Error("mtj_stt has no parameter '" + std::string(param) + "'");
}

} // namespace

double ParamSigma::total() const {
    return std::hypot(global, local);
}

VariationSpec global_part(const VariationSpec& spec) {
    VariationSpec g = spec;
    for (ParamSigma* p : {&g.area, &g.tox, &g.tfl, &g.tmr0}) {
        p->local = 0.0;
    }
    g.avt_v_m = 0.0;
    return g;
}

VariationSpec local_part(const VariationSpec& spec) {
    VariationSpec l = spec;
    for (ParamSigma* p : {&l.area, &l.tox, &l.tfl, &l.tmr0}) {
        p->global = 0.0;
    }
    l.global_vth_n_v = 0.0;
    l.global_vth_p_v = 0.0;
    return l;
}

void check_variation_spec(const VariationSpec& spec) {
    check_sigma("area", spec.area);
    check_sigma("tox", spec.tox);
    check_sigma("tfl", spec.tfl);
    check_sigma("tmr0", spec.tmr0);
    check_range("avt_v_m", spec.avt_v_m, 0.0, 50e-9);
    check_range("global_vth_n_v", spec.global_vth_n_v, 0.0, 0.2);
    check_range("global_vth_p_v", spec.global_vth_p_v, 0.0, 0.2);
}

std::uint64_t sample_key(std::size_t k, std::uint64_t index) {
    if (k >= (std::uint64_t{1} << kKBits)) {
        bad("k", "must be below 2^24, got " + std::to_string(k));
    }
    if (index >= (std::uint64_t{1} << kIndexBits)) {
        bad("index", "must be below 2^40, got " + std::to_string(index));
    }
    return (static_cast<std::uint64_t>(k) << kIndexBits) | index;
}

double mtj_factor(const ParamSigma& sigma, std::string_view param, std::string_view instance,
                  std::uint64_t seed, std::uint64_t key) {
    const std::string p(param);
    RandomStream global(seed, key, "global.mtj." + p);
    RandomStream local(seed, key, "mtj." + netlist::to_lower(instance) + "." + p);
    const double f = 1.0 + sigma.global * global.normal() + sigma.local * local.normal();
    return std::max(f, 0.1);
}

double pelgrom_sigma(double avt_v_m, double w, double l, double m) {
    if (!(w > 0.0) || !(l > 0.0) || !(m > 0.0)) {
        bad("mosfet", "geometry must be positive to compute the Pelgrom sigma");
    }
    return avt_v_m / std::sqrt(w * l * m);
}

double mos_delvto(const VariationSpec& spec, bool pmos, double w, double l, double m,
                  std::string_view device, std::uint64_t seed, std::uint64_t key) {
    RandomStream global(seed, key, pmos ? "global.mos.pmos" : "global.mos.nmos");
    RandomStream local(seed, key, "mos." + netlist::to_lower(device));
    const double sigma_g = pmos ? spec.global_vth_p_v : spec.global_vth_n_v;
    const double sign = spec.antithetic ? -1.0 : 1.0;
    return sigma_g * global.normal() + sign * pelgrom_sigma(spec.avt_v_m, w, l, m) * local.normal();
}

std::vector<MosDevice> mos_devices(const netlist::Netlist& net) {
    std::vector<MosDevice> out;
    for (const auto& element : net.elements()) {
        const auto* m = std::get_if<netlist::Mosfet>(&element);
        if (m == nullptr) {
            continue;
        }
        const auto pmos = is_pmos(net, m->model);
        if (!pmos) {
            bad("mosfet", "device '" + netlist::spice_name(element) + "': model '" + m->model +
                              "' is neither a .model card of the netlist nor a spincim CMOS "
                              "card, so its type (nmos/pmos) is unknown");
        }
        const std::string field = "device '" + netlist::spice_name(element) + "'";
        out.push_back({.device = netlist::spice_name(element),
                       .name = m->name,
                       .pmos = *pmos,
                       .w = number_of(m->width, field + " width"),
                       .l = number_of(m->length, field + " length"),
                       .m = m->multiplier ? number_of(*m->multiplier, field + " m") : 1.0});
    }
    return out;
}

std::vector<MosShift> mos_shifts(const netlist::Netlist& net, const VariationSpec& spec,
                                 std::uint64_t seed, std::uint64_t key) {
    check_variation_spec(spec);
    std::vector<MosShift> out;
    if (!spec.enabled) {
        for (const auto& element : net.elements()) {
            if (std::holds_alternative<netlist::Mosfet>(element)) {
                out.push_back({netlist::spice_name(element), 0.0});
            }
        }
        return out;
    }
    for (const auto& d : mos_devices(net)) {
        out.push_back({d.device, mos_delvto(spec, d.pmos, d.w, d.l, d.m, d.name, seed, key)});
    }
    return out;
}

void apply_variation(netlist::Netlist& net, const VariationSpec& spec, std::uint64_t seed,
                     std::uint64_t key) {
    check_variation_spec(spec);
    if (!spec.enabled) {
        return;
    }
    const auto shifts = mos_shifts(net, spec, seed, key);
    std::size_t next_shift = 0;
    const std::string mtj(models::mtj_subckt_name());
    const std::size_t count = net.elements().size();
    for (std::size_t i = 0; i < count; ++i) {
        const netlist::Element& element = net.elements()[i];
        if (const auto* m = std::get_if<netlist::Mosfet>(&element)) {
            netlist::Mosfet varied = *m;
            const double shift = shifts[next_shift++].delvto;
            auto it = std::find_if(varied.extra.begin(), varied.extra.end(), [](const auto& p) {
                return netlist::iequals(p.name, "delvto");
            });
            if (it == varied.extra.end()) {
                varied.extra.push_back({"delvto", shift});
            } else {
                it->value =
                    number_of(it->value, "device '" + netlist::spice_name(element) + "' delvto") +
                    shift;
            }
            net.replace(i, std::move(varied));
        } else if (const auto* x = std::get_if<netlist::SubcktInstance>(&element);
                   x != nullptr && netlist::iequals(x->subckt, mtj)) {
            netlist::SubcktInstance varied = *x;
            const std::pair<const char*, const ParamSigma*> params[] = {
                {"area", &spec.area}, {"tox", &spec.tox}, {"tfl", &spec.tfl}, {"tmr0", &spec.tmr0}};
            for (const auto& [name, sigma] : params) {
                ParamSigma drawn = *sigma;
                if (spec.antithetic) {
                    drawn.local = -drawn.local;
                }
                const double f = mtj_factor(drawn, name, x->name, seed, key);
                auto it =
                    std::find_if(varied.params.begin(), varied.params.end(),
                                 [&](const auto& p) { return netlist::iequals(p.name, name); });
                if (it == varied.params.end()) {
                    varied.params.push_back({name, mtj_default(name) * f});
                } else {
                    it->value = number_of(it->value, "instance '" + netlist::spice_name(element) +
                                                         "' " + name) *
                                f;
                }
            }
            net.replace(i, std::move(varied));
        }
    }
}

} // namespace spincim::montecarlo
