#pragma once
// Energy per operation from supply waveforms, split by component: the breakdown of seed 001
// (Pham et al., "STT-BNN", IEEE JETCAS 12(2), 2022) Eq. (10),
//   E_accumulation = E_WL + E_BL + E_pre + E_SA,
// evaluated as in its Fig. 11 by integrating v·i of the supplies that feed each component.

#include <string>
#include <vector>

#include "spincim/analysis/measure.hpp"

namespace spincim::analysis {

// One supply's contribution: the energy the voltage source with voltage `v` and ngspice branch
// current `i_branch` delivers over [t0, t1] (source_energy), booked to `component`.
struct SupplyEnergy {
    std::string component;
    Trace v;
    Trace i_branch;
    double t0 = -1e300;
    double t1 = 1e300;
    // Multiplies the integrated energy: 1/M for a circuit shared by M rows of an array.
    double scale = 1.0;
};

struct EnergyShare {
    std::string component;
    double energy_j = 0.0;
};

class EnergyBreakdown {
public:
    // Adds `energy_j` to `component` (created on first use; components keep first-use order).
    // InputError for an empty name or a non-finite energy.
    void add(const std::string& component, double energy_j);
    [[nodiscard]] const std::vector<EnergyShare>& components() const { return parts_; }
    [[nodiscard]] double total() const;
    // Energy of `component`; InputError if it is unknown.
    [[nodiscard]] double energy(const std::string& component) const;
    // energy(component) / total(); InputError if the total is not positive.
    [[nodiscard]] double share(const std::string& component) const;
    // The component with the largest energy; InputError when empty.
    [[nodiscard]] const std::string& largest() const;
    // A plain-text table: component, energy in fJ, share in %, and the total.
    [[nodiscard]] std::string table() const;

private:
    std::vector<EnergyShare> parts_;
};

// Integrates every supply term (seed 001 Eq. (10)) and sums the terms per component.
[[nodiscard]] EnergyBreakdown energy_breakdown(const std::vector<SupplyEnergy>& supplies);

} // namespace spincim::analysis
