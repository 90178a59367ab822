// The XNOR row study through the CLI (issue 3 point 4; seed 001 Secs. II–III).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using namespace spincim_test;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;

namespace {
std::string study(const std::string& extra) {
    return "study: row_check\nseed: 11\nxnor_row:\n  sizes: [4]\n  v_bl: 0.3\n  v_wl: 0.7\n" +
           extra;
}
} // namespace

TEST_CASE("xnor_row study: V_SL rises with N1 and the tables agree with each other") {
    const auto dir = scratch("xnor");
    write_file(dir / "row.yaml", study(""));
    const Outcome r = spincim("run row.yaml -o out", dir);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK(j["status"] == "ok");
    REQUIRE(j["rows"].size() == 1);
    const auto& row = j["rows"][0];
    CHECK(row["n"] == 4);
    // Eq. (5): V_SL grows with every cell whose V_BL-side MTJ is P, so the slope is positive and
    // the line explains nearly all of the variation.
    CHECK(double(row["slope_v_per_n1"]) > 0);
    CHECK(double(row["r_squared"]) > 0.99);
    // Points: N1 = 0..4, strictly increasing V_SL; the midpoint reported is the N1 = 2 point.
    const std::string csv = slurp(dir / "out" / "vsl_vs_n1.csv");
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    CHECK(line == "n,n1,sample,v_sl_v,max_i_mtj_a");
    std::vector<double> vsl;
    while (std::getline(in, line)) {
        std::stringstream ls(line);
        std::string f;
        for (int k = 0; k < 4; ++k)
            std::getline(ls, f, ',');
        vsl.push_back(std::stod(f));
    }
    REQUIRE(vsl.size() == 5);
    for (std::size_t k = 1; k < vsl.size(); ++k)
        CHECK(vsl[k] > vsl[k - 1]);
    CHECK_THAT(double(row["v_sl_mid_v"]), WithinRel(vsl[2], 1e-12));
    CHECK_THAT(double(row["margin_worst_v"]), WithinRel(vsl[3] - vsl[1], 1e-12));
    // Single bitcell (Fig. 3): XNOR = +1 lifts the source line above XNOR = −1.
    const auto& b = j["single_bitcell"];
    CHECK(double(b["v_sl_plus_v"]) > double(b["v_sl_minus_v"]));
    CHECK_THAT(double(b["margin_v"]),
               WithinRel(double(b["v_sl_plus_v"]) - double(b["v_sl_minus_v"]), 1e-12));
    CHECK_THAT(r.out, Contains("single bitcell") && Contains("185.0 mV"));
    fs::remove_all(dir);
}

TEST_CASE("xnor_row study: a read current above the limit is warned about, not hidden") {
    const auto dir = scratch("xnor_warn");
    // The single bitcell draws about 30 µA (seed 001: 26–29.9 µA); a 10 µA limit must trip.
    write_file(dir / "row.yaml", study("  read_current_limit: 10u\n"));
    const Outcome r = spincim("run row.yaml -o out", dir);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.err, Contains("warning") && Contains("exceeds the read-disturb limit"));
    const auto j = nlohmann::json::parse(slurp(dir / "out" / "results.json"));
    CHECK_FALSE(j["warnings"].empty());
    fs::remove_all(dir);
}

TEST_CASE("xnor_row study: bad plans exit 2 naming the key") {
    const auto dir = scratch("xnor_bad");
    struct Bad {
        std::string yaml, where;
    };
    for (const auto& b : std::vector<Bad>{
             {"study: s\nseed: 1\nxnor_row: {sizes: [0]}\n", "study.yaml:3:20: xnor_row.sizes[0]"},
             {"study: s\nseed: 1\nxnor_row: {sizes: []}\n", "study.yaml:3:19: xnor_row.sizes"},
             {"study: s\nseed: 1\nxnor_row: {v_bl: -0.3}\n", "study.yaml:3:18: xnor_row.v_bl"},
             {"study: s\nseed: 1\nxnor_row: {cmos: cmos28}\n", "study.yaml:3:18: xnor_row.cmos"},
             {"study: s\nseed: 1\nxnor_row: {}\nanalysis: {op: {}}\n", "study.yaml:4:11: analysis"},
             {"study: s\nseed: 1\nxnor_row: {}\ncircuit: {kind: rc}\n", "study.yaml:1:1"},
         }) {
        INFO(b.yaml);
        write_file(dir / "study.yaml", b.yaml);
        const Outcome r = spincim("run study.yaml -o out", dir);
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(b.where));
        CHECK_FALSE(fs::exists(dir / "out"));
    }
    fs::remove_all(dir);
}
