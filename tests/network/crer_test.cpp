#include <catch2/catch.hpp>

#include "spincim/analysis/crer_table.hpp"
#include "spincim/core/error.hpp"
#include "spincim/network/metrics.hpp"

#include "test_util.hpp"

using namespace spincim;
using namespace spincim::network;
using namespace spincim::analysis;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using spincim::network::testing::scratch;
using spincim::network::testing::write_text;

TEST_CASE("CRER tables: write, read back, AER = Σ CRER (seed 001 eqs. 8-9)") {
    const CrerTable g = testing::gaussian_table(64, 1.5);
    const std::string path = scratch("gauss64.csv");
    write_crer_csv(g, path);
    const CrerTable r = read_crer_csv(path);
    REQUIRE(r.n == 64);
    REQUIRE(r.rer.size() == 65);
    for (std::size_t k = 0; k < r.rer.size(); ++k) {
        CHECK_THAT(r.rer[k], WithinRel(g.rer[k], 1e-15));
    }
    // eq. 9 from the crer column equals eq. 8 applied to the rer column.
    CHECK_THAT(r.aer(), WithinRel(r.aer_from_rer(), 1e-12));
    // Symmetric table: RER(N/2) = ½ exactly (zero margin).
    CHECK(r.rer[32] == 0.5);

    // Constant RER r: Σ_k C(N,k)/2^N = 1, so AER = r for any N (eq. 9).
    for (int n : {64, 128, 256}) {
        CHECK_THAT(constant_rer_table(n, 0.1).aer(), WithinRel(0.1, 1e-12));
        CHECK_THAT(constant_rer_table(n, 0.1).aer_from_rer(), WithinRel(0.1, 1e-12));
    }
}

TEST_CASE("CRER reader accepts any column order and extra columns") {
    const std::string path = scratch("reordered.csv");
    write_text(path, "rer,k,extra,crer,n_samples,mu_tm_s,sigma_tm_s,ci_low,ci_high\n"
                     "0.5,0,x,0.25,1000,1e-10,2e-11,0.45,0.55\n"
                     "0.1,1,y,0.05,1000,2e-10,2e-11,0.08,0.12\n"
                     "0.5,2,z,0.125,1000,1e-10,2e-11,0.45,0.55\n");
    const CrerTable t = read_crer_csv(path);
    CHECK(t.n == 2);
    CHECK(t.rer == std::vector<double>{0.5, 0.1, 0.5});
    CHECK_THAT(t.aer(), WithinRel(0.425, 1e-12));
}

TEST_CASE("CRER reader accepts unsampled rows (n_samples = 0, rer = monotone bound)") {
    // analysis::write_crer_csv writes popcounts the Monte Carlo skipped with n_samples = 0 and
    // the bound from the nearest sampled k as rer; the reader takes rer and crer as written.
    const std::string path = scratch("unsampled.csv");
    write_text(path, "k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high\n"
                     "0,0,0,0,0.01,0.0025,0,0.01\n"
                     "1,32,1e-10,1e-10,0.2,0.1,0.1,0.3\n"
                     "2,0,0,0,0.01,0.0025,0,0.01\n");
    const CrerTable t = read_crer_csv(path);
    CHECK(t.n == 2);
    CHECK(t.rer == std::vector<double>{0.01, 0.2, 0.01});
    CHECK_THAT(t.aer(), WithinRel(0.105, 1e-12));
}

TEST_CASE("bad CRER tables name file, line and column (exit 2)") {
    const std::string header = "k,n_samples,mu_tm_s,sigma_tm_s,rer,crer,ci_low,ci_high\n";
    const auto error_of = [](const std::string& name, const std::string& text) {
        const std::string path = scratch(name);
        write_text(path, text);
        try {
            (void)read_crer_csv(path);
        } catch (const InputError& e) {
            CHECK(e.where().file == path);
            CHECK(e.exit_code() == ExitCode::bad_input);
            return e;
        }
        FAIL("expected InputError for " << name);
        return InputError("unreachable");
    };
    SECTION("missing column") {
        const InputError e = error_of(
            "nocrer.csv", "k,n_samples,mu_tm_s,sigma_tm_s,rer,ci_low,ci_high\n0,1,0,0,0,0,0\n");
        CHECK(e.where().key == "crer");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("missing column `crer`"));
    }
    SECTION("probability out of range") {
        const InputError e = error_of(
            "rer.csv", header + "0,10,0,0,0,0,0,0\n1,10,0,0,1.5,0.1,0,1\n2,10,0,0,0,0,0,0\n");
        CHECK(e.where().line == 3);
        CHECK(e.where().column == 5);
        CHECK(e.where().key == "rer");
    }
    SECTION("k out of order") {
        const InputError e = error_of("order.csv", header + "0,10,0,0,0,0,0,0\n2,10,0,0,0,0,0,0\n");
        CHECK(e.where().line == 3);
        CHECK(e.where().key == "k");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("expected k = 1"));
    }
    SECTION("not a number") {
        const InputError e = error_of("nan.csv", header + "0,10,0,abc,0,0,0,0\n");
        CHECK(e.where().line == 2);
        CHECK(e.where().key == "sigma_tm_s");
    }
    SECTION("confidence interval reversed") {
        const InputError e = error_of("ci.csv", header + "0,10,0,0,0.1,0,0.2,0.1\n");
        CHECK(e.where().key == "ci_low");
    }
    SECTION("too few rows") {
        const InputError e = error_of("short.csv", header + "0,10,0,0,0,0,0,0\n");
        CHECK_THAT(e.what(), Catch::Matchers::Contains("N ≥ 1"));
    }
    SECTION("negative or fractional sample count") {
        const InputError neg =
            error_of("nneg.csv", header + "0,-1,0,0,0,0,0,0\n1,10,0,0,0,0,0,0\n");
        CHECK(neg.where().key == "n_samples");
        CHECK(neg.where().line == 2);
        const InputError frac =
            error_of("nfrac.csv", header + "0,10,0,0,0,0,0,0\n1,2.5,0,0,0,0,0,0\n");
        CHECK(frac.where().key == "n_samples");
        CHECK(frac.where().line == 3);
        CHECK_THAT(frac.what(), Catch::Matchers::Contains("non-negative integer"));
    }
    SECTION("wrong field count") {
        const InputError e = error_of("fields.csv", header + "0,10,0,0,0,0,0\n");
        CHECK(e.where().line == 2);
    }
}

TEST_CASE("mean and 95 % confidence interval over injection seeds") {
    // {1, 2, 3}: mean 2, sample sd 1, half-width t(0.975, 2)·1/√3 = 4.303/√3.
    const MeanCi r = mean_ci95({1.0, 2.0, 3.0});
    CHECK(r.n == 3);
    CHECK_THAT(r.mean, WithinRel(2.0, 1e-15));
    CHECK_THAT(r.sd, WithinRel(1.0, 1e-15));
    CHECK_THAT(r.ci_high - r.mean, WithinRel(4.303 / std::sqrt(3.0), 1e-12));
    // Large-dof expansion joins the table: t(0.975, 30) = 2.042, t(0.975, 120) = 1.980
    // (NIST table), t → 1.96 as dof → ∞.
    CHECK_THAT(student_t975(120), WithinAbs(1.980, 1e-3));
    CHECK_THAT(student_t975(31), WithinAbs(2.040, 1.5e-3));
    CHECK_THAT(student_t975(100000), WithinAbs(1.95996, 1e-4));
}

TEST_CASE("TOPS/W and throughput follow seed 001 Table IV") {
    // Table IV: 311 TOPS/W at 128×128 with boosting, i.e. E_acc = 2·128 / 311e12 J.
    const double e_acc = 256.0 / 311e12;
    CHECK_THAT(tops_per_watt(128, e_acc), WithinRel(311.0, 1e-12));
    // Table IV: 3.28 TOPS max throughput = 128 rows × 256 ops / 10 ns = 3.2768 TOPS.
    CHECK_THAT(array_tops(128, 128, 10e-9), WithinRel(3.28, 2e-3));
    // Fig. 12(b) energies at N = 256: 1.46 pJ (boost) → 512/1.46 pJ = 350.7 TOPS/W.
    CHECK_THAT(tops_per_watt(256, 1.46e-12), WithinRel(512.0 / 1.46, 1e-12));
    CHECK_THROWS_AS(tops_per_watt(128, 0.0), InputError);
}
