#pragma once
// One dlopen()ed, privately patched copy of libngspice (internal to the spice layer).

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <locale.h>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <ngspice/sharedspice.h>

namespace spincim::spice::detail {

// What the image reports back. Called from the thread that called into ngspice or from ngspice's
// background thread; implementations must guard their state.
class ImageSink {
public:
    virtual void on_output(std::string_view line) = 0;
    virtual void on_controlled_exit(int status, bool on_quit) = 0;
    // `running` is true when the background thread starts, false when it ends.
    virtual void on_background(bool running) = 0;

protected:
    ~ImageSink() = default;
};

// Per-image callback context. Leaked on purpose when an image is abandoned, so that a background
// thread that never stopped still finds valid memory when it calls back.
struct ImageContext {
    std::mutex mutex;
    std::condition_variable thread_gone;
    ImageSink* sink = nullptr;
    bool abandoned = false;
    int live_threads = 0; // ngspice background threads that have not finished exiting
    locale_t c_locale = nullptr;
};

// One ngSpice_Circ call on a thread of its own, so that the caller can stop waiting for it.
//
// ngspice's parser polls no interrupt flag (bg_halt only reaches the background thread of a
// run): a parse that blocks (an `.include` of a FIFO nobody writes, a file on a hung mount) or
// computes for hours (subcircuits or `.func` definitions nested so that they expand
// exponentially) can only be walked away from, leaving the thread inside an abandoned image. So the
// thread owns everything it touches -- the netlist lines, a C locale, the entry point into the
// image -- and never the Session or the LibraryImage object, which may be gone long before
// ngSpice_Circ returns.
class CircCall {
    struct Private {};

public:
    // Starts the call. `circ` must stay mapped for as long as the call runs: the image is either
    // waited for (finished()) or leaked (LibraryImage::abandon()), never closed under it.
    static std::shared_ptr<CircCall> start(int (*circ)(char**), std::vector<std::string> lines,
                                           locale_t c_locale);
    CircCall(Private, int (*circ)(char**), std::vector<std::string> lines, locale_t c_locale);
    ~CircCall();
    CircCall(const CircCall&) = delete;
    CircCall& operator=(const CircCall&) = delete;
    CircCall(CircCall&&) = delete;
    CircCall& operator=(CircCall&&) = delete;

    // True once ngSpice_Circ has returned; false if it still runs at `deadline`.
    bool wait_until(std::chrono::steady_clock::time_point deadline);
    [[nodiscard]] bool finished();

private:
    void execute();

    int (*circ_)(char**);
    std::vector<std::string> lines_;
    std::vector<char*> pointers_;
    locale_t locale_ = nullptr;
    std::mutex mutex_;
    std::condition_variable done_;
    bool finished_ = false;
};

class LibraryImage {
public:
    // Copies `source` into `dir` under a unique name, neutralizing `.spiceinit`, dlopen()s the copy
    // (RTLD_NOW | RTLD_LOCAL) and initializes ngspice with id `ident`. Throws spincim::Error.
    LibraryImage(const std::filesystem::path& source, const std::filesystem::path& dir, int ident,
                 ImageSink* sink, locale_t c_locale);
    ~LibraryImage();
    LibraryImage(const LibraryImage&) = delete;
    LibraryImage& operator=(const LibraryImage&) = delete;
    LibraryImage(LibraryImage&&) = delete;
    LibraryImage& operator=(LibraryImage&&) = delete;

    // Detaches the sink and leaks the image: used when ngspice's background thread did not stop,
    // because unmapping code a thread still executes would crash the process.
    void abandon();

    int command(const char* text) const { return command_(const_cast<char*>(text)); }
    // ngSpice_Command(NULL): clears ngspice's command memory (shared/NGSPICE.md, memory).
    int clear_command_memory() const { return command_(nullptr); }
    // ngSpice_Circ(lines) on a thread of its own (see CircCall).
    [[nodiscard]] std::shared_ptr<CircCall> start_circ(std::vector<std::string> lines,
                                                       locale_t c_locale) const {
        return CircCall::start(circ_, std::move(lines), c_locale);
    }
    [[nodiscard]] pvector_info vec_info(const char* name) const {
        return vec_info_(const_cast<char*>(name));
    }
    [[nodiscard]] const char* cur_plot() const { return cur_plot_(); }
    [[nodiscard]] char** all_vecs(const char* plot) const {
        return all_vecs_(const_cast<char*>(plot));
    }
    [[nodiscard]] bool running() const { return running_(); }
    // Waits until every background thread ngspice started has left the library's code (see
    // background_running in library_image.cpp). False if one is still alive at `deadline`.
    bool wait_threads_gone(std::chrono::steady_clock::time_point deadline) const;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    // The byte pattern that is replaced in the private copy (exposed for tests).
    static constexpr std::string_view spiceinit_name = ".spiceinit";
    static constexpr std::string_view spiceinit_replacement = "/dev/null";

private:
    std::filesystem::path path_;
    void* handle_ = nullptr;
    ImageContext* context_ = nullptr;
    int (*command_)(char*) = nullptr;
    int (*circ_)(char**) = nullptr;
    pvector_info (*vec_info_)(char*) = nullptr;
    char* (*cur_plot_)() = nullptr;
    char** (*all_vecs_)(char*) = nullptr;
    bool (*running_)() = nullptr;
};

// Makes the C locale current for the calling thread for its lifetime (uselocale is per thread,
// so this never disturbs other threads of the process).
class CLocaleScope {
public:
    explicit CLocaleScope(locale_t c_locale) : previous_(uselocale(c_locale)) {}
    ~CLocaleScope() { uselocale(previous_); }
    CLocaleScope(const CLocaleScope&) = delete;
    CLocaleScope& operator=(const CLocaleScope&) = delete;
    CLocaleScope(CLocaleScope&&) = delete;
    CLocaleScope& operator=(CLocaleScope&&) = delete;

private:
    locale_t previous_;
};

} // namespace spincim::spice::detail
