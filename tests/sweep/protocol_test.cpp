// Worker protocol: text formats, round-trip numbers, the worker loop (worker.hpp).
#include <bit>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/sweep/worker.hpp"

namespace sw = spincim::sweep;

TEST_CASE("status names round-trip and unknown names are input errors") {
    for (auto s : {sw::SampleStatus::ok, sw::SampleStatus::warning, sw::SampleStatus::nonconv,
                   sw::SampleStatus::timeout, sw::SampleStatus::crash, sw::SampleStatus::invalid})
        CHECK(sw::sample_status_from(sw::to_string(s)) == s);
    CHECK_THROWS_AS(sw::sample_status_from("OK"), spincim::InputError);
    CHECK_THROWS_WITH(sw::sample_status_from("bogus"), Catch::Contains("bogus"));
}

TEST_CASE("values are written as shortest round-trip decimals and read back bit for bit") {
    // Doubles whose decimal forms are classic traps: 0.1 (not exact in binary), the smallest
    // subnormal, the largest finite value, negative zero, a value needing 17 significant digits.
    const double cases[] = {0.1,
                            1e-9,
                            -2.5e-15,
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::lowest(),
                            -0.0,
                            0.30000000000000004,
                            1.0 / 3.0};
    for (double v : cases) {
        const auto text = sw::format_value(v);
        const auto back = sw::parse_value(text);
        REQUIRE(back);
        CHECK(std::bit_cast<std::uint64_t>(*back) == std::bit_cast<std::uint64_t>(v));
    }
    CHECK(sw::format_value(0.1) == "0.1"); // shortest form, not 0.10000000000000001
    CHECK(sw::format_value(1e-9) == "1e-09");
    CHECK(sw::format_value(std::nan("")) == "nan");
    CHECK(std::isnan(*sw::parse_value("nan")));
    CHECK(*sw::parse_value("-inf") == -std::numeric_limits<double>::infinity());
    CHECK_FALSE(sw::parse_value("1.5n"));
    CHECK_FALSE(sw::parse_value("1,5"));
    CHECK_FALSE(sw::parse_value(" 1"));
    CHECK_FALSE(sw::parse_value(""));
}

TEST_CASE("message escaping keeps every answer on one line") {
    const std::string nasty = "a\tb\nc\\d\re\\t";
    const auto escaped = sw::escape_field(nasty);
    CHECK(escaped.find_first_of("\t\n\r") == std::string::npos);
    CHECK(sw::unescape_field(escaped) == nasty);
    CHECK_FALSE(sw::unescape_field("dangling\\"));
    CHECK_FALSE(sw::unescape_field("bad\\x"));
}

TEST_CASE("answers round-trip and malformed answers are refused with a reason") {
    sw::SampleRecord r;
    r.status = sw::SampleStatus::warning;
    r.values = {1.5e-9, -0.0, 3.0};
    r.message = "slow\tedge";
    const sw::SampleId id{4, 123456789012345ULL};
    std::string why;
    const auto back = sw::parse_answer(sw::format_answer(id, r), why);
    REQUIRE(back);
    CHECK(back->id == id);
    CHECK(back->status == r.status);
    CHECK(back->values == r.values);
    CHECK(back->message == r.message);

    for (const char* bad : {"", "1\t2", "1\t2\tok\t1\t\tmsg", "1\t2\tfine\t0\t", "1\t2\tok\t2\t1\t",
                            "x\t2\tok\t0\t", "1\t2\tok\t0\tbad\\q"}) {
        why.clear();
        CHECK_FALSE(sw::parse_answer(bad, why));
        CHECK_FALSE(why.empty());
    }
}

TEST_CASE("worker loop greets, answers each request in order and survives evaluator throws") {
    std::istringstream in("0\t1\n2\t3\n0\t99\n");
    std::ostringstream out;
    const auto rc = sw::run_worker(in, out, [](const sw::SampleId& id) {
        if (id.index == 3)
            throw std::runtime_error("no convergence\nat t=1ns");
        sw::SampleRecord r;
        r.values = {static_cast<double>(id.point) + 0.5, static_cast<double>(id.index)};
        return r;
    });
    CHECK(rc == 0);
    std::istringstream lines(out.str());
    std::string line;
    REQUIRE(std::getline(lines, line));
    CHECK(line == sw::worker_greeting);
    std::string why;
    REQUIRE(std::getline(lines, line));
    auto a = sw::parse_answer(line, why);
    REQUIRE(a);
    CHECK(a->id == sw::SampleId{0, 1});
    CHECK(a->values == std::vector<double>{0.5, 1.0});
    REQUIRE(std::getline(lines, line));
    a = sw::parse_answer(line, why);
    REQUIRE(a);
    CHECK(a->id == sw::SampleId{2, 3});
    CHECK(a->status == sw::SampleStatus::invalid);
    CHECK(a->values.empty());
    CHECK(a->message == "evaluator threw: no convergence\nat t=1ns");
    REQUIRE(std::getline(lines, line));
    a = sw::parse_answer(line, why);
    REQUIRE(a);
    CHECK(a->id == sw::SampleId{0, 99});
    CHECK_FALSE(std::getline(lines, line));
}

TEST_CASE("worker loop stops with code 2 on a malformed request") {
    std::istringstream in("0\t1\nhello\n0\t2\n");
    std::ostringstream out;
    int calls = 0;
    const auto rc = sw::run_worker(in, out, [&](const sw::SampleId&) {
        ++calls;
        return sw::SampleRecord{};
    });
    CHECK(rc == 2);
    CHECK(calls == 1);
    CHECK(out.str().find("error\tmalformed request 'hello'") != std::string::npos);
}
