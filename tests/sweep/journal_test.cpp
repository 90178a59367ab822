// The append-only journal: creation, resume, torn and corrupt lines, hash checks, locking.
#include <bit>
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "spincim/core/error.hpp"
#include "spincim/sweep/journal.hpp"

#include "test_util.hpp"

namespace sw = spincim::sweep;
using sweep_test::Scratch;

namespace {
const std::vector<std::string> names{"tm_s", "i_a"};

sw::SampleRecord rec(std::size_t p, std::uint64_t i, std::vector<double> v,
                     sw::SampleStatus s = sw::SampleStatus::ok, std::string msg = {}) {
    sw::SampleRecord r;
    r.id = {p, i};
    r.status = s;
    r.values = std::move(v);
    r.message = std::move(msg);
    return r;
}

void write_three(const std::filesystem::path& path) {
    sw::Journal j(path, "h1", names, false);
    j.append(rec(0, 0, {1e-9, 0.1}));
    j.append(rec(0, 1, {}, sw::SampleStatus::crash, "worker died\n(signal 6)"));
    j.append(rec(1, 0, {std::numeric_limits<double>::denorm_min(), -0.0}));
}
} // namespace

TEST_CASE("journal keeps records and values bit for bit across a reopen") {
    Scratch s("journal-roundtrip");
    const auto path = s / "sub/journal.tsv";
    write_three(path); // also creates the missing parent directory
    sw::Journal j(path, "h1", names, true);
    REQUIRE(j.loaded().size() == 3);
    CHECK(j.discarded_lines() == 0);
    CHECK(j.loaded()[1].status == sw::SampleStatus::crash);
    CHECK(j.loaded()[1].message == "worker died\n(signal 6)");
    CHECK(j.loaded()[1].values.empty());
    const auto& v = j.loaded()[2].values;
    CHECK(std::bit_cast<std::uint64_t>(v[0]) ==
          std::bit_cast<std::uint64_t>(std::numeric_limits<double>::denorm_min()));
    CHECK(std::signbit(v[1]));
    CHECK(j.loaded()[0].values == std::vector<double>{1e-9, 0.1});
}

TEST_CASE("journal refuses to overwrite an existing file without resume") {
    Scratch s("journal-exists");
    const auto path = s / "journal.tsv";
    write_three(path);
    CHECK_THROWS_AS(sw::Journal(path, "h1", names, false), spincim::InputError);
    CHECK_THROWS_WITH(sw::Journal(path, "h1", names, false),
                      Catch::Contains(path.string()) && Catch::Contains("--resume"));
    CHECK(sweep_test::count_lines(path) == 4); // untouched
}

TEST_CASE("journal resume refuses another study hash or other value names, naming the file") {
    Scratch s("journal-hash");
    const auto path = s / "journal.tsv";
    write_three(path);
    CHECK_THROWS_WITH(sw::Journal(path, "h2", names, true), Catch::Contains(path.string()) &&
                                                                Catch::Contains("h1") &&
                                                                Catch::Contains("h2"));
    CHECK_THROWS_AS(sw::Journal(path, "h1", {"tm_s"}, true), spincim::InputError);
}

TEST_CASE("a torn last line is dropped and truncated on resume") {
    Scratch s("journal-torn");
    const auto path = s / "journal.tsv";
    write_three(path);
    const auto good = std::filesystem::file_size(path);
    {
        std::ofstream out(path, std::ios::app | std::ios::binary);
        out << "1\t1\tok\t1\t2\t0.5\t0.2"; // cut before the message, check and newline
    }
    CHECK(sw::read_journal(path).discarded_lines == 1); // read-only view sees it, keeps it
    CHECK(std::filesystem::file_size(path) > good);
    {
        sw::Journal j(path, "h1", names, true);
        CHECK(j.loaded().size() == 3);
        CHECK(j.discarded_lines() == 1);
        CHECK(std::filesystem::file_size(path) == good);
        j.append(rec(1, 1, {0.5, 0.25}));
    }
    sw::Journal again(path, "h1", names, true);
    CHECK(again.loaded().size() == 4);
    CHECK(again.discarded_lines() == 0);
}

TEST_CASE("a last line with a newline but a wrong check counts as torn") {
    Scratch s("journal-garbled-last");
    const auto path = s / "journal.tsv";
    write_three(path);
    auto text = sweep_test::slurp(path);
    text[text.size() - 3] = text[text.size() - 3] == '0' ? '1' : '0'; // flip a check digit
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    sw::Journal j(path, "h1", names, true);
    CHECK(j.loaded().size() == 2);
    CHECK(j.discarded_lines() == 1);
}

TEST_CASE("a corrupt line before the last is an input error with its line number") {
    Scratch s("journal-corrupt");
    const auto path = s / "journal.tsv";
    write_three(path);
    auto text = sweep_test::slurp(path);
    const auto line3 = text.find('\n', text.find('\n') + 1) + 1; // start of the 2nd record
    text[line3] = '7';                                           // point 0 -> 7: check fails
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    CHECK_THROWS_WITH(sw::Journal(path, "h1", names, true),
                      Catch::Contains(path.string() + ":3") && Catch::Contains("check"));
}

TEST_CASE("a file that is not a journal is refused") {
    Scratch s("journal-foreign");
    const auto path = s / "journal.tsv";
    std::ofstream(path) << "point,sample\n0,1\n";
    CHECK_THROWS_WITH(sw::Journal(path, "h1", names, true),
                      Catch::Contains("not a spincim sweep journal"));
}

TEST_CASE("two sweeps cannot append to one journal at the same time") {
    Scratch s("journal-lock");
    const auto path = s / "journal.tsv";
    sw::Journal first(path, "h1", names, false);
    CHECK_THROWS_WITH(sw::Journal(path, "h1", names, true), Catch::Contains("in use"));
}

TEST_CASE("value names and hashes are validated") {
    Scratch s("journal-names");
    CHECK_THROWS_AS(sw::Journal(s / "j", "h1", {"tm s"}, false), spincim::InputError);
    CHECK_THROWS_AS(sw::Journal(s / "j", "h1", {"a", "a"}, false), spincim::InputError);
    CHECK_THROWS_AS(sw::Journal(s / "j", "h1", {"status"}, false), spincim::InputError);
    CHECK_THROWS_AS(sw::Journal(s / "j", "has space", names, false), spincim::InputError);
    CHECK_THROWS_AS(sw::Journal(s / "j", "", names, false), spincim::InputError);
    CHECK_FALSE(std::filesystem::exists(s / "j"));
}
