#pragma once
// Runs the spincim executable as a user would and captures exit code, stdout and stderr.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace spincim_test {

namespace fs = std::filesystem;

struct Outcome {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// A fresh scratch directory for one test case.
inline fs::path scratch(const std::string& name) {
    const fs::path p =
        fs::temp_directory_path() / ("spincim_cli_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

// Runs `command` through /bin/sh in `dir` (arguments must already be shell-safe).
inline Outcome shell(const std::string& command, const fs::path& dir) {
    const fs::path o = dir / ".stdout", e = dir / ".stderr";
    const std::string line =
        "cd '" + dir.string() + "' && " + command + " >'" + o.string() + "' 2>'" + e.string() + "'";
    const int status = std::system(line.c_str());
    Outcome r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(o);
    r.err = slurp(e);
    fs::remove(o);
    fs::remove(e);
    return r;
}

inline Outcome spincim(const std::string& args, const fs::path& dir) {
    return shell(std::string("'") + SPINCIM_EXE + "' " + args, dir);
}

} // namespace spincim_test
