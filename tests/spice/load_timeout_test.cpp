// load() is bounded in time like run() (issue 13, item 5): a parse that blocks or runs away
// returns `timeout` within 2 s of SessionOptions::load_timeout_s, the stuck library image is
// abandoned, and the next load in the same Session runs in a fresh image and is right.
//
// Both parses here are real ngspice 39 behaviour, no test double:
// - an `.include` of a FIFO nobody writes blocks the parser in open() for ever (as a file on a
//   hung mount would); the test can release it afterwards and watch the parse finish inside the
//   abandoned image;
// - subcircuits nested d deep, each holding two of the level below, expand to 2^d resistors
//   from 3d + 5 lines: an enormous netlist that makes the parser compute for long. Measured
//   in-process, d = 14 (16384 resistors): 0.44 s and 37 MB (RelWithDebInfo), 0.9 s under
//   ASan+UBSan; each level doubles both, so a few more levels keep it busy for hours.
//   (Nested `.func` definitions run away too -- textual inlining, d = 16 takes 1.5 s in 15 MB --
//   but under ASan the same parse takes minutes, too long to wait for its end in a test.)

#include <chrono>
#include <cmath>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/spice/session.hpp"

#include "helpers.hpp"

using namespace spincim;
using namespace spincim::spice;
using Catch::Matchers::WithinRel;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::filesystem::path scratch(const std::string& name) {
    auto dir = std::filesystem::path(SPINCIM_BINARY_DIR) / "tests" / "spice" / "scratch" /
               (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

std::filesystem::path make_fifo(const std::string& name) {
    auto fifo = scratch(name) / "never-written.cir";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    return fifo;
}

std::string blocking_include(const std::filesystem::path& fifo) {
    return "blocked include\nV1 a 0 DC 1\n.include " + fifo.string() + "\nR1 a 0 1k\n.op\n.end\n";
}

// s0 is one 1 kOhm resistor, s<i> two s<i-1> in series: V1 drives 2^depth kOhm.
std::string nested_chain(int depth) {
    std::string text = "runaway nest\n.subckt s0 a b\nR1 a b 1k\n.ends\n";
    for (int i = 1; i <= depth; ++i) {
        const auto below = "s" + std::to_string(i - 1);
        text += ".subckt s" + std::to_string(i) + " a b\nX1 a m " + below + "\nX2 m b " + below +
                "\n.ends\n";
    }
    return text + "V1 a 0 DC 1\nX1 a 0 s" + std::to_string(depth) + "\n.op\n.end\n";
}

// Lets a parse blocked on `fifo` go on: opening the write end (non-blocking, so this never waits
// for a reader that is not there) and closing it hands the reader an empty file. Repeated until
// the Session reports no stuck load, in case ngspice opens the file more than once.
bool release_and_wait(Session& session, const std::filesystem::path& fifo, double limit_s) {
    const auto start = Clock::now();
    while (session.stats().stuck_loads > 0 && since(start) < limit_s) {
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
            ::close(fd);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return session.stats().stuck_loads == 0;
}

bool wait_unstuck(Session& session, double limit_s) {
    const auto start = Clock::now();
    while (session.stats().stuck_loads > 0 && since(start) < limit_s) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return session.stats().stuck_loads == 0;
}

// A divider with a ratio no earlier circuit of the test had (an image that silently re-ran an old
// circuit would give 0.75), in a plot of its own, parsed by the image that answers now.
void check_new_image(Session& session, double r1, double r2) {
    auto result = session.simulate(test::divider(2.0, r1, r2, "fresh divider"));
    INFO(result.summary());
    REQUIRE(result.status == RunStatus::ok);
    CHECK(result.plot.starts_with("op"));
    CHECK(test::any_contains(session.output(), "Circuit: fresh divider"));
    // Kirchhoff; 1e-9 leaves room for ngspice's convergence tolerances only.
    CHECK_THAT(session.vector("v(out)")[0], WithinRel(2.0 * r2 / (r1 + r2), 1e-9));
}

// A working circuit in the first image, so that a stale result would be recognizable.
void prime(Session& session) {
    REQUIRE(session.simulate(test::divider(1.0, 1000.0, 3000.0)).status == RunStatus::ok);
    CHECK_THAT(session.vector("out")[0], WithinRel(0.75, 1e-9));
}

} // namespace

TEST_CASE("a load blocked on an .include times out within 2 s of load_timeout_s",
          "[spice][hazard][load_timeout]") {
    const auto fifo = make_fifo("load-fifo");
    SessionOptions options;
    options.load_timeout_s = 0.5;
    Session session(options);
    prime(session);

    const auto start = Clock::now();
    auto result = session.load(blocking_include(fifo));
    const double waited = since(start);
    INFO(result.summary() << " after " << waited << " s");
    WARN("blocked load returned after " << waited << " s (limit 0.5 s)");
    REQUIRE(result.status == RunStatus::timeout);
    CHECK_FALSE(result.usable());
    // Issue requirement: reported within 2 s of the limit.
    CHECK(waited >= 0.5);
    CHECK(waited < 2.5);
    CHECK(result.elapsed_s >= 0.5);
    REQUIRE_FALSE(result.diagnostics.empty());
    CHECK(result.diagnostics.front().find("load_timeout_s = 0.5 s") != std::string::npos);
    CHECK(result.diagnostics.front().find("abandoned") != std::string::npos);
    auto stats = session.stats();
    CHECK(stats.abandoned_images == 1);
    CHECK(stats.reloads == 1);
    CHECK(stats.stuck_loads == 1);
    CHECK_FALSE(session.has_vector("out"));
    // run() refuses: there is no circuit, and re-running the previous one would be wrong.
    auto refused = session.run();
    CHECK(refused.status == RunStatus::timeout);
    CHECK_FALSE(session.has_vector("out"));

    // The next load, with the parse still blocked in the old image.
    check_new_image(session, 1000.0, 7000.0);

    // Let the stuck parse finish inside the abandoned image: it must not disturb the new one
    // (its output and any fatal flag went nowhere).
    REQUIRE(release_and_wait(session, fifo, 10.0));
    check_new_image(session, 3000.0, 1000.0);
    CHECK_FALSE(test::any_contains(session.output(), "blocked include"));
    stats = session.stats();
    CHECK(stats.abandoned_images == 1);
    CHECK(stats.reloads == 1);
    CHECK(stats.stuck_loads == 0);
    std::filesystem::remove_all(fifo.parent_path());
}

TEST_CASE("an enormous nested-subcircuit netlist times out within 2 s of load_timeout_s",
          "[spice][hazard][load_timeout]") {
    // 0.15 s: well below the 0.44 s the deep netlist needs, well above the few ms of the others,
    // also under the sanitizers and with the other core busy.
    const double limit = 0.15;
    SessionOptions options;
    options.load_timeout_s = limit;
    Session session(options);
    // The same construction, shallow, is a valid netlist: 8 x 1 kOhm in series.
    auto shallow = session.simulate(nested_chain(3));
    INFO(shallow.summary());
    REQUIRE(shallow.status == RunStatus::ok);
    CHECK_THAT(session.vector("v1#branch")[0], WithinRel(-1.0 / 8000.0, 1e-9));
    prime(session);

    const auto start = Clock::now();
    auto result = session.load(nested_chain(14));
    const double waited = since(start);
    INFO(result.summary() << " after " << waited << " s");
    WARN("enormous load returned after " << waited << " s (limit " << limit << " s)");
    // Should this fail on a much faster machine: the parse beat the limit; deepen the netlist.
    REQUIRE(result.status == RunStatus::timeout);
    CHECK(waited >= limit);
    CHECK(waited < limit + 2.0);
    CHECK(session.stats().abandoned_images == 1);
    CHECK(session.stats().stuck_loads == 1);

    // The next load runs while the old image still computes on the other thread.
    check_new_image(session, 1000.0, 7000.0);

    // Once the parse has ended in the abandoned image, the new image is still right and never saw
    // its output.
    const auto parse_start = Clock::now();
    REQUIRE(wait_unstuck(session, 60.0));
    WARN("the abandoned parse ended " << since(parse_start) << " s after the next load started");
    check_new_image(session, 3000.0, 1000.0);
    CHECK_FALSE(test::any_contains(session.output(), "runaway nest"));
    CHECK(session.stats().abandoned_images == 1);
}

TEST_CASE("load_timeout_s defaults to timeout_s and must be positive", "[spice][load_timeout]") {
    for (double bad : {0.0, -1.0, std::nan("")}) {
        SessionOptions options;
        options.load_timeout_s = bad;
        CHECK_THROWS_AS(Session(options), InputError);
    }
    const auto fifo = make_fifo("load-default");
    SessionOptions options;
    options.timeout_s = 0.3;
    Session session(options);
    const auto start = Clock::now();
    auto result = session.load(blocking_include(fifo));
    const double waited = since(start);
    INFO(result.summary() << " after " << waited << " s");
    REQUIRE(result.status == RunStatus::timeout);
    CHECK(waited >= 0.3);
    CHECK(waited < 2.3);
    CHECK(result.diagnostics.front().find("load_timeout_s = 0.3 s") != std::string::npos);
    test::check_fresh_divider(session, 1000.0, 2000.0);
    CHECK(release_and_wait(session, fifo, 10.0));
    std::filesystem::remove_all(fifo.parent_path());
}

TEST_CASE("a Session destroyed while a load is stuck ends at once, and a later one works",
          "[spice][load_timeout]") {
    const auto base = scratch("load-destroy");
    const auto fifo = base / "never-written.cir";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    SessionOptions options;
    options.load_timeout_s = 0.3;
    // Both Sessions copy the library into the same directory: the later one must not be handed
    // the leaked image (dlopen() returns an image already loaded under the same path).
    options.work_dir = base / "ngspice";
    std::optional<Session> session;
    session.emplace(options);
    REQUIRE(session->load(blocking_include(fifo)).status == RunStatus::timeout);
    REQUIRE(session->stats().stuck_loads == 1);
    const auto start = Clock::now();
    // The destructor must not wait for a parse that may never end.
    session.reset();
    CHECK(since(start) < 1.0);

    Session again(options);
    auto loaded = again.load(test::divider(2.0, 2000.0, 3000.0, "fresh divider"));
    REQUIRE(loaded.status == RunStatus::ok);
    // Let the old parse finish in its leaked image between this load and its run: were that the
    // image in use, its circuit ("blocked include", no node `out`) would replace this one.
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    CHECK(fd >= 0);
    if (fd >= 0) {
        ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto ran = again.run();
    INFO(ran.summary());
    REQUIRE(ran.status == RunStatus::ok);
    CHECK_THAT(again.vector("v(out)")[0], WithinRel(2.0 * 3000.0 / 5000.0, 1e-9));
    CHECK_FALSE(test::any_contains(again.output(), "blocked include"));
    test::check_fresh_divider(again, 1000.0, 4000.0);
    std::filesystem::remove_all(base);
}
