#pragma once
// Helpers of the sweep tests: scratch directories, files, child processes.

#include <cmath>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "spincim/core/random.hpp"
#include "spincim/sweep/sample.hpp"

extern char** environ;

namespace sweep_test {

namespace fs = std::filesystem;

// A fresh directory under the system temporary directory, removed at the end of the test.
struct Scratch {
    fs::path dir;
    explicit Scratch(const std::string& name)
        : dir(fs::temp_directory_path() /
              ("spincim-sweep-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    [[nodiscard]] fs::path operator/(const std::string& name) const { return dir / name; }
};

inline std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::size_t count_lines(const fs::path& path) {
    std::size_t n = 0;
    for (char c : slurp(path))
        n += c == '\n' ? 1 : 0;
    return n;
}

// The values the fake worker computes for `id` (fake_worker.cpp), recomputed here from the same
// RandomStream so the tests check that the engine passes values through bit for bit.
inline std::vector<double> fake_values(const spincim::sweep::SampleId& id, std::uint64_t seed = 1) {
    spincim::RandomStream rs(seed, id.point * 1000003ULL + id.index, "fake");
    std::vector<double> v{rs.normal(), 1e-9 * (1.0 + 0.1 * rs.normal()),
                          1e-15 * std::exp(rs.normal())};
    return v;
}
inline spincim::sweep::SampleStatus fake_status(const spincim::sweep::SampleId& id) {
    if (id.index % 29 == 7)
        return spincim::sweep::SampleStatus::nonconv;
    if (id.index % 17 == 5)
        return spincim::sweep::SampleStatus::warning;
    return spincim::sweep::SampleStatus::ok;
}

// True when process `pid` no longer runs (gone, or a zombie waiting to be reaped).
inline bool process_gone(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text))
        return true;
    const auto paren = text.rfind(')');
    if (paren == std::string::npos || paren + 2 >= text.size())
        return true;
    const char state = text[paren + 2];
    return state == 'Z' || state == 'X';
}

// Pids of the fake workers that ran with --scratch `dir` (they leave pid-<pid> files).
inline std::vector<int> worker_pids(const fs::path& dir) {
    std::vector<int> pids;
    for (const auto& e : fs::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (name.rfind("pid-", 0) == 0)
            pids.push_back(std::stoi(name.substr(4)));
    }
    return pids;
}

// Starts argv with stdout and stderr appended to `log` (and stdin from `input` if given).
inline pid_t spawn(const std::vector<std::string>& argv, const fs::path& log,
                   const fs::path& input = {}) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!input.empty())
        posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

// Waits for `pid`; returns its exit code, or 128 + signal number.
inline int wait_exit(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs argv to completion (output to `log`); returns its exit code.
inline int run(const std::vector<std::string>& argv, const fs::path& log) {
    const pid_t pid = spawn(argv, log);
    return pid < 0 ? -1 : wait_exit(pid);
}

} // namespace sweep_test
