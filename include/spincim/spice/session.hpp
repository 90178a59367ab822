#pragma once
// In-process ngspice: one RAII Session per process over a private, dlopen()ed copy of libngspice.
//
// Why a private copy (shared/NGSPICE.md): libngspice keeps all state in globals of the loaded
// image, so a fatal error ("cannot recover and awaits to be detached") poisons the image for the
// rest of the process. The Session copies the library into its private directory under a unique
// name, dlopen()s that copy, and throws the whole image away (dlclose + fresh copy + dlopen) after
// a fatal error. The copy is also patched so that ngspice never sources a `.spiceinit` from the
// working directory or the user's home (see library_image.cpp).
//
// Every run is classified from ngspice's own messages AND from the vectors it produced
// (RunStatus); the words that led to the status are kept in RunResult::diagnostics.

#include <complex>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spincim::spice {

enum class RunStatus { ok, warning, nonconvergence, parse_error, fatal, timeout };

// "ok", "warning", "nonconvergence", "parse_error", "fatal", "timeout".
[[nodiscard]] std::string_view to_string(RunStatus status);

struct RunResult {
    RunStatus status = RunStatus::ok;
    std::vector<std::string> diagnostics; // ngspice's own words that led to the status
    std::string plot;                     // plot the vectors come from ("op1", "tran2", ...)
    double elapsed_s = 0.0;

    // ok or warning: vectors may be read.
    [[nodiscard]] bool usable() const;
    // One line: status + first diagnostic.
    [[nodiscard]] std::string summary() const;
};

struct SessionOptions {
    // Default: env SPINCIM_NGSPICE_LIBRARY, else the libngspice found at configure time.
    std::filesystem::path library;
    // Wall-clock bound of one run(). Must be positive; infinity means no bound.
    double timeout_s = 60.0;
    // Wall-clock bound of one load() (ngspice's parse, ngSpice_Circ). Unset: timeout_s, so a
    // caller that sizes timeout_s to fit its own watchdog bounds the parse too. Must be positive.
    // A parse cannot be interrupted: on timeout the library image is abandoned with the parse
    // still running in it (leaked, see SessionStats::abandoned_images) and a fresh one loaded.
    std::optional<double> load_timeout_s;
    // Default: a fresh private temp dir, removed in the destructor. The private library copies
    // live here.
    std::filesystem::path work_dir;
};

// Cumulative counters of one Session (for benchmarks and memory checks).
struct SessionStats {
    long loads = 0;
    long runs = 0;
    long commands = 0;
    int reloads = 0;
    // Images leaked instead of closed because a thread still ran inside them: a run that ignored
    // bg_halt, or a load that exceeded load_timeout_s.
    int abandoned_images = 0;
    // Of those loads, how many are still parsing in their abandoned image (each holds a thread,
    // and CPU if the parse computes rather than waits).
    int stuck_loads = 0;
};

class Session {
public:
    // Constructing a second live Session in the same process throws spincim::Error.
    explicit Session(SessionOptions options = {});
    // Halts a running simulation, destroys circuits, dlcloses the image, removes the private
    // copy (and the private directory if the Session created it).
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;

    // Replaces the loaded circuit (the old one is destroyed first). The text is a complete
    // netlist: title line first; `.end` is appended when missing. A `.control` block is refused
    // (parse_error): it could run shell commands (ARCHITECTURE.md, conventions). Bounded by
    // options.load_timeout_s: a parse that takes longer returns `timeout` and the next load runs
    // in a fresh library image.
    RunResult load(std::string_view netlist_text);
    // Runs the analyses of the loaded netlist in ngspice's background thread, bounded by
    // options.timeout_s. After a failed load it does not run (it would re-run a stale circuit).
    RunResult run();
    // load + run.
    RunResult simulate(std::string_view netlist_text);

    // `alter @device[param]=value`. Identifiers are validated (InputError); an alter ngspice
    // rejects (unknown device or parameter) throws InputError with ngspice's words.
    void alter(std::string_view device, std::string_view param, double value);
    // `altermod @model[param]=value`, validated like alter().
    void alter_model(std::string_view model, std::string_view param, double value);
    // A trusted internal ngspice command (e.g. "set temp=85"). Refuses text that could end the
    // library (`quit`, `exit`), start another command (`;`, newline), run a shell (`shell`,
    // backquotes), source files, or overflow ngspice's 1023-byte command buffer (InputError).
    // Returns the lines ngspice printed.
    std::vector<std::string> command(std::string_view text);

    // Real part of a vector of the last run's plot; throws spincim::Error if absent. Node voltages
    // may be named "out" or "v(out)".
    [[nodiscard]] std::vector<double> vector(std::string_view name) const;
    // Complex data (AC analysis); real vectors come back with zero imaginary part.
    [[nodiscard]] std::vector<std::complex<double>> complex_vector(std::string_view name) const;
    [[nodiscard]] bool has_vector(std::string_view name) const;
    // Names in the last run's plot, lower case as ngspice names them ("out", "v1#branch",
    // "time"). Empty when the last run is not usable.
    [[nodiscard]] std::vector<std::string> vector_names() const;
    // Every line ngspice printed during the last load+run (stdout and stderr, prefix stripped).
    [[nodiscard]] const std::vector<std::string>& output() const;
    // How often the library image was thrown away and reloaded.
    [[nodiscard]] int reloads() const;
    [[nodiscard]] SessionStats stats() const;
    // The private directory holding the library copies.
    [[nodiscard]] const std::filesystem::path& work_dir() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace spincim::spice
