#include "worker_process.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <time.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "spincim/core/error.hpp"

namespace bp = boost::process;

namespace spincim::sweep::detail {

struct WorkerProcess::State {
    bp::child child;
};

namespace {

struct PipeFds {
    int read = -1;
    int write = -1;
};

PipeFds cloexec_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Error(std::string("sweep: cannot create a pipe: ") + std::strerror(errno));
    return {fds[0], fds[1]};
}

// Runs in the child between fork and exec (only async-signal-safe calls).
struct ChildSetup {
    pid_t parent;
    void operator()(auto& /*executor*/) const {
        // The kernel SIGKILLs the worker when the supervisor thread that started it dies, so a
        // worker stuck inside a sample (not reading stdin) is not orphaned either.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // the supervisor died before prctl took effect
            ::_exit(1);
        // The supervisor blocks SIGPIPE while it runs; the worker must not inherit that.
        sigset_t set;
        ::sigemptyset(&set);
        ::sigaddset(&set, SIGPIPE);
        ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
        // Nothing but stdin, stdout and stderr crosses exec: descriptors the host process opened
        // without close-on-exec (its own pipes, log files) must not keep the worker attached to
        // them. Marking instead of closing keeps Boost.Process's exec-error pipe working; on
        // kernels before Linux 5.11 the call fails harmlessly.
        ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    }
};

} // namespace

std::filesystem::path resolve_executable(const std::string& name) {
    auto usable = [](const std::filesystem::path& p) {
        std::error_code ec;
        return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
    };
    if (name.empty())
        throw InputError("sweep worker command is empty");
    if (name.find('/') != std::string::npos) {
        const auto p = std::filesystem::absolute(name);
        if (!usable(p))
            throw InputError("sweep worker executable '" + name +
                             "' does not exist or is not executable");
        return p;
    }
    const char* path_env = std::getenv("PATH");
    std::string_view dirs = path_env != nullptr ? path_env : "/usr/bin:/bin";
    while (true) {
        const auto colon = dirs.find(':');
        const auto dir = dirs.substr(0, colon);
        const auto p = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (usable(p))
            return std::filesystem::absolute(p);
        if (colon == std::string_view::npos)
            break;
        dirs.remove_prefix(colon + 1);
    }
    throw InputError("sweep worker executable '" + name + "' is not found in $PATH");
}

WorkerProcess::WorkerProcess(const std::vector<std::string>& argv, const std::filesystem::path& dir)
    : state_(std::make_unique<State>()) {
    const PipeFds to_child = cloexec_pipe();
    PipeFds from_child{};
    try {
        from_child = cloexec_pipe();
    } catch (...) {
        ::close(to_child.read);
        ::close(to_child.write);
        throw;
    }
    // Boost.Process dup2()s the child's ends onto 0 and 1 (dup2 clears close-on-exec there) and
    // closes them in the parent after the start; the parent keeps the other ends.
    bp::pipe child_in(to_child.read, to_child.write);
    bp::pipe child_out(from_child.read, from_child.write);
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    const ChildSetup setup{::getpid()};
    try {
        if (dir.empty()) {
            state_->child =
                bp::child(argv[0], bp::args(args), bp::std_in<child_in, bp::std_out> child_out,
                          bp::extend::on_exec_setup(setup));
        } else {
            bp::environment env = boost::this_process::environment();
            env["HOME"] = dir.string();
            state_->child =
                bp::child(argv[0], bp::args(args), bp::std_in<child_in, bp::std_out> child_out, env,
                          bp::start_dir(dir.string()), bp::extend::on_exec_setup(setup));
        }
    } catch (const bp::process_error& e) {
        throw InputError("cannot start sweep worker '" + argv[0] + "': " + e.what());
    }
    in_fd_ = child_in.native_sink();
    child_in.assign_sink(-1);
    out_fd_ = child_out.native_source();
    child_out.assign_source(-1);
    const int flags = ::fcntl(out_fd_, F_GETFL);
    ::fcntl(out_fd_, F_SETFL, flags | O_NONBLOCK);
}

WorkerProcess::~WorkerProcess() {
    if (in_fd_ >= 0)
        ::close(in_fd_);
    if (out_fd_ >= 0)
        ::close(out_fd_);
    std::error_code ec;
    if (state_->child.valid() && state_->child.running(ec))
        state_->child.terminate(ec); // SIGKILL and reap
}

int WorkerProcess::pid() const {
    return static_cast<int>(state_->child.id());
}

bool WorkerProcess::send(std::string_view line) {
    if (in_fd_ < 0)
        return false;
    while (!line.empty()) {
        const auto n = ::write(in_fd_, line.data(), line.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        line.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool WorkerProcess::read_available(std::string& buffer) {
    char chunk[4096];
    for (;;) {
        const auto n = ::read(out_fd_, chunk, sizeof chunk);
        if (n > 0) {
            buffer.append(chunk, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0)
            return false;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

void WorkerProcess::close_stdin() {
    if (in_fd_ >= 0)
        ::close(in_fd_);
    in_fd_ = -1;
}

std::string WorkerProcess::finish(double grace_s) {
    close_stdin();
    auto& child = state_->child;
    std::error_code ec;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
    while (child.running(ec) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    bool killed = false;
    if (child.running(ec)) {
        child.terminate(ec); // SIGKILL and reap
        killed = true;
    }
    if (killed)
        return "killed (SIGKILL) by the supervisor";
    const int status = child.native_exit_code();
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* name = ::strsignal(sig);
        return "signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
    }
    if (WIFEXITED(status))
        return "exit code " + std::to_string(WEXITSTATUS(status));
    return "unknown end";
}

SigpipeBlock::SigpipeBlock() {
    sigset_t set;
    sigset_t old;
    ::sigemptyset(&set);
    ::sigaddset(&set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &set, &old);
    was_blocked_ = ::sigismember(&old, SIGPIPE) == 1;
}

SigpipeBlock::~SigpipeBlock() {
    if (was_blocked_)
        return;
    sigset_t set;
    ::sigemptyset(&set);
    ::sigaddset(&set, SIGPIPE);
    // Consume the SIGPIPEs our writes to dead workers raised, then unblock.
    const timespec zero{0, 0};
    while (::sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
    }
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

} // namespace spincim::sweep::detail
