// The supervisor with real worker processes (the fake worker): dynamic hand-out, identical
// tables for any number of workers, crash/hang/throw handling, no orphans.
#include <chrono>
#include <memory>
#include <thread>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/sweep/sweep.hpp"

#include "test_util.hpp"

namespace sw = spincim::sweep;
using sweep_test::Scratch;

namespace {

const std::vector<std::string> names{"x_v", "t_s", "e_j"};

sw::SweepOptions options(const Scratch& s, std::size_t workers,
                         std::vector<std::string> extra = {}) {
    sw::SweepOptions o;
    o.journal = s / ("journal-" + std::to_string(workers) + ".tsv");
    o.study_hash = "test-study";
    o.value_names = names;
    o.worker_argv = {SWEEP_FAKE_WORKER, "--scratch", s.dir.string()};
    o.worker_argv.insert(o.worker_argv.end(), extra.begin(), extra.end());
    o.workers = workers;
    o.progress = false;
    o.sample_timeout_s = 20;
    return o;
}

std::vector<sw::SampleId> plan(std::size_t points, std::uint64_t samples) {
    std::vector<sw::SampleId> ids;
    for (std::size_t p = 0; p < points; ++p)
        for (std::uint64_t i = 0; i < samples; ++i)
            ids.push_back({p, i});
    return ids;
}

void require_no_orphans(const Scratch& s) {
    const auto pids = sweep_test::worker_pids(s.dir);
    REQUIRE_FALSE(pids.empty());
    for (int pid : pids) {
        INFO("worker pid " << pid);
        CHECK(sweep_test::process_gone(pid));
    }
}

} // namespace

TEST_CASE("one and two workers give byte-identical sample tables with the evaluator's values") {
    Scratch s("identical");
    const auto ids = plan(5, 40); // 200 samples over 5 points
    std::string tables[2];
    for (std::size_t w : {1u, 2u}) {
        sw::Sweep sweep(options(s, w));
        sweep.run(ids);
        const auto& recs = sweep.records();
        REQUIRE(recs.size() == ids.size());
        // Every value is exactly what the evaluator computed (recomputed here independently from
        // the same RandomStream key), the status is the evaluator's, and nothing was retried.
        for (const auto& id : ids) {
            const auto& r = recs.at(id);
            CHECK(r.status == sweep_test::fake_status(id));
            CHECK(r.attempts == 1);
            if (r.status == sw::SampleStatus::nonconv)
                CHECK(r.values.empty());
            else
                CHECK(r.values == sweep_test::fake_values(id));
        }
        CHECK(recs.at({0, 5}).message == "fake warning\twith a tab");
        const auto st = sweep.stats();
        CHECK(st.evaluated == ids.size());
        CHECK(st.retried == 0);
        CHECK(st.workers_replaced == 0);
        CHECK(st.workers_started == w);
        const auto table = s / ("table-" + std::to_string(w) + ".csv");
        sw::write_sample_table(recs, names, table);
        tables[w - 1] = sweep_test::slurp(table);
    }
    CHECK(tables[0] == tables[1]);
    CHECK(tables[0].rfind("point,sample,status,attempts,x_v,t_s,e_j\n0,0,ok,1,", 0) == 0);
    CHECK(tables[0].find("\n0,7,nonconv,1,,,\n") != std::string::npos);
    require_no_orphans(s);
}

TEST_CASE("run() skips recorded samples and can be called once per round") {
    Scratch s("rounds");
    auto owner = std::make_unique<sw::Sweep>(options(s, 2));
    sw::Sweep& sweep = *owner;
    const auto first = plan(1, 10);
    sweep.run(first);
    auto second = plan(2, 10); // contains the first round again
    second.push_back({1, 3});  // and a duplicate
    sweep.run(second);
    CHECK(sweep.records().size() == 20);
    CHECK(sweep.stats().evaluated == 20);
    // The pool outlives run(): the second round reuses the two workers of the first.
    CHECK(sweep.stats().workers_started == 2);
    owner.reset(); // the workers end with the Sweep
    require_no_orphans(s);
}

TEST_CASE("a worker that crashes once is replaced and the sample retried") {
    Scratch s("crash-once");
    auto owner = std::make_unique<sw::Sweep>(options(s, 2, {"--crash-on", "1:3"}));
    sw::Sweep& sweep = *owner;
    sweep.run(plan(3, 10));
    const auto& r = sweep.records().at({1, 3});
    CHECK(r.status == sw::SampleStatus::ok);
    CHECK(r.attempts == 2);
    CHECK(r.values == sweep_test::fake_values({1, 3}));
    CHECK(sweep.records().size() == 30);
    CHECK(sweep.stats().retried == 1);
    CHECK(sweep.stats().workers_replaced == 1);
    owner.reset(); // the workers end with the Sweep
    require_no_orphans(s);
}

TEST_CASE("a worker that hangs is killed after the sample timeout and the sample retried") {
    Scratch s("hang-once");
    auto o = options(s, 2, {"--hang-on", "0:4"});
    o.sample_timeout_s = 1.0;
    auto owner = std::make_unique<sw::Sweep>(o);
    sw::Sweep& sweep = *owner;
    const auto t0 = std::chrono::steady_clock::now();
    sweep.run(plan(2, 10));
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& r = sweep.records().at({0, 4});
    CHECK(r.status == sw::SampleStatus::ok);
    CHECK(r.attempts == 2);
    CHECK(sweep.stats().workers_replaced == 1);
    // The hang costs one timeout (1 s), not more: the other worker kept going meanwhile.
    CHECK(elapsed >= 1.0);
    CHECK(elapsed < 5.0);
    owner.reset();         // the workers end with the Sweep
    require_no_orphans(s); // the hung worker was SIGKILLed
}

TEST_CASE("a sample that always crashes is recorded as crash after max_attempts") {
    Scratch s("always-crash");
    auto o = options(s, 2, {"--always-crash", "0:2"});
    o.max_attempts = 3;
    auto owner = std::make_unique<sw::Sweep>(o);
    sw::Sweep& sweep = *owner;
    sweep.run(plan(1, 8));
    const auto& r = sweep.records().at({0, 2});
    CHECK(r.status == sw::SampleStatus::crash);
    CHECK(r.attempts == 3);
    CHECK(r.values.empty());
    CHECK_THAT(r.message, Catch::Contains("signal 6"));
    CHECK(sweep.stats().retried == 2);
    CHECK(sweep.stats().workers_replaced == 3);
    CHECK(sweep.records().size() == 8);
    owner.reset(); // the workers end with the Sweep
    require_no_orphans(s);
}

TEST_CASE("a sample that always hangs is recorded as timeout after max_attempts") {
    Scratch s("always-hang");
    // --hang-on hangs only the first time: with max_attempts 1 there is no second time.
    auto o = options(s, 1, {"--hang-on", "0:1"});
    o.sample_timeout_s = 0.5;
    o.max_attempts = 1;
    auto owner = std::make_unique<sw::Sweep>(o);
    sw::Sweep& sweep = *owner;
    sweep.run(plan(1, 3));
    const auto& r = sweep.records().at({0, 1});
    CHECK(r.status == sw::SampleStatus::timeout);
    CHECK(r.attempts == 1);
    CHECK(sweep.records().at({0, 2}).status == sw::SampleStatus::ok);
    owner.reset(); // the workers end with the Sweep
    require_no_orphans(s);
}

TEST_CASE("an evaluator exception becomes an invalid record and the worker goes on") {
    Scratch s("throw");
    sw::Sweep sweep(options(s, 1, {"--throw-on", "0:3"}));
    sweep.run(plan(1, 6));
    const auto& r = sweep.records().at({0, 3});
    CHECK(r.status == sw::SampleStatus::invalid);
    CHECK(r.message == "evaluator threw: fake failure on 0:3");
    CHECK(r.attempts == 1);
    CHECK(sweep.stats().workers_replaced == 0);
    CHECK(sweep.stats().workers_started == 1);
    CHECK(sweep.records().at({0, 4}).values == sweep_test::fake_values({0, 4}));
}

TEST_CASE("a malformed worker line makes the sample invalid and the worker is replaced") {
    Scratch s("garbage");
    sw::Sweep sweep(options(s, 1, {"--garbage-on", "0:2", "--bad-count-on", "0:4"}));
    sweep.run(plan(1, 6));
    const auto& r = sweep.records().at({0, 2});
    CHECK(r.status == sw::SampleStatus::invalid);
    CHECK_THAT(r.message, Catch::Contains("this is not an answer"));
    CHECK(sweep.stats().workers_replaced == 1);
    CHECK(sweep.stats().workers_started == 2);
    // A well-formed answer with the wrong number of values is invalid too, without a new worker.
    const auto& c = sweep.records().at({0, 4});
    CHECK(c.status == sw::SampleStatus::invalid);
    CHECK_THAT(c.message, Catch::Contains("2 values for 3 value names"));
    CHECK(sweep.records().at({0, 3}).status == sw::SampleStatus::ok);
}

TEST_CASE("evaluator output on stdout does not reach the protocol") {
    Scratch s("noisy");
    sw::Sweep sweep(options(s, 2, {"--noisy"}));
    sweep.run(plan(1, 12));
    for (const auto& [id, r] : sweep.records())
        CHECK((r.status == sweep_test::fake_status(id)));
    CHECK(sweep.stats().workers_replaced == 0);
}

TEST_CASE("workers inherit only stdin, stdout and stderr and run in worker_dir") {
    Scratch s("isolation");
    // A descriptor opened without O_CLOEXEC, as host code (a log file, a library) might do.
    const int leak = ::open((s / "leak.txt").c_str(), O_WRONLY | O_CREAT, 0644);
    REQUIRE(leak >= 0);
    auto o = options(s, 1, {"--check-start"});
    o.worker_dir = s / "work"; // created by the sweep; the worker's cwd and $HOME
    sw::Sweep sweep(o);
    CHECK_NOTHROW(sweep.run(plan(1, 2)));
    CHECK(sweep.records().size() == 2);
    ::close(leak);
}

TEST_CASE("broken worker commands are reported, not retried forever") {
    Scratch s("broken");
    {
        sw::Sweep sweep(options(s, 2, {"--exit-at-start"}));
        const auto ids = plan(1, 4);
        CHECK_THROWS_AS(sweep.run(ids), spincim::SimulationError);
        CHECK_THROWS_WITH(sweep.run(ids), Catch::Contains("exit code 7"));
    }
    {
        auto o = options(s, 1, {"--not-a-worker"});
        o.journal = s / "j2.tsv";
        sw::Sweep sweep(o);
        const auto ids = plan(1, 4);
        CHECK_THROWS_WITH(sweep.run(ids), Catch::Contains("not a spincim sweep worker"));
    }
    auto o = options(s, 1);
    o.journal = s / "j3.tsv";
    o.worker_argv = {(s / "no-such-worker").string()};
    CHECK_THROWS_AS(sw::Sweep(o), spincim::InputError);
    o.worker_argv = {};
    CHECK_THROWS_AS(sw::Sweep(o), spincim::InputError);
}

TEST_CASE("resume with another study hash or without --resume is an input error") {
    Scratch s("resume-errors");
    {
        sw::Sweep sweep(options(s, 1));
        sweep.run(plan(1, 3));
    }
    auto o = options(s, 1);
    CHECK_THROWS_WITH(sw::Sweep(o), Catch::Contains(o.journal.string()));
    o.resume = true;
    o.study_hash = "another-study";
    CHECK_THROWS_WITH(sw::Sweep(o),
                      Catch::Contains(o.journal.string()) && Catch::Contains("another-study"));
    o.study_hash = "test-study";
    sw::Sweep resumed(o);
    CHECK(resumed.stats().resumed == 3);
    resumed.run(plan(1, 3));
    CHECK(resumed.stats().evaluated == 0);
    CHECK(resumed.stats().workers_started == 0);
}

TEST_CASE("study hashes are 16 hex digits of FNV-1a 64") {
    // FNV-1a 64 of the empty string is the offset basis cbf29ce484222325 (Fowler/Noll/Vo).
    CHECK(sw::study_hash_of("") == "cbf29ce484222325");
    // Published FNV-1a 64 test vector: "a" -> af63dc4c8601ec8c.
    CHECK(sw::study_hash_of("a") == "af63dc4c8601ec8c");
}
