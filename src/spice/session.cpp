#include "spincim/spice/session.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <unistd.h>

#include "spincim/core/error.hpp"
#include "spincim/units/units.hpp"

#include "classify.hpp"
#include "library_image.hpp"

#ifndef NGSPICE_LIBRARY_REAL
#error "NGSPICE_LIBRARY_REAL must be defined (path of libngspice.so found at configure time)"
#endif

namespace spincim::spice {

std::string_view to_string(RunStatus status) {
    switch (status) {
    case RunStatus::ok:
        return "ok";
    case RunStatus::warning:
        return "warning";
    case RunStatus::nonconvergence:
        return "nonconvergence";
    case RunStatus::parse_error:
        return "parse_error";
    case RunStatus::fatal:
        return "fatal";
    case RunStatus::timeout:
        return "timeout";
    }
    return "fatal";
}

bool RunResult::usable() const {
    return status == RunStatus::ok || status == RunStatus::warning;
}

std::string RunResult::summary() const {
    std::string line(to_string(status));
    if (!diagnostics.empty()) {
        line += ": " + diagnostics.front();
    }
    return line;
}

namespace {

using Clock = std::chrono::steady_clock;

// ngspice copies every command into a 1024-byte buffer (sharedspice.c, runc).
constexpr std::size_t max_command_length = 1023;
// Output kept per load+run; a runaway transient can print progress lines without end.
constexpr std::size_t max_output_lines = 20000;
// ngSpice_Command(NULL) clears the interpreter's command memory; without it RSS grows with every
// command (shared/NGSPICE.md, memory). Done at every load and every this many runs.
constexpr long clear_memory_every_runs = 64;
// How long bg_halt may take before the image is considered lost. ngspice's own _thread_stop polls
// for 100 x 10 ms; this is on top of that.
constexpr double halt_grace_s = 1.0;
// Longest wait a limit turns into (~32 years): an infinite timeout means "no bound", and
// converting infinity to a clock duration would be undefined behaviour.
constexpr double max_wait_s = 1e9;

// The one live Session of the process (ARCHITECTURE.md: the only global allowed).
std::atomic<bool>& session_alive() {
    static std::atomic<bool> alive{false};
    return alive;
}

SourceLocation at_key(std::string key) {
    SourceLocation where;
    where.key = std::move(key);
    return where;
}

Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::min(s, max_wait_s)));
}

// A limit for a diagnostic ("0.2", "inf").
std::string limit_text(double s) {
    return std::isfinite(s) ? units::to_spice(s) : std::string("inf");
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_identifier(std::string_view text) {
    if (text.empty() ||
        (std::isalpha(static_cast<unsigned char>(text.front())) == 0 && text.front() != '_')) {
        return false;
    }
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
}

// A device or model name as ngspice addresses it, possibly inside subcircuits: `r1`, `m.x1.mn`.
bool is_instance_path(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        auto dot = text.find('.', start);
        auto part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (part.empty() || !std::all_of(part.begin(), part.end(), [](unsigned char c) {
                return std::isalnum(c) != 0 || c == '_';
            })) {
            return false;
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return std::isalpha(static_cast<unsigned char>(text.front())) != 0 || text.front() == '_';
}

std::filesystem::path default_library() {
    if (const char* env = std::getenv("SPINCIM_NGSPICE_LIBRARY"); env != nullptr && *env != 0) {
        return env;
    }
    return NGSPICE_LIBRARY_REAL;
}

std::filesystem::path make_private_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "spincim-ngspice-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw Error("cannot create a private directory for ngspice under " +
                    std::filesystem::temp_directory_path().string());
    }
    return pattern;
}

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        auto line = text.substr(start, end == std::string_view::npos ? end : end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.emplace_back(line);
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string::npos) {
        lines.pop_back();
    }
    return lines;
}

std::string first_word(std::string_view text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    auto end = text.find_first_of(" \t", begin);
    return lower(text.substr(begin, end == std::string_view::npos ? end : end - begin));
}

} // namespace

struct Session::Impl final : detail::ImageSink {
    SessionOptions options;
    std::filesystem::path library;
    bool own_dir = false;
    locale_t c_locale = nullptr;
    struct sigaction saved_sigint {};

    std::unique_ptr<detail::LibraryImage> image;
    int next_ident = 0;
    bool image_has_circuit = false;
    // Loads that timed out, still parsing (or finished since) in their abandoned images.
    std::vector<std::shared_ptr<detail::CircCall>> stuck_parses;

    // Shared with ngspice's background thread (guarded by `mutex`).
    std::mutex mutex;
    std::condition_variable background_changed;
    std::vector<detail::Line> lines;
    std::vector<std::string> output;
    std::size_t dropped_lines = 0;
    bool fatal_seen = false;
    bool background_done = true;

    // Main-thread state.
    bool circuit_ok = false;
    bool ran_since_load = false;
    bool loaded_once = false;
    RunResult load_result;
    std::string plot;
    bool plot_valid = false;
    std::vector<std::string> names;
    SessionStats counters;

    void on_output(std::string_view raw) override {
        auto line = detail::parse_line(raw);
        std::lock_guard lock(mutex);
        if (lines.size() >= max_output_lines) {
            ++dropped_lines;
            return;
        }
        output.push_back(line.text);
        lines.push_back(std::move(line));
    }

    void on_controlled_exit(int /*status*/, bool /*on_quit*/) override {
        std::lock_guard lock(mutex);
        fatal_seen = true;
    }

    void on_background(bool running) override {
        {
            std::lock_guard lock(mutex);
            background_done = !running;
        }
        background_changed.notify_all();
    }

    void clear_output() {
        std::lock_guard lock(mutex);
        lines.clear();
        output.clear();
        dropped_lines = 0;
    }

    std::size_t line_count() {
        std::lock_guard lock(mutex);
        return lines.size();
    }

    std::vector<detail::Line> snapshot() {
        std::lock_guard lock(mutex);
        return lines;
    }

    bool take_fatal() {
        std::lock_guard lock(mutex);
        bool seen = fatal_seen;
        fatal_seen = false;
        return seen;
    }

    void restore_sigint() { sigaction(SIGINT, &saved_sigint, nullptr); }

    double load_limit_s() const { return options.load_timeout_s.value_or(options.timeout_s); }

    void open_image() {
        image = std::make_unique<detail::LibraryImage>(library, options.work_dir, next_ident++,
                                                       this, c_locale);
        image_has_circuit = false;
        detail::CLocaleScope scope(c_locale);
        // One thread per instance (BSIM4 uses OpenMP with 2 threads by default; NGSPICE.md).
        send("set num_threads=1");
        send("set noaskquit");
        restore_sigint();
    }

    // After a fatal error the image cannot be used again (shared/NGSPICE.md: it may silently
    // re-run the previous circuit): the result is `fatal` with ngspice's words and a fresh image
    // is loaded. Returns false when the load or run was not fatal.
    bool fatal_reload(const detail::Verdict& verdict, RunResult& result) {
        if (!take_fatal() && verdict.status != RunStatus::fatal) {
            return false;
        }
        result.status = RunStatus::fatal;
        result.diagnostics = verdict.diagnostics;
        if (result.diagnostics.empty()) {
            result.diagnostics.emplace_back("ngspice requested to be detached (ControlledExit)");
        }
        reload(false);
        return true;
    }

    // The C locale object and the private directory (if the Session made it): what the
    // constructor acquired besides the library image.
    void release_process_resources() {
        if (c_locale != nullptr) {
            freelocale(c_locale);
            c_locale = nullptr;
        }
        if (own_dir) {
            std::error_code ignored;
            std::filesystem::remove_all(options.work_dir, ignored);
        }
    }

    // Throws the image away and loads a fresh copy (after a fatal error or a lost thread).
    void reload(bool abandon) {
        if (image) {
            if (abandon) {
                image->abandon();
                ++counters.abandoned_images;
            } else {
                join_background();
            }
            image.reset();
        }
        ++counters.reloads;
        circuit_ok = false;
        plot_valid = false;
        names.clear();
        open_image();
    }

    int send(const char* text) {
        ++counters.commands;
        return image->command(text);
    }

    // Joins ngspice's background thread: it calls back "exited" just before it returns, so the
    // thread may still execute library code; bg_halt pthread_join()s it (sharedspice.c,
    // _thread_stop). Needed before dlclose and before trusting the fatal flag.
    void join_background() {
        detail::CLocaleScope scope(c_locale);
        if (image) {
            send("bg_halt");
        }
    }

    // After the thread said "exited": wait until it has really left the library, so that the
    // fatal flag (ControlledExit comes after "exited") and all output are in.
    bool wait_thread_gone(double limit_s) {
        return image->wait_threads_gone(Clock::now() + seconds(limit_s));
    }

    bool wait_background(Clock::time_point deadline) {
        std::unique_lock lock(mutex);
        return background_changed.wait_until(lock, deadline, [this] { return background_done; });
    }

    void collect_plot(RunResult& result, const std::string& plot_before) {
        const char* current = image->cur_plot();
        std::string now = current != nullptr ? current : "";
        if (now.empty() || now == plot_before || now == "const") {
            detail::Verdict verdict{result.status, result.diagnostics};
            detail::escalate(verdict, RunStatus::nonconvergence,
                             "ngspice produced no new plot (still '" + now + "')");
            result.status = verdict.status;
            result.diagnostics = verdict.diagnostics;
            return;
        }
        result.plot = now;
        std::vector<std::string> found;
        if (char** all = image->all_vecs(now.c_str()); all != nullptr) {
            for (char** it = all; *it != nullptr; ++it) {
                found.push_back(lower(*it));
            }
        }
        detail::Verdict verdict{result.status, result.diagnostics};
        if (found.empty()) {
            detail::escalate(verdict, RunStatus::nonconvergence,
                             "plot '" + now + "' has no vectors");
        }
        for (const auto& name : found) {
            auto qualified = now + "." + name;
            pvector_info info = image->vec_info(qualified.c_str());
            if (info == nullptr || info->v_length <= 0) {
                detail::escalate(verdict, RunStatus::nonconvergence,
                                 "vector '" + name + "' has no data (no accepted time point)");
                break;
            }
            bool finite = true;
            for (int i = 0; i < info->v_length && finite; ++i) {
                if (info->v_realdata != nullptr) {
                    finite = std::isfinite(info->v_realdata[i]);
                } else if (info->v_compdata != nullptr) {
                    finite = std::isfinite(info->v_compdata[i].cx_real) &&
                             std::isfinite(info->v_compdata[i].cx_imag);
                }
            }
            if (!finite) {
                detail::escalate(verdict, RunStatus::nonconvergence,
                                 "vector '" + name + "' contains non-finite values (inf/nan)");
                break;
            }
        }
        result.status = verdict.status;
        result.diagnostics = verdict.diagnostics;
        if (result.usable()) {
            names = std::move(found);
            plot = now;
            plot_valid = true;
        }
    }

    // The name as it appears in the plot: "v(out)" and "out" both find the node voltage.
    std::optional<std::string> resolve(std::string_view name) const {
        auto wanted = lower(name);
        if (std::find(names.begin(), names.end(), wanted) != names.end()) {
            return wanted;
        }
        if (wanted.size() > 3 && wanted.starts_with("v(") && wanted.ends_with(")")) {
            auto inner = wanted.substr(2, wanted.size() - 3);
            if (std::find(names.begin(), names.end(), inner) != names.end()) {
                return inner;
            }
        } else {
            auto wrapped = "v(" + wanted + ")";
            if (std::find(names.begin(), names.end(), wrapped) != names.end()) {
                return wrapped;
            }
        }
        return std::nullopt;
    }

    pvector_info info_of(std::string_view name) const {
        if (!plot_valid) {
            throw Error("no vectors: the last run did not produce usable results");
        }
        auto resolved = resolve(name);
        if (!resolved) {
            std::string known;
            for (std::size_t i = 0; i < names.size() && i < 12; ++i) {
                known += (i == 0 ? "" : ", ") + names[i];
            }
            throw Error("no vector '" + std::string(name) + "' in plot '" + plot +
                        "' (it has: " + known + (names.size() > 12 ? ", ..." : "") + ")");
        }
        auto qualified = plot + "." + *resolved;
        pvector_info info = image->vec_info(qualified.c_str());
        if (info == nullptr) {
            throw Error("ngspice lost vector '" + qualified + "'");
        }
        return info;
    }

    void alter_command(const char* verb, std::string_view what, std::string_view target,
                       std::string_view param, double value) {
        if (!is_instance_path(target)) {
            throw InputError("invalid " + std::string(what) + " name '" + std::string(target) +
                                 "': expected letters, digits and '_' (subcircuit paths joined "
                                 "by '.')",
                             at_key(std::string(what)));
        }
        if (!is_identifier(param)) {
            throw InputError("invalid parameter name '" + std::string(param) + "' for " +
                                 std::string(what) + " '" + std::string(target) +
                                 "': expected [A-Za-z_][A-Za-z0-9_]*",
                             at_key("param"));
        }
        if (!std::isfinite(value)) {
            throw InputError("value for " + std::string(target) + "[" + std::string(param) +
                                 "] is not finite",
                             at_key(std::string(param)));
        }
        if (!image_has_circuit || !circuit_ok) {
            throw Error("alter needs a successfully loaded circuit");
        }
        auto text = std::string(verb) + " @" + std::string(target) + "[" + std::string(param) +
                    "]=" + units::to_spice(value);
        auto begin = line_count();
        {
            detail::CLocaleScope scope(c_locale);
            send(text.c_str());
        }
        auto after = snapshot();
        for (std::size_t i = begin; i < after.size(); ++i) {
            const auto lowered = lower(after[i].text);
            if (after[i].is_stderr && (lowered.find("error") != std::string::npos ||
                                       lowered.find("no such") != std::string::npos ||
                                       lowered.find("not found") != std::string::npos ||
                                       lowered.find("could not") != std::string::npos)) {
                throw InputError("ngspice rejected '" + text + "': " + after[i].text,
                                 at_key(std::string(param)));
            }
        }
    }
};

Session::Session(SessionOptions options) {
    bool expected = false;
    if (!session_alive().compare_exchange_strong(expected, true)) {
        throw Error("a spincim::spice::Session is already live in this process: libngspice "
                    "state is global, use one Session per process (or worker processes)");
    }
    try {
        impl_ = std::make_unique<Impl>();
        impl_->options = std::move(options);
        impl_->library =
            impl_->options.library.empty() ? default_library() : impl_->options.library;
        if (!(impl_->options.timeout_s > 0.0)) {
            throw InputError("SessionOptions::timeout_s must be positive", at_key("timeout_s"));
        }
        if (impl_->options.load_timeout_s && !(*impl_->options.load_timeout_s > 0.0)) {
            throw InputError("SessionOptions::load_timeout_s must be positive",
                             at_key("load_timeout_s"));
        }
        if (impl_->options.work_dir.empty()) {
            impl_->options.work_dir = make_private_dir();
            impl_->own_dir = true;
        } else {
            std::filesystem::create_directories(impl_->options.work_dir);
        }
        impl_->c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
        if (impl_->c_locale == nullptr) {
            throw Error("cannot create the C locale object");
        }
        sigaction(SIGINT, nullptr, &impl_->saved_sigint);
        impl_->open_image();
    } catch (...) {
        if (impl_) {
            impl_->image.reset();
            impl_->release_process_resources();
        }
        session_alive() = false;
        throw;
    }
}

Session::~Session() {
    if (impl_->image) {
        bool stopped = true;
        {
            std::lock_guard lock(impl_->mutex);
            stopped = impl_->background_done;
        }
        impl_->join_background();
        if (!stopped && !impl_->wait_background(Clock::now() + seconds(halt_grace_s))) {
            impl_->image->abandon();
        }
        impl_->image.reset();
    }
    impl_->restore_sigint();
    impl_->release_process_resources();
    session_alive() = false;
}

RunResult Session::load(std::string_view netlist_text) {
    auto& s = *impl_;
    const auto start = Clock::now();
    ++s.counters.loads;
    std::erase_if(s.stuck_parses, [](const auto& call) { return call->finished(); });
    s.clear_output();
    s.take_fatal();
    s.circuit_ok = false;
    s.ran_since_load = false;
    s.loaded_once = true;
    s.plot_valid = false;
    s.names.clear();
    s.plot.clear();

    RunResult result;
    auto finish = [&](RunResult r) {
        r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
        s.load_result = r;
        return r;
    };

    auto text_lines = split_lines(netlist_text);
    if (netlist_text.find('\0') != std::string_view::npos) {
        result.status = RunStatus::parse_error;
        result.diagnostics.emplace_back("netlist text contains a NUL character");
        return finish(result);
    }
    for (std::size_t i = 0; i < text_lines.size(); ++i) {
        auto word = first_word(text_lines[i]);
        if (i > 0 && (word == ".control" || word == ".endc")) {
            result.status = RunStatus::parse_error;
            result.diagnostics.push_back("netlist line " + std::to_string(i + 1) +
                                         ": a .control block is refused (it can run shell "
                                         "commands); the spice layer runs analyses itself");
            return finish(result);
        }
    }
    if (text_lines.empty()) {
        result.status = RunStatus::parse_error;
        result.diagnostics.emplace_back("empty netlist");
        return finish(result);
    }
    if (first_word(text_lines.back()) != ".end") {
        text_lines.emplace_back(".end");
    }

    const auto line_total = text_lines.size();
    std::shared_ptr<detail::CircCall> call;
    {
        detail::CLocaleScope scope(s.c_locale);
        if (s.image_has_circuit) {
            s.send("destroy all");
            s.send("remcirc");
            s.image_has_circuit = false;
        }
        s.image->clear_command_memory();
        s.clear_output();
        // ngSpice_Circ runs synchronously and nothing can interrupt it: it runs on a thread of
        // its own so that this one can stop waiting (detail::CircCall).
        call = s.image->start_circ(std::move(text_lines), s.c_locale);
        s.image_has_circuit = true;
    }
    const bool parsed = call->wait_until(start + seconds(s.load_limit_s()));
    s.restore_sigint();
    if (!parsed) {
        // The parse is still running inside this image and nothing can stop it: leak the image
        // with the thread in it (closing it would unmap code the thread executes) and continue
        // in a fresh one. Its callbacks are cut off by abandon(), so the stuck parse can neither
        // print into this load's output nor flag a fatal error on the new image.
        result.status = RunStatus::timeout;
        result.diagnostics.push_back(
            "load exceeded load_timeout_s = " + limit_text(s.load_limit_s()) +
            " s: ngspice's parser (ngSpice_Circ) had not returned from the " +
            std::to_string(line_total) +
            "-line netlist (an .include that blocks, or a runaway expansion); the library image "
            "was abandoned with the parse still running in it and a fresh one loaded");
        s.stuck_parses.push_back(std::move(call));
        s.reload(true);
        s.take_fatal();
        return finish(result);
    }

    auto verdict = detail::classify_load(s.snapshot(), 0);
    if (s.fatal_reload(verdict, result)) {
        return finish(result);
    }
    result.status = verdict.status;
    result.diagnostics = verdict.diagnostics;
    s.circuit_ok = result.usable();
    return finish(result);
}

RunResult Session::run() {
    auto& s = *impl_;
    const auto start = Clock::now();
    RunResult result;
    auto finish = [&](RunResult r) {
        r.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
        return r;
    };
    s.plot_valid = false;
    s.names.clear();
    s.plot.clear();
    if (!s.circuit_ok) {
        result.status = s.loaded_once && !s.load_result.usable() ? s.load_result.status
                                                                 : RunStatus::parse_error;
        result.diagnostics.emplace_back(
            s.loaded_once ? "run refused: no usable circuit is loaded (the last load or run "
                            "failed; load a netlist again)"
                          : "run refused: no circuit loaded");
        for (const auto& d : s.load_result.diagnostics) {
            result.diagnostics.push_back(d);
        }
        return finish(result);
    }
    ++s.counters.runs;
    if (s.ran_since_load) {
        s.clear_output();
    }
    const auto begin = s.line_count();
    std::string plot_before;
    {
        detail::CLocaleScope scope(s.c_locale);
        if (s.ran_since_load) {
            // Only the newest plot is ever read: drop the older ones (NGSPICE.md, memory).
            s.send("destroy all");
        }
        if (s.counters.runs % clear_memory_every_runs == 0) {
            s.image->clear_command_memory();
        }
        if (const char* p = s.image->cur_plot(); p != nullptr) {
            plot_before = p;
        }
        {
            std::lock_guard lock(s.mutex);
            s.background_done = false;
            s.fatal_seen = false;
        }
        s.send("bg_run");
    }
    const auto deadline = start + seconds(s.options.timeout_s);
    bool finished = s.wait_background(deadline);
    bool timed_out = false;
    bool lost = false;
    if (!finished) {
        timed_out = true;
        // bg_halt sets ngspice's interrupt flag, which the analysis polls, and waits up to 1 s.
        s.join_background();
        finished = s.wait_background(Clock::now() + seconds(halt_grace_s));
        lost = !finished || !s.wait_thread_gone(halt_grace_s);
    } else {
        lost = !s.wait_thread_gone(halt_grace_s);
        s.join_background();
    }
    s.restore_sigint();
    const bool first_after_load = !s.ran_since_load;
    s.ran_since_load = true;

    if (lost) {
        result.status = RunStatus::timeout;
        result.diagnostics.push_back(
            timed_out ? "run exceeded timeout_s = " + units::to_spice(s.options.timeout_s) +
                            " s and ngspice ignored bg_halt: the library image was abandoned "
                            "and reloaded"
                      : std::string("ngspice's background thread did not exit: the library "
                                    "image was abandoned and reloaded"));
        s.reload(true);
        return finish(result);
    }
    auto lines = s.snapshot();
    auto verdict = detail::classify_run(lines, begin);
    if (s.fatal_reload(verdict, result)) {
        return finish(result);
    }
    if (timed_out) {
        result.status = RunStatus::timeout;
        result.diagnostics.push_back(
            "run exceeded timeout_s = " + units::to_spice(s.options.timeout_s) +
            " s; halted with bg_halt");
        // A halted analysis is paused, not finished: the circuit must be loaded again.
        s.circuit_ok = false;
        return finish(result);
    }
    result.status = verdict.status;
    result.diagnostics = verdict.diagnostics;
    if (first_after_load && s.load_result.status == RunStatus::warning) {
        // The load's warnings ("device already exists ...") belong to the first run's result.
        detail::Verdict merged{result.status, result.diagnostics};
        for (const auto& d : s.load_result.diagnostics) {
            detail::escalate(merged, RunStatus::warning, d);
        }
        result.status = merged.status;
        result.diagnostics = merged.diagnostics;
    }
    s.collect_plot(result, plot_before);
    return finish(result);
}

RunResult Session::simulate(std::string_view netlist_text) {
    auto loaded = load(netlist_text);
    if (!loaded.usable()) {
        return loaded;
    }
    auto ran = run();
    ran.elapsed_s += loaded.elapsed_s;
    return ran;
}

void Session::alter(std::string_view device, std::string_view param, double value) {
    impl_->alter_command("alter", "device", device, param, value);
}

void Session::alter_model(std::string_view model, std::string_view param, double value) {
    impl_->alter_command("altermod", "model", model, param, value);
}

std::vector<std::string> Session::command(std::string_view text) {
    auto& s = *impl_;
    auto refuse = [&](const std::string& why) {
        throw InputError("ngspice command '" + std::string(text.substr(0, 80)) +
                             "' refused: " + why,
                         at_key("command"));
    };
    if (text.size() > max_command_length) {
        refuse("longer than " + std::to_string(max_command_length) +
               " characters (ngspice's command buffer would overflow)");
    }
    if (text.find_first_of(std::string_view(";\n\r`!<>\0", 8)) != std::string_view::npos) {
        refuse("contains a command separator, redirection, history or shell character");
    }
    static constexpr std::string_view refused_words[] = {
        "quit",   "exit", "shell", "source",  "cd",    "alias", "unalias", "codemodel", "run",
        "tran",   "op",   "ac",    "dc",      "noise", "pz",    "tf",      "sens",      "disto",
        "resume", "step", "reset", "remcirc", "load",  "edit",  "rusage",  "help",      "history"};
    auto word = first_word(text);
    if (word.empty()) {
        refuse("empty command");
    }
    if (word.starts_with("bg_") || std::find(std::begin(refused_words), std::end(refused_words),
                                             word) != std::end(refused_words)) {
        refuse("'" + word + "' is managed by the Session or unsafe in a library");
    }
    std::string owned(text);
    auto begin = s.line_count();
    {
        detail::CLocaleScope scope(s.c_locale);
        s.send(owned.c_str());
    }
    s.restore_sigint();
    auto after = s.snapshot();
    std::vector<std::string> printed;
    for (std::size_t i = begin; i < after.size(); ++i) {
        printed.push_back(after[i].text);
    }
    if (s.take_fatal()) {
        s.reload(false);
        throw SimulationError("ngspice failed fatally on command '" + owned +
                              "'; the library image was reloaded");
    }
    return printed;
}

std::vector<double> Session::vector(std::string_view name) const {
    auto* info = impl_->info_of(name);
    std::vector<double> values(static_cast<std::size_t>(info->v_length));
    for (int i = 0; i < info->v_length; ++i) {
        values[static_cast<std::size_t>(i)] =
            info->v_realdata != nullptr ? info->v_realdata[i] : info->v_compdata[i].cx_real;
    }
    return values;
}

std::vector<std::complex<double>> Session::complex_vector(std::string_view name) const {
    auto* info = impl_->info_of(name);
    std::vector<std::complex<double>> values(static_cast<std::size_t>(info->v_length));
    for (int i = 0; i < info->v_length; ++i) {
        values[static_cast<std::size_t>(i)] =
            info->v_compdata != nullptr
                ? std::complex<double>(info->v_compdata[i].cx_real, info->v_compdata[i].cx_imag)
                : std::complex<double>(info->v_realdata[i], 0.0);
    }
    return values;
}

bool Session::has_vector(std::string_view name) const {
    return impl_->plot_valid && impl_->resolve(name).has_value();
}

std::vector<std::string> Session::vector_names() const {
    return impl_->plot_valid ? impl_->names : std::vector<std::string>{};
}

const std::vector<std::string>& Session::output() const {
    return impl_->output;
}

int Session::reloads() const {
    return impl_->counters.reloads;
}

SessionStats Session::stats() const {
    auto stats = impl_->counters;
    stats.stuck_loads =
        static_cast<int>(std::count_if(impl_->stuck_parses.begin(), impl_->stuck_parses.end(),
                                       [](const auto& call) { return !call->finished(); }));
    return stats;
}

const std::filesystem::path& Session::work_dir() const {
    return impl_->options.work_dir;
}

} // namespace spincim::spice
