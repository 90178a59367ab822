#include "library_image.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include "spincim/core/error.hpp"

namespace spincim::spice::detail {

namespace {

int send_char(char* text, int /*ident*/, void* user) {
    auto* context = static_cast<ImageContext*>(user);
    std::lock_guard lock(context->mutex);
    if (!context->abandoned && context->sink != nullptr && text != nullptr) {
        // The line keeps its "stdout "/"stderr " tag; the sink sorts the streams.
        context->sink->on_output(text);
    }
    return 0;
}

int send_stat(char* /*text*/, int /*ident*/, void* /*user*/) {
    return 0;
}

int controlled_exit(int status, NG_BOOL /*immediate*/, NG_BOOL on_quit, int /*ident*/, void* user) {
    auto* context = static_cast<ImageContext*>(user);
    std::lock_guard lock(context->mutex);
    if (!context->abandoned && context->sink != nullptr) {
        context->sink->on_controlled_exit(status, on_quit);
    }
    return 0;
}

// Counts a background thread out when it really ends. sharedspice.c says "exited" through
// BGThreadRunning *before* the thread returns (or calls pthread_exit), so the thread still runs
// library code for a moment; unmapping the image then crashes the process. A thread_local
// object's destructor runs in the thread's exit path inside libc, after the start routine has
// left the library: from then on the image may be closed.
struct ThreadExitNotice {
    ImageContext* context = nullptr;
    ThreadExitNotice() = default;
    ThreadExitNotice(const ThreadExitNotice&) = delete;
    ThreadExitNotice& operator=(const ThreadExitNotice&) = delete;
    ThreadExitNotice(ThreadExitNotice&&) = delete;
    ThreadExitNotice& operator=(ThreadExitNotice&&) = delete;
    ~ThreadExitNotice() {
        if (context != nullptr) {
            std::lock_guard lock(context->mutex);
            --context->live_threads;
            context->thread_gone.notify_all();
        }
    }
};

thread_local ThreadExitNotice thread_exit_notice;

// sharedspice.c calls this from the background thread itself, with `exited == false` right after
// the thread started and `exited == true` just before it ends. The start call is our chance to
// give that thread the C locale: ngspice formats and re-parses numbers with printf/strtod
// (numparam substitution), which a process locale such as de_DE breaks.
int background_running(NG_BOOL exited, int /*ident*/, void* user) {
    auto* context = static_cast<ImageContext*>(user);
    if (!exited && context->c_locale != nullptr) {
        uselocale(context->c_locale);
    }
    std::lock_guard lock(context->mutex);
    if (!exited && thread_exit_notice.context == nullptr) {
        thread_exit_notice.context = context;
        ++context->live_threads;
    }
    if (!context->abandoned && context->sink != nullptr) {
        context->sink->on_background(!exited);
    }
    return 0;
}

template <typename F>
F resolve(void* handle, const char* name, const std::filesystem::path& path) {
    dlerror();
    void* symbol = dlsym(handle, name);
    if (symbol == nullptr) {
        const char* why = dlerror();
        throw Error("libngspice copy " + path.string() + " lacks symbol " + name + ": " +
                    (why != nullptr ? why : "not found"));
    }
    return reinterpret_cast<F>(symbol);
}

// Copies the library, replacing every NUL-delimited ".spiceinit" string by "/dev/null".
//
// ngspice 39 (sharedspice.c, ngSpice_Init) sources ".spiceinit" if access(".spiceinit") finds one
// in the working directory, else "<pw_dir>/.spiceinit" from getpwuid(getuid()) -- not $HOME, so
// setting HOME does not help, and chdir() would change the whole process. In the patched copy the
// first test becomes access("/dev/null"), which always succeeds, and sourcing /dev/null runs
// nothing; the home branch is never reached.
void copy_patched(const std::filesystem::path& source, const std::filesystem::path& target) {
    std::ifstream in(source, std::ios::binary);
    if (!in) {
        throw Error("cannot read libngspice at " + source.string() +
                    " (set SPINCIM_NGSPICE_LIBRARY or SessionOptions::library)");
    }
    // Whole-file read and memmem(): this runs at every (re)load, also in unoptimized builds.
    const auto size = std::filesystem::file_size(source);
    std::vector<char> bytes(static_cast<std::size_t>(size));
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (!in) {
        throw Error("cannot read libngspice at " + source.string());
    }
    const std::string pattern =
        std::string(1, '\0') + std::string(LibraryImage::spiceinit_name) + std::string(1, '\0');
    std::string replacement(LibraryImage::spiceinit_replacement);
    replacement.resize(LibraryImage::spiceinit_name.size(), '\0');
    int patched = 0;
    char* cursor = bytes.data();
    char* const end = bytes.data() + bytes.size();
    while (cursor < end) {
        void* hit =
            memmem(cursor, static_cast<std::size_t>(end - cursor), pattern.data(), pattern.size());
        if (hit == nullptr) {
            break;
        }
        char* at = static_cast<char*>(hit);
        std::memcpy(at + 1, replacement.data(), replacement.size());
        cursor = at + pattern.size() - 1;
        ++patched;
    }
    if (patched == 0) {
        throw Error("cannot neutralize .spiceinit in " + source.string() +
                    ": the string was not found (unsupported libngspice build)");
    }
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
        throw Error("cannot write the private libngspice copy " + target.string());
    }
}

} // namespace

LibraryImage::LibraryImage(const std::filesystem::path& source, const std::filesystem::path& dir,
                           int ident, ImageSink* sink, locale_t c_locale) {
    // A name never used before in this process, not just in this Session: dlopen() hands back an
    // image already loaded under the same path, and an abandoned image stays loaded (leaked,
    // possibly with a thread inside) after its file is gone and its Session has ended. A later
    // Session in the same directory, counting idents from 0 again, would otherwise get it back.
    auto pattern = (dir / ("libngspice-spincim-" + std::to_string(::getpid()) + "-" +
                           std::to_string(ident) + "-XXXXXX.so"))
                       .string();
    const int fd = mkstemps(pattern.data(), 3);
    if (fd < 0) {
        throw Error("cannot create the private libngspice copy " + pattern + ": " +
                    std::strerror(errno));
    }
    ::close(fd);
    path_ = pattern;
    try {
        copy_patched(source, path_);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
        throw;
    }
    handle_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
        const char* why = dlerror();
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
        throw Error("cannot dlopen " + path_.string() + ": " + (why != nullptr ? why : "?"));
    }
    try {
        auto init = resolve<decltype(&ngSpice_Init)>(handle_, "ngSpice_Init", path_);
        auto init_sync = resolve<decltype(&ngSpice_Init_Sync)>(handle_, "ngSpice_Init_Sync", path_);
        command_ = resolve<decltype(command_)>(handle_, "ngSpice_Command", path_);
        circ_ = resolve<decltype(circ_)>(handle_, "ngSpice_Circ", path_);
        vec_info_ = resolve<decltype(vec_info_)>(handle_, "ngGet_Vec_Info", path_);
        cur_plot_ = resolve<decltype(cur_plot_)>(handle_, "ngSpice_CurPlot", path_);
        all_vecs_ = resolve<decltype(all_vecs_)>(handle_, "ngSpice_AllVecs", path_);
        running_ = resolve<decltype(running_)>(handle_, "ngSpice_running", path_);

        context_ = new ImageContext;
        context_->sink = sink;
        context_->c_locale = c_locale;

        // ngSpice_Init installs its own SIGINT handler, which would point into unmapped code
        // after dlclose. Keep the process's handler.
        struct sigaction saved {};
        sigaction(SIGINT, nullptr, &saved);
        const int rc = init(send_char, send_stat, controlled_exit, nullptr, nullptr,
                            background_running, context_);
        int id = ident;
        init_sync(nullptr, nullptr, nullptr, &id, context_);
        sigaction(SIGINT, &saved, nullptr);
        if (rc != 0) {
            throw Error("ngSpice_Init failed for " + path_.string());
        }
    } catch (...) {
        delete context_;
        context_ = nullptr;
        dlclose(handle_);
        handle_ = nullptr;
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
        throw;
    }
}

bool LibraryImage::wait_threads_gone(std::chrono::steady_clock::time_point deadline) const {
    if (context_ == nullptr) {
        return true;
    }
    std::unique_lock lock(context_->mutex);
    return context_->thread_gone.wait_until(lock, deadline,
                                            [this] { return context_->live_threads == 0; });
}

LibraryImage::~LibraryImage() {
    if (context_ != nullptr &&
        !wait_threads_gone(std::chrono::steady_clock::now() + std::chrono::seconds(5))) {
        // A thread still runs inside the image: leak it rather than crash (see abandon()).
        abandon();
    }
    if (handle_ != nullptr) {
        dlclose(handle_);
    }
    delete context_;
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

void LibraryImage::abandon() {
    if (context_ != nullptr) {
        std::lock_guard lock(context_->mutex);
        context_->abandoned = true;
        context_->sink = nullptr;
    }
    // Both are leaked on purpose (see the header): a thread may still run inside the image.
    context_ = nullptr;
    handle_ = nullptr;
}

std::shared_ptr<CircCall> CircCall::start(int (*circ)(char**), std::vector<std::string> lines,
                                          locale_t c_locale) {
    auto call = std::make_shared<CircCall>(Private{}, circ, std::move(lines), c_locale);
    try {
        // Detached at once: nobody may block on a parse that never ends. The thread keeps the
        // call alive through its own shared_ptr; finished_ is the only synchronization needed.
        std::thread([call] { call->execute(); }).detach();
    } catch (const std::system_error& e) {
        throw Error(std::string("cannot start a thread for ngSpice_Circ: ") + e.what());
    }
    return call;
}

CircCall::CircCall(Private, int (*circ)(char**), std::vector<std::string> lines, locale_t c_locale)
    : circ_(circ), lines_(std::move(lines)) {
    // A copy of its own: the Session frees its locale object when it ends, and a stuck call may
    // outlive it.
    locale_ = duplocale(c_locale);
    if (locale_ == nullptr) {
        throw Error("cannot copy the C locale object for ngSpice_Circ");
    }
    pointers_.reserve(lines_.size() + 1);
    for (auto& line : lines_) {
        pointers_.push_back(line.data());
    }
    pointers_.push_back(nullptr);
}

CircCall::~CircCall() {
    freelocale(locale_);
}

void CircCall::execute() {
    {
        // uselocale is per thread: this one needs the C locale for itself (numparam prints and
        // re-parses numbers).
        CLocaleScope scope(locale_);
        // The return value carries nothing: ngspice reports parse errors through SendChar and
        // fatal ones through ControlledExit, both classified by the Session.
        circ_(pointers_.data());
    }
    {
        std::lock_guard lock(mutex_);
        finished_ = true;
    }
    done_.notify_all();
}

bool CircCall::wait_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return done_.wait_until(lock, deadline, [this] { return finished_; });
}

bool CircCall::finished() {
    std::lock_guard lock(mutex_);
    return finished_;
}

} // namespace spincim::spice::detail
