#include "spincim/models/cmos.hpp"

#include <cmath>

#include "spincim/core/error.hpp"
#include "spincim/models/mtj.hpp"
#include "spincim/units/units.hpp"

namespace spincim::models {

CmosCard cmos65() {
    return CmosCard{"cmos65", models_dir() + "/cmos65.lib", "nmos65", "pmos65", 65e-9, 135e-9, 1.1};
}

CmosCard cmos45() {
    return CmosCard{"cmos45", models_dir() + "/cmos45.lib", "nmos45", "pmos45", 45e-9, 90e-9, 1.0};
}

CmosCard cmos_card(std::string_view name) {
    if (name == "cmos65") {
        return cmos65();
    }
    if (name == "cmos45") {
        return cmos45();
    }
    throw InputError("unknown CMOS model card '" + std::string(name) + "' (known: cmos65, cmos45)");
}

std::string mos_instance_params(double w, double l, double delvto) {
    if (!(w > 0) || !std::isfinite(w) || !(l > 0) || !std::isfinite(l)) {
        throw InputError("MOSFET width and length must be positive, got w=" + units::to_eng(w) +
                         " l=" + units::to_eng(l));
    }
    if (!std::isfinite(delvto)) {
        throw InputError("MOSFET delvto must be finite");
    }
    return "w=" + units::to_spice(w) + " l=" + units::to_spice(l) +
           " delvto=" + units::to_spice(delvto);
}

} // namespace spincim::models
