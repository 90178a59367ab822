#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "spincim/core/atomic_file.hpp"
#include "spincim/core/error.hpp"
#include "spincim/core/output_dir.hpp"

namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
    const fs::path p =
        fs::temp_directory_path() / ("spincim_outdir_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
} // namespace

TEST_CASE("a committed output directory holds the files, and nothing else is left") {
    const fs::path base = scratch("commit");
    {
        spincim::OutputDir out(base / "run1");
        out.write("results.json", "{}\n");
        CHECK_FALSE(fs::exists(base / "run1"));
        out.commit();
    }
    CHECK(slurp(base / "run1" / "results.json") == "{}\n");
    CHECK(entries(base) == 1);
    fs::remove_all(base);
}

TEST_CASE("an output directory abandoned by an exception leaves no trace") {
    const fs::path base = scratch("abandon");
    try {
        spincim::OutputDir out(base / "run1");
        out.write("results.json", "{\"partial\": ");
        throw std::runtime_error("simulated failure");
    } catch (const std::runtime_error&) {
    }
    CHECK(entries(base) == 0);
    fs::remove_all(base);
}

TEST_CASE("a previous result is replaced whole, or kept whole on failure") {
    const fs::path base = scratch("replace");
    {
        spincim::OutputDir out(base / "r");
        out.write("a.txt", "old");
        out.write("only_old.txt", "x");
        out.commit();
    }
    {
        spincim::OutputDir out(base / "r");
        out.write("a.txt", "half");
    } // not committed: the old result must be untouched
    CHECK(slurp(base / "r" / "a.txt") == "old");
    {
        spincim::OutputDir out(base / "r");
        out.write("a.txt", "new");
        out.commit();
    }
    CHECK(slurp(base / "r" / "a.txt") == "new");
    CHECK_FALSE(fs::exists(base / "r" / "only_old.txt"));
    CHECK(entries(base) == 1);
    fs::remove_all(base);
}

TEST_CASE("an output path that is a file is refused") {
    const fs::path base = scratch("file");
    std::ofstream(base / "f") << "x";
    CHECK_THROWS_AS(spincim::OutputDir(base / "f"), spincim::InputError);
    fs::remove_all(base);
}

TEST_CASE("an atomic write replaces the file whole and leaves no temporary") {
    const auto dir = scratch("atomic");
    const fs::path f = dir / "table.csv";
    spincim::write_file_atomically(f, "a,b\n1,2\n");
    spincim::write_file_atomically(f, "a,b\n3,4\n");
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "a,b\n3,4\n");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
        ++entries;
    CHECK(entries == 1);
    fs::remove_all(dir);
}

TEST_CASE("a write that the system refuses is an OutputError naming the path and the cause") {
    const auto dir = scratch("refused");
    // A regular file where a directory should be: every write below it fails with ENOTDIR, as
    // root too (permission bits would not stop root).
    const fs::path blocker = dir / "blocker";
    std::ofstream(blocker) << "x";
    try {
        spincim::write_file_atomically(blocker / "results.json", "{}");
        FAIL("no error");
    } catch (const spincim::OutputError& e) {
        CHECK(e.exit_code() == spincim::ExitCode::output_failed);
        CHECK(e.path() == (blocker / "results.json").string());
        CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("Not a directory"));
    }
    CHECK_THROWS_AS(spincim::OutputDir(blocker / "out"), spincim::OutputError);
    fs::remove_all(dir);
}
