#pragma once
// The `sense_mc` study kind (section `monte_carlo:`): row error rates of the STT-BNN sense path of
// seed 001 (Pham et al., "STT-BNN", IEEE JETCAS 12(2), 2022), Sections III.B and IV, Eqs. (7)-(9),
// swept over worker processes by `spincim sweep`.
//
// A study names the row's electrical parameters once (`row:`, `tbs:`, `booster:`), the process
// variation (`variation:`), the configurations to compare (`cases:` or a `grid:` of row width N,
// access width and boost) and the sampling plan (`plan:`): `adaptive` spends samples only on the
// popcounts k that contribute to the AER until its interval is narrow enough
// (analysis::next_round), `fixed` runs `samples` draws at every listed k.
//
// Sample identity: the sweep's point of (case c, popcount k) is c * kPointStride + k, its index
// the Monte Carlo draw; the evaluator keys every random stream by (study seed, k, index), so a
// sample's values do not depend on the worker that ran it, the order, or resumes.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "spincim/analysis/error_rate.hpp"
#include "spincim/circuits/booster.hpp"
#include "spincim/circuits/xnor_row.hpp"
#include "spincim/core/error.hpp"
#include "spincim/montecarlo/sense_mc.hpp"
#include "spincim/montecarlo/variation.hpp"
#include "spincim/studies/study.hpp"

namespace spincim::config {
class Value;
class Map;
} // namespace spincim::config

namespace spincim::studies {

// One configuration of the row and its periphery.
struct McCaseSpec {
    std::string label;
    std::size_t n = 128;       // row width N (bitcells)
    double access_width = 4.0; // access transistor width / w_min (seed 001: 4x, 6x)
    bool boost = false;        // 2nd-order SL booster (seed 001 Sec. IV.B)
    SourceLocation where;      // of the case in the study, for messages
};

enum class McPlanKind { adaptive, fixed };

struct McPlanSpec {
    McPlanKind kind = McPlanKind::adaptive;
    // adaptive: precision goal and budget per case; both kinds: the RER model (`model`, default
    // log_linear, see analysis/error_rate.hpp).
    analysis::PlanTarget target = [] {
        analysis::PlanTarget t;
        t.model = analysis::AerModel::log_linear;
        return t;
    }();
    std::vector<std::size_t> ks; // fixed: the popcounts (empty: every k = 0 ... N)
    std::size_t samples = 100;   // fixed: draws per k
};

// Optional overrides of the time-based sense amplifier's sizes (circuits::TbsSpec).
struct McTbsOverrides {
    std::optional<double> st_width, st_length, load_width, load_length, sharpen_width,
        sharpen_length, switch_width, switch_length;
    std::optional<int> st_multiplicity, load_multiplicity;
};

struct MonteCarloStudySpec {
    circuits::XnorRowSpec row; // electrical parameters (weights/inputs are drawn per sample)
    McTbsOverrides tbs;
    circuits::BoosterSpec booster; // used by the cases with boost
    // TBS overrides of the boosted cases (booster: tbs:), applied after `tbs`. The boosted input
    // (~1.9x V_SL) is a different operating point: M_ST must stay in weak inversion there for
    // the boost to widen the time margin (tests/periphery/study_sizing_spice_test.cpp), and
    // M_LOAD is sized again so that "the reference delay is equal to 10 ns" (seed 001 Sec. IV.A).
    McTbsOverrides boost_tbs;
    montecarlo::VariationSpec variation;
    std::vector<McCaseSpec> cases;
    McPlanSpec plan;
    double sample_timeout_s = 600.0; // a worker silent this long on one sample is replaced
    int max_attempts = 3;            // runs of a sample whose worker crashed or hung
};

// Sweep points: case c, popcount k -> c * kPointStride + k.
inline constexpr std::size_t kPointStride = 1u << 16;

// Reads the `monte_carlo:` section (InputError with file:line:column and key).
[[nodiscard]] MonteCarloStudySpec read_monte_carlo(const config::Value& v);

// The evaluator spec of case `c`: montecarlo::default_sense_mc_spec for its N and boost, with the
// study's row, sense amplifier, booster and variation settings.
[[nodiscard]] montecarlo::SenseMcSpec sense_mc_spec(const MonteCarloStudySpec& mc, std::size_t c,
                                                    std::uint64_t seed);

// The spec of a sense_mc study (InputError for a study of another kind).
[[nodiscard]] const MonteCarloStudySpec& monte_carlo_of(const Study& study);

// The `monte_carlo:` part of the study reference.
[[nodiscard]] std::string monte_carlo_reference();

} // namespace spincim::studies
