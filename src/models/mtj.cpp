#include "spincim/models/mtj.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>

#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

namespace spincim::models {
namespace {

// CODATA 2018 constants, SI.
constexpr double q_e = 1.602176634e-19;
constexpr double hbar = 1.054571817e-34;
constexpr double k_b = 1.380649e-23;
constexpr double mu_0 = 1.25663706212e-6;
constexpr double gamma_e = 1.76085963023e11; // electron gyromagnetic ratio, rad/(s T)

// Twice the anisotropy energy barrier, mu0 Ms Hk V (J).
double two_eb(const MtjParams& p) {
    return mu_0 * p.ms * p.hk * p.area * p.t_fl;
}

// Slonczewski's tunnel-junction spin-torque efficiency g(theta) = eta / (2 (1 + eta^2 cos theta))
// (J. C. Slonczewski, PRB 71, 024411 (2005)); theta = 0 when leaving P, pi when leaving AP.
double torque_efficiency(const MtjParams& p, SwitchDirection dir) {
    const double cos_theta = dir == SwitchDirection::to_antiparallel ? 1.0 : -1.0;
    return p.eta / (2.0 * (1.0 + p.eta * p.eta * cos_theta));
}

} // namespace

MtjParams stt_bnn_table1() {
    // Defaults of MtjParams are the seed-001 preset; they are also the subcircuit defaults.
    return MtjParams{};
}

MtjParams dmtj_smtj_table1() {
    MtjParams p;
    const double radius = 14e-9; // Table I: d = 28 nm
    p.area = std::numbers::pi * radius * radius;
    p.t_ox = 0.85e-9; // Table I: SMTJ oxide thickness
    p.t_ox_ref = 0.85e-9;
    // RA is not in seed 000. 5 Ohm um^2 gives R_P = 8.1 kOhm, consistent with Table II's bitcell
    // R_ON = 9.5 kOhm once about 1.4 kOhm of access transistor is added (assumption).
    p.ra = 5e-12;
    p.tmr0 = 1.50;   // Table I: TMR(0) = 150 %
    p.t_fl = 1.2e-9; // Table I
    p.ms = 1.0e6;    // Table I
    p.alpha = 0.025; // Table I
    p.eta = 0.67;    // Table I
    p.hk = 535289.5; // assumption: Delta = 60 at 300 K with the Table I volume
    return p;
}

// Simmons/Brinkman low-bias form R ~ t_ox exp(1.025 t_ox[A] sqrt(phi[eV])) / A (Simmons, J. Appl.
// Phys. 34, 1793 (1963); Zhang et al., IEEE TED 59(3), 819 (2012), Eq. (12)), normalised so that
// R_P = ra / area at t_ox = t_ox_ref.
double parallel_resistance(const MtjParams& p) {
    const double dt_angstrom = (p.t_ox - p.t_ox_ref) * 1e10;
    return p.ra / p.area * (p.t_ox / p.t_ox_ref) *
           std::exp(1.025 * std::sqrt(p.phi_b) * dt_angstrom);
}

// Zhang et al. 2012, Eq. (11).
double tmr(const MtjParams& p, double v) {
    const double x = v / p.v_h;
    return p.tmr0 / (1.0 + x * x);
}

double resistance(const MtjParams& p, double v, MtjState state) {
    const double r_p = parallel_resistance(p);
    return state == MtjState::parallel ? r_p : r_p * (1.0 + tmr(p, v));
}

double current(const MtjParams& p, double v, MtjState state) {
    return v / resistance(p, v, state);
}

// Delta = E_b / (k_B T) with E_b = mu0 Ms Hk V / 2 for a perpendicular free layer
// (A. V. Khvalkovskiy et al., J. Phys. D 46, 074001 (2013), Eq. (3)).
double thermal_stability(const MtjParams& p) {
    return two_eb(p) / (2.0 * k_b * p.temperature);
}

// Ic0 = (2 e / hbar) alpha mu0 Ms Hk V / g (J. Z. Sun, PRB 62, 570 (2000), Eq. (6), with the
// direction-dependent efficiency g of Slonczewski 2005): P->AP needs the larger current.
double critical_current(const MtjParams& p, SwitchDirection dir) {
    return 2.0 * q_e / hbar * p.alpha * two_eb(p) / torque_efficiency(p, dir);
}

// Sun 2000, Eq. (9): the cone angle grows as exp(t / tau) with 1/tau = alpha gamma mu0 Hk
// (I/Ic0 - 1) / (1 + alpha^2).
double precession_time(const MtjParams& p) {
    return (1.0 + p.alpha * p.alpha) / (p.alpha * gamma_e * mu_0 * p.hk);
}

SwitchDirection direction_of(double i) {
    return i > 0 ? SwitchDirection::to_parallel : SwitchDirection::to_antiparallel;
}

double switching_time(const MtjParams& p, double i, SwitchDirection dir, double xsw) {
    if (xsw < 0 || !std::isfinite(xsw)) {
        throw InputError("MTJ switching-time variate xsw must be finite and >= 0, got " +
                         units::to_eng(xsw));
    }
    const double ratio = std::abs(i) / critical_current(p, dir);
    if (ratio == 0) {
        return std::numeric_limits<double>::infinity();
    }
    const double delta = thermal_stability(p);
    if (ratio > 1.0) {
        // Initial angle: Sun's mean thermal angle 1/sqrt(2 Delta), or a draw from the Boltzmann
        // distribution p(theta) ~ theta exp(-Delta theta^2), i.e. theta^2 = xsw / Delta; capped
        // below pi/2 (an initial angle past the equator has already switched).
        const double theta0 =
            xsw > 0 ? std::min(std::sqrt(xsw / delta), 1.5) : std::sqrt(1.0 / (2.0 * delta));
        return precession_time(p) * std::log(std::numbers::pi / (2.0 * theta0)) / (ratio - 1.0);
    }
    // Neel-Brown with the spin-torque-lowered barrier (Koch, Katine, Sun, PRL 92, 088302 (2004),
    // Eq. (1)); a Poisson process, so one realisation is the mean times an exponential variate.
    const double k_nb = xsw > 0 ? xsw : 1.0;
    return p.tau0 * k_nb * std::exp(delta * (1.0 - ratio));
}

double draw_xsw(RandomStream& rng) {
    return -std::log(rng.uniform_open0());
}

double draw_switching_time(const MtjParams& p, double i, SwitchDirection dir, RandomStream& rng) {
    return switching_time(p, i, dir, draw_xsw(rng));
}

double switching_probability(const MtjParams& p, double i, SwitchDirection dir, double t) {
    const double ratio = std::abs(i) / critical_current(p, dir);
    const double t_sw = switching_time(p, i, dir);
    if (ratio > 1.0) {
        return t >= t_sw ? 1.0 : 0.0;
    }
    return -std::expm1(-t / t_sw);
}

std::string models_dir() {
    if (const char* env = std::getenv("SPINCIM_MODELS_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return SPINCIM_MODELS_SOURCE_DIR;
}

std::string mtj_model_path() {
    return models_dir() + "/mtj_stt.sub";
}

std::vector<std::pair<std::string, double>> mtj_param_list(const MtjParams& p) {
    return {{"area", p.area},      {"tox", p.t_ox},  {"toxref", p.t_ox_ref}, {"ra", p.ra},
            {"phib", p.phi_b},     {"tmr0", p.tmr0}, {"vh", p.v_h},          {"tfl", p.t_fl},
            {"ms", p.ms},          {"hk", p.hk},     {"alpha", p.alpha},     {"eta", p.eta},
            {"tk", p.temperature}, {"tau0", p.tau0}, {"trelax", p.t_relax}};
}

std::string mtj_instance_params(const MtjParams& p, MtjState state0, bool dynamic, double xsw) {
    if (xsw < 0 || !std::isfinite(xsw)) {
        throw InputError("MTJ switching-time variate xsw must be finite and >= 0, got " +
                         units::to_eng(xsw));
    }
    std::string text = "state0=";
    text += state0 == MtjState::antiparallel ? "1" : "0";
    text += dynamic ? " dyn=1" : " dyn=0";
    text += " xsw=" + units::to_spice(xsw);
    for (const auto& [name, value] : mtj_param_list(p)) {
        if (!(value > 0) || !std::isfinite(value)) {
            throw InputError("MTJ parameter '" + name + "' must be a positive finite number, got " +
                             units::to_eng(value));
        }
        text += ' ';
        text += name;
        text += '=';
        text += units::to_spice(value);
    }
    return text;
}

} // namespace spincim::models
