#pragma once
// Process variation for Monte Carlo: seed 001 (Pham et al., "STT-BNN", IEEE JETCAS 12(2), 2022),
// Sec. IV: "Monte Carlo simulations were run under global and local variations in both
// transistors and MTJs".
//
// MTJ parameters (instances of the subcircuit mtj_stt, models/mtj_stt.sub): area, tox, tfl and
// tmr0 get a Gaussian relative variation
//   p = p_nominal * (1 + sigma_global * z_global + sigma_local * z_device),   z ~ N(0, 1),
// where z_global is drawn once per sample for all devices (die-to-die) and z_device per device
// and parameter (within-die). The total relative sigmas sqrt(global^2 + local^2) default to seed
// 000 (Moposita et al., DMTJ vs SMTJ eNVM) Sec. III: 5 % area, 1 % oxide thickness, 1 % free-layer
// thickness, 3 % TMR. Seed 000 gives totals only; the split is ours (variance fractions):
//   area  : 16 % global, 84 % local (2 % / 4.58 %). The junction area is set by the pillar etch,
//           whose edge roughness and local CD error are independent from pillar to pillar, so most
//           of its variance is local.
//   tox   : 64 % global, 36 % local (0.8 % / 0.6 %). MgO and free-layer thicknesses come from
//   tfl     sputtered films whose thickness varies smoothly across the wafer, so within one die
//           (one array) most of their spread is common.
//   tmr0  : 44 % global, 56 % local (2 % / 2.24 %). TMR depends on the film stack and anneal
//           (global) and on the crystalline quality of each barrier (local): an even split.
// Note: with the mtj_stt resistance law (Eq. (1) of the .sub file) a 1 % t_ox spread alone gives
// ~8.5 % in R_P (d ln R / d t_ox = 1/t_ox + 1.025 sqrt(phi_b) / Angstrom); seed 001 Table I
// quotes 6.9 % for the total MTJ resistance variability.
//
// MOSFET threshold voltage: every MOSFET gets the BSIM4 instance parameter delvto (V),
//   delvto = sigma_global(type) * z_global(type) + A_VT / sqrt(W L m) * z_device
// The local part is Pelgrom's area law (M. J. M. Pelgrom, A. C. J. Duinmaijer, A. P. G. Welbers,
// "Matching properties of MOS transistors", IEEE JSSC 24(5), 1433 (1989), Eq. (9): sigma(dVT) =
// A_VT / sqrt(WL) for a PAIR; one device has A_VT / sqrt(2 W L)); we take A_VT as the
// single-device coefficient, i.e. sigma_Vth = A_VT / sqrt(W L), as the issue states, with W L the
// drawn gate area and m parallel fingers adding area (m W L). A_VT default: 3.5 mV um. Pelgrom,
// Tuinhout, Vertregt ("Transistor matching in analog CMOS applications", IEDM 1998) observe A_VT
// of about 1 mV um per nm of gate oxide; pocket (halo) implanted 65 nm bulk devices, with
// t_ox,el ~ 1.85-2 nm (models/cmos65.lib: toxe), sit above that line at a few mV um (K. J. Kuhn
// et al., "Process technology variation", IEEE TED 58(8), 2197 (2011), review of A_VT by node).
// This is an assumption of spincim, not a number of seed 001. The global parts (die-to-die,
// one draw per device type per sample) default to 15 mV, also an assumption.
//
// Randomness: every draw comes from RandomStream(seed, sample_key, name) with a fixed name per
// quantity ("global.mtj.area", "mtj.<instance>.area", "global.mos.nmos", "mos.<device>"), so a
// value does not depend on which other devices exist or in which order they are visited.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spincim/netlist/netlist.hpp"

namespace spincim::montecarlo {

// Relative (dimensionless) standard deviations, e.g. 0.05 = 5 %.
struct ParamSigma {
    double global = 0.0;
    double local = 0.0;
    // sqrt(global^2 + local^2)
    [[nodiscard]] double total() const;
};

struct VariationSpec {
    bool enabled = true;
    ParamSigma area{0.02, 0.0458}; // seed 000: 5 % total
    ParamSigma tox{0.008, 0.006};  // seed 000: 1 % total
    ParamSigma tfl{0.008, 0.006};  // seed 000: 1 % total
    ParamSigma tmr0{0.02, 0.0224}; // seed 000: 3 % total
    double avt_v_m = 3.5e-9;       // Pelgrom A_VT, V m (3.5 mV um)
    double global_vth_n_v = 0.015; // die-to-die sigma of NMOS Vth, V
    double global_vth_p_v = 0.015; // die-to-die sigma of PMOS Vth, V
    // Antithetic draw: every local (within-die) deviation z_device is used as -z_device, the
    // global ones unchanged. A draw and its antithetic twin average out every effect that is
    // linear in the local deviations (variance reduction for estimating mean shifts).
    bool antithetic = false;
};

// The die-to-die part of a spec (every local sigma and A_VT zero) and the within-die part (every
// global sigma zero). Drawn with the same (seed, sample key), global_part gives each device the
// global component of its full-spec value exactly (the streams are keyed by quantity name).
[[nodiscard]] VariationSpec global_part(const VariationSpec& spec);
[[nodiscard]] VariationSpec local_part(const VariationSpec& spec);

// Validates the spec: every sigma finite and in [0, 0.1] (relative) or [0, 0.2 V] (global Vth),
// A_VT in [0, 50 mV um]. InputError naming the field, e.g. `variation: tox.local must be ...`.
void check_variation_spec(const VariationSpec& spec);

// The stream `sample` of the Monte Carlo point (k, index): k in the upper 24 bits, index in the
// lower 40, so distinct points never share a stream. InputError if k >= 2^24 or index >= 2^40.
[[nodiscard]] std::uint64_t sample_key(std::size_t k, std::uint64_t index);

// Relative factor 1 + sigma.global * z_g + sigma.local * z_l of one MTJ parameter `param` of
// instance `instance` (z_g from "global.mtj.<param>", z_l from "mtj.<instance>.<param>"). The
// factor is kept >= 0.1 (reached only beyond 9 sigma with the limits of check_variation_spec).
[[nodiscard]] double mtj_factor(const ParamSigma& sigma, std::string_view param,
                                std::string_view instance, std::uint64_t seed,
                                std::uint64_t sample_key);

// Pelgrom local sigma, V: A_VT / sqrt(W L m).
[[nodiscard]] double pelgrom_sigma(double avt_v_m, double w, double l, double m = 1.0);

// Threshold shift of one MOSFET (lower-case element name, e.g. "sa_st"), V.
[[nodiscard]] double mos_delvto(const VariationSpec& spec, bool pmos, double w, double l, double m,
                                std::string_view device, std::uint64_t seed,
                                std::uint64_t sample_key);

// One MOSFET's threshold shift: the element name as written in the netlist (`Msa_st`, what
// Session::alter takes) and delvto, V.
struct MosShift {
    std::string device;
    double delvto = 0.0;
};

// A top-level MOSFET: element name as written in the netlist (`Msa_st`), its name without the
// letter (`sa_st`, the key of its random stream), type and drawn geometry (m, multiplicity m).
struct MosDevice {
    std::string device;
    std::string name;
    bool pmos = false;
    double w = 0.0;
    double l = 0.0;
    double m = 1.0;
};

// Every top-level MOSFET of `net`. The type comes from the netlist's own .model cards or the
// spincim CMOS cards (models::cmos65/cmos45); anything else, or a geometry that is not a number,
// is an InputError naming the device.
[[nodiscard]] std::vector<MosDevice> mos_devices(const netlist::Netlist& net);

// The delvto of every top-level MOSFET of `net` (all zero when !spec.enabled). Whether a model is
// NMOS or PMOS comes from the netlist's own .model cards or the spincim CMOS cards
// (models::cmos65/cmos45); anything else is an InputError naming the device and its model.
[[nodiscard]] std::vector<MosShift> mos_shifts(const netlist::Netlist& net,
                                               const VariationSpec& spec, std::uint64_t seed,
                                               std::uint64_t sample_key);

// Applies the variation to a built netlist, for any generator: every top-level MOSFET gets
// delvto (added to a numeric delvto it already has), every top-level instance of mtj_stt gets
// varied area/tox/tfl/tmr0 (nominal: the instance's numeric value, else the model default of
// models::MtjParams). MOSFETs inside subcircuit definitions are shared by all instances and are
// left alone. No-op when !spec.enabled. Throws InputError for a bad spec or a non-numeric
// parameter.
void apply_variation(netlist::Netlist& net, const VariationSpec& spec, std::uint64_t seed,
                     std::uint64_t sample_key);

} // namespace spincim::montecarlo
