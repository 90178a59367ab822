// Acceptance 4 of issue 3: Id-Vg and Id-Vd sweeps of each CMOS card in ngspice; Vth, I_on and I_off
// must fall in the ranges documented next to the card (read from the card's comment block).

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "spincim/models/cmos.hpp"
#include "spincim/spice/session.hpp"
#include "spincim/units/units.hpp"

#include "cmos_ranges.hpp"

namespace m = spincim::models;
using spincim::units::to_spice;

namespace {

constexpr double width = 1e-6; // the documented ranges are per 1 um of width

// Drain-current magnitudes of one device (type "n" or "p") over a DC sweep.
struct Sweep {
    std::vector<double> x;
    std::vector<double> id;
};

Sweep run_sweep(spincim::spice::Session& s, const m::CmosCard& card, bool nmos, double vds,
                double vgs, const std::string& swept, double stop, double step) {
    const double sign = nmos ? 1.0 : -1.0;
    const std::string model = nmos ? card.nmos_model : card.pmos_model;
    const std::string net = "mos sweep\n.include " + card.file + "\nVd d 0 " +
                            to_spice(sign * vds) + "\nVg g 0 " + to_spice(sign * vgs) +
                            "\nM1 d g 0 0 " + model + " " +
                            m::mos_instance_params(width, card.l_min) + "\n.dc " + swept + " 0 " +
                            to_spice(sign * stop) + " " + to_spice(sign * step) + "\n.end\n";
    const auto r = s.simulate(net);
    REQUIRE(r.usable());
    Sweep out;
    out.x = s.vector(swept == "Vg" ? "v(g)" : "v(d)");
    const auto i = s.vector("vd#branch");
    REQUIRE(out.x.size() == i.size());
    for (const double v : i) {
        out.id.push_back(std::abs(v));
    }
    return out;
}

void check_card(const m::CmosCard& card) {
    spincim::spice::Session s;
    for (const bool nmos : {true, false}) {
        INFO(card.name << (nmos ? " NMOS" : " PMOS"));
        const auto band = spincim::test::documented_ranges(card.file, nmos ? "NMOS" : "PMOS");
        // Id-Vg at |Vds| = 50 mV: constant-current threshold I = 100 nA * W / L.
        const auto vg = run_sweep(s, card, nmos, 0.05, 0.0, "Vg", 0.8, 0.005);
        const double i_crit = 100e-9 * width / card.l_min;
        double vth = std::numeric_limits<double>::quiet_NaN();
        for (std::size_t k = 1; k < vg.id.size(); ++k) {
            if (vg.id[k - 1] < i_crit && vg.id[k] >= i_crit) {
                // Interpolate in log(I): subthreshold current is exponential in Vg.
                const double f = (std::log(i_crit) - std::log(vg.id[k - 1])) /
                                 (std::log(vg.id[k]) - std::log(vg.id[k - 1]));
                vth = vg.x[k - 1] + f * (vg.x[k] - vg.x[k - 1]);
                break;
            }
        }
        REQUIRE(std::isfinite(vth));
        // Id-Vd at |Vgs| = VDD (on) and 0 (off); I_on / I_off are read at |Vds| = VDD.
        const auto on = run_sweep(s, card, nmos, 0.0, card.vdd, "Vd", card.vdd, 0.05);
        const auto off = run_sweep(s, card, nmos, 0.0, 0.0, "Vd", card.vdd, 0.05);
        const double i_on = on.id.back() / width;
        const double i_off = off.id.back() / width;
        INFO("Vth = " << vth << " V, I_on = " << i_on << " A/m, I_off = " << i_off << " A/m");
        CHECK(band.vth.contains(vth));
        CHECK(band.ion.contains(i_on));
        CHECK(band.ioff.contains(i_off));
        // Id-Vd in saturation: the current grows monotonically with Vds.
        for (std::size_t k = 1; k < on.id.size(); ++k) {
            CHECK(on.id[k] >= on.id[k - 1]);
        }
    }
}

} // namespace

TEST_CASE("65 nm card: Vth, I_on, I_off within the documented ranges", "[cmos][spice]") {
    check_card(m::cmos65());
}

TEST_CASE("45 nm card: Vth, I_on, I_off within the documented ranges", "[cmos][spice]") {
    check_card(m::cmos45());
}

TEST_CASE("delvto shifts the threshold of a BSIM4 instance", "[cmos][spice]") {
    const auto card = m::cmos65();
    spincim::spice::Session s;
    auto vth_with = [&](double delvto) {
        const std::string net = "delvto\n.include " + card.file +
                                "\nVd d 0 0.05\nVg g 0 0\nM1 d g 0 0 " + card.nmos_model + " " +
                                m::mos_instance_params(width, card.l_min, delvto) +
                                "\n.dc Vg 0 0.8 0.002\n.end\n";
        REQUIRE(s.simulate(net).usable());
        const auto v = s.vector("v(g)");
        const auto i = s.vector("vd#branch");
        const double i_crit = 100e-9 * width / card.l_min;
        for (std::size_t k = 1; k < v.size(); ++k) {
            if (std::abs(i[k]) >= i_crit) {
                return v[k];
            }
        }
        return std::numeric_limits<double>::quiet_NaN();
    };
    // A +50 mV delvto moves the constant-current threshold by 50 mV (to the 2 mV sweep step).
    const double shift = vth_with(0.05) - vth_with(0.0);
    CHECK(std::abs(shift - 0.05) <= 0.004);
}
