#include "spincim/analysis/energy.hpp"

#include <cmath>
#include <cstdio>

#include "spincim/core/error.hpp"

namespace spincim::analysis {

void EnergyBreakdown::add(const std::string& component, double energy_j) {
    if (component.empty()) {
        throw InputError("energy breakdown: the component name is empty");
    }
    if (!std::isfinite(energy_j)) {
        throw InputError("energy breakdown: the energy of '" + component + "' is not finite");
    }
    for (auto& p : parts_) {
        if (p.component == component) {
            p.energy_j += energy_j;
            return;
        }
    }
    parts_.push_back({component, energy_j});
}

double EnergyBreakdown::total() const {
    double sum = 0.0;
    for (const auto& p : parts_) {
        sum += p.energy_j;
    }
    return sum;
}

double EnergyBreakdown::energy(const std::string& component) const {
    for (const auto& p : parts_) {
        if (p.component == component) {
            return p.energy_j;
        }
    }
    throw InputError("energy breakdown: no component '" + component + "'");
}

double EnergyBreakdown::share(const std::string& component) const {
    const double t = total();
    if (!(t > 0.0)) {
        throw InputError(
            "energy breakdown: the total energy is not positive, shares are undefined");
    }
    return energy(component) / t;
}

const std::string& EnergyBreakdown::largest() const {
    if (parts_.empty()) {
        throw InputError("energy breakdown: no components");
    }
    const EnergyShare* best = &parts_.front();
    for (const auto& p : parts_) {
        if (p.energy_j > best->energy_j) {
            best = &p;
        }
    }
    return best->component;
}

std::string EnergyBreakdown::table() const {
    const double t = total();
    std::string out = "component      energy/fJ    share/%\n";
    char line[96];
    for (const auto& p : parts_) {
        const double pct = t > 0.0 ? 100.0 * p.energy_j / t : 0.0;
        std::snprintf(line, sizeof line, "%-12s %11.3f %10.2f\n", p.component.c_str(),
                      p.energy_j * 1e15, pct);
        out += line;
    }
    std::snprintf(line, sizeof line, "%-12s %11.3f %10.2f\n", "total", t * 1e15, 100.0);
    out += line;
    return out;
}

EnergyBreakdown energy_breakdown(const std::vector<SupplyEnergy>& supplies) {
    EnergyBreakdown out;
    for (const auto& s : supplies) {
        out.add(s.component, s.scale * source_energy(s.v, s.i_branch, s.t0, s.t1));
    }
    return out;
}

} // namespace spincim::analysis
