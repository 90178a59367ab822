#include "spincim/sweep/sweep.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <poll.h>
#include <set>
#include <thread>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/sweep/worker.hpp"

#include "progress.hpp"
#include "worker_process.hpp"

namespace spincim::sweep {

using Clock = std::chrono::steady_clock;

std::string study_hash_of(std::string_view bytes) {
    char buf[17];
    const auto res = std::to_chars(buf, buf + 16, fnv1a64(bytes), 16);
    const std::string digits(buf, res.ptr);
    return std::string(16 - digits.size(), '0').append(digits);
}

namespace {

// A worker that broke the protocol this badly is not a spincim sweep worker at all.
constexpr std::size_t max_line_bytes = std::size_t{1} << 20;
// Workers that exit before their greeting this many times in a row: the command is broken.
constexpr int max_startup_failures = 3;
// Grace period for workers to exit after their stdin was closed, before SIGKILL.
constexpr double shutdown_grace_s = 2.0;

struct Slot {
    std::unique_ptr<detail::WorkerProcess> process;
    std::string buffer;
    bool greeted = false;
    std::optional<SampleId> current;
    Clock::time_point deadline{};
};

std::string clip(std::string_view text, std::size_t n = 200) {
    std::string out = escape_field(text.substr(0, n));
    if (text.size() > n)
        out.append("...");
    return out;
}

} // namespace

struct Sweep::Impl {
    SweepOptions opt;
    std::vector<std::string> argv; // worker_argv with argv[0] resolved
    Journal journal;
    std::map<SampleId, SampleRecord> records;
    Stats stats;
    // The worker pool. It outlives run() calls, so an adaptive plan's rounds reuse warm workers
    // (a worker's set-up, e.g. a simulator calibration, is paid once per sweep, not per round).
    std::vector<Slot> slots;

    explicit Impl(SweepOptions o)
        : opt(std::move(o)), journal(opt.journal, opt.study_hash, opt.value_names, opt.resume) {
        for (const auto& r : journal.loaded())
            records.emplace(r.id, r);
        stats.resumed = journal.loaded().size();
        stats.discarded_lines = journal.discarded_lines();
    }

    void run(std::span<const SampleId> ids);

    // Orderly end of the pool: close every stdin first, then give the workers a moment to exit
    // together before they are killed.
    void shutdown() {
        for (auto& slot : slots)
            if (slot.process)
                slot.process->close_stdin();
        const auto grace_end = Clock::now() + std::chrono::duration<double>(shutdown_grace_s);
        for (auto& slot : slots) {
            if (!slot.process)
                continue;
            const double left = std::chrono::duration<double>(grace_end - Clock::now()).count();
            finish_slot(slot, std::max(left, 0.0), nullptr);
        }
    }

    // State of one run() call.
    struct Round {
        std::deque<SampleId> pending;
        std::map<SampleId, int> attempts;
        std::size_t total = 0;
        std::size_t done = 0;
        int startup_failures = 0;
        std::string last_startup_failure;
    };

    void record(Round& round, SampleRecord r) {
        journal.append(r, opt.fsync);
        records.insert_or_assign(r.id, std::move(r));
        ++stats.evaluated;
        ++round.done;
    }

    // The worker in `slot` crashed (`how` = its end) or hung: retry or give up on its sample.
    void fail_sample(Round& round, const SampleId& id, SampleStatus status,
                     const std::string& how) {
        const int attempts = round.attempts[id];
        if (attempts < opt.max_attempts) {
            round.pending.push_front(id);
            ++stats.retried;
            return;
        }
        SampleRecord r;
        r.id = id;
        r.status = status;
        r.attempts = attempts;
        r.message = status == SampleStatus::timeout
                        ? "worker silent for more than " + format_value(opt.sample_timeout_s) +
                              " s on every attempt"
                        : "worker died on every attempt (last: " + how + ")";
        record(round, std::move(r));
    }

    void finish_slot(Slot& slot, double grace_s, std::string* how) {
        const std::string end = slot.process->finish(grace_s);
        if (how != nullptr)
            *how = end;
        slot.process.reset();
        slot.buffer.clear();
        slot.greeted = false;
        slot.current.reset();
    }

    void replace(Slot& slot) {
        finish_slot(slot, 0.0, nullptr);
        ++stats.workers_replaced;
    }

    void start(Slot& slot) {
        slot.process = std::make_unique<detail::WorkerProcess>(argv, opt.worker_dir);
        ++stats.workers_started;
    }

    // One complete line from the worker in `slot`.
    void on_line(Round& round, Slot& slot, std::string_view line) {
        if (!slot.greeted) {
            if (line != worker_greeting)
                throw InputError("sweep worker '" + opt.worker_argv.front() +
                                 "' is not a spincim sweep worker: its first line was '" +
                                 clip(line) + "', expected '" + escape_field(worker_greeting) +
                                 "'");
            slot.greeted = true;
            round.startup_failures = 0;
            return;
        }
        if (!slot.current) {
            // An answer nobody asked for: the worker is out of step; start a fresh one.
            replace(slot);
            return;
        }
        const SampleId id = *slot.current;
        std::string why;
        auto answer = parse_answer(line, why);
        if (answer && answer->id != id)
            why = "answer is for another sample than requested";
        SampleRecord r;
        r.id = id;
        r.attempts = round.attempts[id];
        if (!answer || answer->id != id) {
            r.status = SampleStatus::invalid;
            r.message = "worker broke the protocol (" + why + "): '" + clip(line) + "'";
            replace(slot);
            record(round, std::move(r));
            return;
        }
        r.status = answer->status;
        r.message = std::move(answer->message);
        r.values = std::move(answer->values);
        const bool failed = r.status != SampleStatus::ok && r.status != SampleStatus::warning;
        if (r.values.size() != opt.value_names.size() && !(failed && r.values.empty())) {
            std::string msg = "evaluator returned " + std::to_string(r.values.size()) +
                              " values for " + std::to_string(opt.value_names.size()) +
                              " value names (status " + std::string(to_string(r.status));
            msg.append(r.message.empty() ? ")" : ": " + r.message + ")");
            r.status = SampleStatus::invalid;
            r.message = std::move(msg);
            r.values.clear();
        }
        slot.current.reset();
        record(round, std::move(r));
    }
};

void Sweep::Impl::run(std::span<const SampleId> ids) {
    Round round;
    {
        std::set<SampleId> queued;
        for (const auto& id : ids)
            if (!records.contains(id) && queued.insert(id).second)
                round.pending.push_back(id);
    }
    round.total = round.pending.size();
    if (round.total == 0)
        return;
    const auto t0 = Clock::now();
    const std::size_t n_workers = std::max<std::size_t>(
        opt.workers != 0 ? opt.workers : std::thread::hardware_concurrency(), 1);
    if (slots.size() < n_workers)
        slots.resize(n_workers); // workers start when they first get a sample
    detail::Progress progress(opt.progress, round.total);
    const detail::SigpipeBlock sigpipe_block;
    const auto timeout = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::min(opt.sample_timeout_s, 1e7)));

    try {
        while (round.done < round.total) {
            // Hand out work: every idle slot gets the next sample (starting a worker if needed).
            for (auto& slot : slots) {
                if (slot.current || round.pending.empty())
                    continue;
                if (!slot.process)
                    start(slot);
                const SampleId id = round.pending.front();
                round.pending.pop_front();
                ++round.attempts[id];
                slot.current = id;
                slot.deadline = Clock::now() + timeout;
                // A failed write means the worker is gone: its EOF is handled below.
                (void)slot.process->send(std::to_string(id.point) + "\t" +
                                         std::to_string(id.index) + "\n");
            }

            std::vector<pollfd> fds;
            std::vector<Slot*> polled;
            auto wait_until = Clock::now() + progress.interval();
            for (auto& slot : slots) {
                if (!slot.process)
                    continue;
                fds.push_back(pollfd{slot.process->output_fd(), POLLIN, 0});
                polled.push_back(&slot);
                if (slot.current)
                    wait_until = std::min(wait_until, slot.deadline);
            }
            const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(
                std::max(wait_until - Clock::now(), Clock::duration::zero()));
            const int rc = ::poll(fds.data(), fds.size(), static_cast<int>(wait_ms.count()));
            if (rc < 0 && errno != EINTR)
                throw Error(std::string("sweep: poll failed: ") + std::strerror(errno));

            for (std::size_t i = 0; rc > 0 && i < fds.size(); ++i) {
                if (fds[i].revents == 0)
                    continue;
                Slot& slot = *polled[i];
                const bool open = slot.process->read_available(slot.buffer);
                std::size_t start_of_line = 0;
                for (;;) {
                    if (!slot.process)
                        break; // replaced while handling a line
                    const auto nl = slot.buffer.find('\n', start_of_line);
                    if (nl == std::string::npos)
                        break;
                    on_line(
                        round, slot,
                        std::string_view(slot.buffer).substr(start_of_line, nl - start_of_line));
                    start_of_line = nl + 1;
                }
                if (!slot.process)
                    continue;
                slot.buffer.erase(0, start_of_line);
                if (slot.buffer.size() > max_line_bytes && slot.current) {
                    SampleRecord r;
                    r.id = *slot.current;
                    r.status = SampleStatus::invalid;
                    r.attempts = round.attempts[r.id];
                    r.message = "worker broke the protocol (line longer than 1 MiB): '" +
                                clip(slot.buffer) + "'";
                    replace(slot);
                    record(round, std::move(r));
                    continue;
                }
                if (open)
                    continue;
                // EOF: the worker is gone.
                std::string how;
                const bool greeted = slot.greeted;
                const auto current = slot.current;
                finish_slot(slot, 1.0, &how);
                ++stats.workers_replaced;
                if (!greeted) {
                    // It died before reading anything: not the sample's fault.
                    round.last_startup_failure = how;
                    if (++round.startup_failures >= max_startup_failures)
                        throw SimulationError("sweep worker '" + opt.worker_argv.front() +
                                              "' ended before its " + "greeting " +
                                              std::to_string(max_startup_failures) +
                                              " times in a row (last: " + how + ")");
                    if (current) {
                        --round.attempts[*current];
                        round.pending.push_front(*current);
                    }
                    continue;
                }
                if (current)
                    fail_sample(round, *current, SampleStatus::crash, how);
            }

            // Hung workers: silent past their deadline.
            const auto now = Clock::now();
            for (auto& slot : slots) {
                if (!slot.process || !slot.current || now < slot.deadline)
                    continue;
                const SampleId id = *slot.current;
                replace(slot);
                fail_sample(round, id, SampleStatus::timeout, "timeout");
            }
            progress.update(round.done, stats.retried);
        }
    } catch (...) {
        for (auto& slot : slots)
            slot.process.reset(); // SIGKILL
        stats.elapsed_s += std::chrono::duration<double>(Clock::now() - t0).count();
        throw;
    }
    stats.elapsed_s += std::chrono::duration<double>(Clock::now() - t0).count();
    progress.finish(round.done, stats.retried, stats.workers_replaced);
}

Sweep::Sweep(SweepOptions options) {
    validate_study_hash(options.study_hash);
    validate_value_names(options.value_names);
    if (options.worker_argv.empty())
        throw InputError("sweep: worker_argv is empty (the worker executable is missing)");
    if (!(options.sample_timeout_s > 0))
        throw InputError("sweep: sample timeout must be positive");
    if (options.max_attempts < 1)
        throw InputError("sweep: max_attempts must be at least 1");
    if (!options.worker_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.worker_dir, ec);
        if (!std::filesystem::is_directory(options.worker_dir))
            throw InputError("sweep: worker directory " + options.worker_dir.string() +
                             " cannot be created");
        options.worker_dir = std::filesystem::absolute(options.worker_dir);
    }
    std::vector<std::string> argv = options.worker_argv;
    argv.front() = detail::resolve_executable(argv.front()).string();
    impl_ = std::make_unique<Impl>(std::move(options));
    impl_->argv = std::move(argv);
}

Sweep::~Sweep() {
    impl_->shutdown();
}

void Sweep::run(std::span<const SampleId> ids) {
    impl_->run(ids);
}

const std::map<SampleId, SampleRecord>& Sweep::records() const {
    return impl_->records;
}

Sweep::Stats Sweep::stats() const {
    return impl_->stats;
}

} // namespace spincim::sweep
