#pragma once
// One worker process of the sweep supervisor (private to the sweep layer): started with
// Boost.Process, stdin and stdout on close-on-exec pipes (so no other worker inherits them and an
// end of file really means this worker is gone), SIGKILLed by the kernel if the supervisor dies.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spincim::sweep::detail {

class WorkerProcess {
public:
    // Starts argv[0] (an absolute path) with the other arguments; `dir`, if not empty, becomes
    // its working directory and $HOME. Throws InputError if the executable cannot be started.
    WorkerProcess(const std::vector<std::string>& argv, const std::filesystem::path& dir);
    ~WorkerProcess(); // SIGKILLs and reaps the process if it still runs
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;

    [[nodiscard]] int pid() const;
    [[nodiscard]] int output_fd() const { return out_fd_; }

    // Writes `line` to the worker's stdin; false if the worker is gone (EPIPE). SIGPIPE must be
    // blocked by the caller (see SigpipeBlock).
    bool send(std::string_view line);
    // Appends what is readable now to `buffer`; false once the worker's stdout reached EOF.
    bool read_available(std::string& buffer);
    // Closes the worker's stdin: a well-behaved worker then exits.
    void close_stdin();
    // Waits up to `grace_s` for the process to exit, then SIGKILLs it; reaps it and describes how
    // it ended ("exit code 3", "signal 6 (Aborted)").
    std::string finish(double grace_s);

private:
    struct State;
    std::unique_ptr<State> state_;
    int in_fd_ = -1;
    int out_fd_ = -1;
};

// Blocks SIGPIPE in the calling thread while alive (a write to a dead worker then fails with
// EPIPE instead of killing the supervisor); consumes a pending SIGPIPE before unblocking.
class SigpipeBlock {
public:
    SigpipeBlock();
    ~SigpipeBlock();
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    bool was_blocked_ = false;
};

// Resolves an executable name like execvp would: a name with a '/' is made absolute, otherwise it
// is searched in $PATH. Throws InputError if no executable file is found.
[[nodiscard]] std::filesystem::path resolve_executable(const std::string& name);

} // namespace spincim::sweep::detail
