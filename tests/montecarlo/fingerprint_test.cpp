// montecarlo::design_fingerprint: the part of a sweep's study hash that binds the circuit and the
// variation whatever set them (study file, built-in defaults, model files).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "spincim/models/mtj.hpp"
#include "spincim/montecarlo/sense_mc.hpp"

using namespace spincim;
using namespace spincim::montecarlo;
namespace fs = std::filesystem;

TEST_CASE("Design fingerprint changes with every setting that changes a sample", "[sense_mc]") {
    const SenseMcSpec base = default_sense_mc_spec(16, true);
    const std::string ref = design_fingerprint(base);
    CHECK(design_fingerprint(base) == ref);

    SenseMcSpec s = base;
    s.sense.tbs.load_multiplicity += 1; // a size the study may leave to the defaults
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.sense.booster->c_boost *= 1.01;
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.sense.booster.reset();
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.sense.row.access_width_factor = 6.0;
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.variation.avt_v_m *= 1.01;
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.variation.tmr0.local *= 1.01;
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.window_factor = 3.0;
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.reference = ReferenceMode::design_time;
    CHECK(design_fingerprint(s) != ref);
    s = base;
    s.n = 32;
    CHECK(design_fingerprint(s) != ref);
}

// The fingerprint holds the model files' names and contents, not their folder: a checkout that
// moved resumes its sweeps, a changed model card does not.
TEST_CASE("Design fingerprint follows model file contents, not their folder", "[sense_mc]") {
    const SenseMcSpec spec = default_sense_mc_spec(16, false);
    const std::string ref = design_fingerprint(spec);
    const fs::path copy =
        fs::temp_directory_path() / ("spincim_fingerprint_models_" + std::to_string(getpid()));
    const char* env = std::getenv("SPINCIM_MODELS_DIR");
    const std::string saved = env != nullptr ? env : "";
    fs::remove_all(copy);
    fs::copy(models::models_dir(), copy, fs::copy_options::recursive);
    REQUIRE(setenv("SPINCIM_MODELS_DIR", copy.c_str(), 1) == 0);
    CHECK(design_fingerprint(spec) == ref);
    {
        std::ofstream card(copy / "cmos65.lib", std::ios::app);
        card << "* edited\n";
    }
    CHECK(design_fingerprint(spec) != ref);
    REQUIRE((saved.empty() ? unsetenv("SPINCIM_MODELS_DIR")
                           : setenv("SPINCIM_MODELS_DIR", saved.c_str(), 1)) == 0);
    CHECK(design_fingerprint(spec) == ref);
    fs::remove_all(copy);
}
