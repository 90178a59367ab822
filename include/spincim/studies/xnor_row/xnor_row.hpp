#pragma once
// The `xnor_row` study kind (seed 001 Sections II–III): V_SL against N1 for each row size, the
// least-squares line, the midpoint against 0.5·V_BL, the worst-case margin around the decision
// threshold, the read current against the read-disturb limit, and the single bitcell of Fig. 3.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spincim/analysis/fit.hpp"
#include "spincim/circuits/xnor_row.hpp"
#include "spincim/models/mtj.hpp"
#include "spincim/spice/session.hpp"
#include "spincim/studies/study.hpp"

namespace spincim::studies {

// V_SL against N1 for every N1 = 0..N of each row size, from `samples` random weight/input
// vectors per point, and the single bitcell of Fig. 3. Every point is an operating point of
// `circuits::xnor_row`.
struct XnorRowStudySpec {
    std::vector<std::size_t> sizes{16, 64};
    std::size_t samples = 1;
    bool single_bitcell = true;
    double read_current_limit = models::stt_bnn_read_current_limit;
    circuits::XnorRowSpec row; // electrical parameters; weights and inputs are drawn per point
};

// The row's electrical keys (v_bl, v_wl, access_width, access_length, driver_width, c_sl,
// driver, cmos, mtj), shared by the xnor_row and sense_mc study kinds.
void read_row_electrical(config::Map& m, circuits::XnorRowSpec& row);

// The netlist of one point: N = `n` cells with `n1` XNOR = +1 outputs, the weights and inputs
// drawn from (study seed, sample).
[[nodiscard]] netlist::Netlist xnor_point_netlist(const Header& header,
                                                  const XnorRowStudySpec& spec, std::size_t n,
                                                  std::size_t n1, std::uint64_t sample);

struct XnorPoint {
    std::size_t n = 0, n1 = 0, sample = 0;
    double v_sl = 0.0;       // V
    double max_i_mtj = 0.0;  // largest |I_MTJ| of the row, A
    std::string max_i_probe; // which MTJ carried it
};

struct XnorRowSummary {
    std::size_t n = 0;
    analysis::LineFit fit;
    double v_sl_mid = 0.0;      // mean V_SL at N1 = N/2 (N even) or the fit there (N odd)
    double mid_error_rel = 0.0; // (v_sl_mid − 0.5·V_BL) / (0.5·V_BL)
    // V_SL(N/2 + 1) − V_SL(N/2 − 1): the two accumulations the sense amplifier must tell apart
    // around the threshold (seed 001 Sec. III.B); from the fit for N < 2 it is not defined.
    std::optional<double> margin_worst;
    double max_i_mtj = 0.0;
    std::string max_i_probe;
};

struct XnorBitcell {
    double v_sl_plus = 0.0, v_sl_minus = 0.0;   // XNOR = +1 / −1, V
    double i_mtj_plus = 0.0, i_mtj_minus = 0.0; // A
};

struct XnorStudyResult {
    spice::RunResult failure; // the first failed run, if any (status ok otherwise)
    std::vector<XnorPoint> points;
    std::vector<XnorRowSummary> rows;
    std::optional<XnorBitcell> bitcell;
    std::vector<std::string> warnings; // read-current limit exceeded, ...
    [[nodiscard]] bool ok() const { return failure.usable(); }
};

[[nodiscard]] XnorStudyResult run_xnor_study(const Header& header, const XnorRowStudySpec& spec,
                                             spice::Session& session);

} // namespace spincim::studies
