#pragma once
// Transistor model cards shipped in models/: BSIM4 (ngspice level 54) NMOS/PMOS for a 65 nm-class
// and a 45 nm-class bulk node. The files document the provenance of their values and the
// Vth / I_on / I_off ranges that tests/models/cmos_test.cpp checks.

#include <string>
#include <string_view>

namespace spincim::models {

struct CmosCard {
    std::string name;       // "cmos65" or "cmos45"
    std::string file;       // absolute path of the .lib file to .include
    std::string nmos_model; // model names defined in the file
    std::string pmos_model;
    double l_min; // minimum drawn channel length, m
    double w_min; // minimum drawn channel width, m
    double vdd;   // nominal supply, V
};

// 65 nm-class node (PTM 65 nm bulk values). Minimum W = 0.135 um from seed 001 Section II (access
// transistor 4x minimum = 0.54 um); minimum L = 65 nm, the PTM card's drawn length (seed 001's
// commercial kit used 60 nm; the PTM card's xl = -30 nm offset is calibrated for 65 nm).
[[nodiscard]] CmosCard cmos65();
// 45 nm-class node (PTM 45 nm metal-gate/high-k values).
[[nodiscard]] CmosCard cmos45();
// By name ("cmos65", "cmos45"); anything else is an InputError listing the known cards.
[[nodiscard]] CmosCard cmos_card(std::string_view name);

// Instance parameters of one MOSFET: `w=... l=... delvto=...` (delvto: threshold-voltage shift
// for Monte Carlo mismatch, V). Throws InputError for non-positive geometry or non-finite values.
[[nodiscard]] std::string mos_instance_params(double w, double l, double delvto = 0.0);

} // namespace spincim::models
