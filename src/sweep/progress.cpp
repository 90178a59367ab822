#include "progress.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace spincim::sweep::detail {

namespace {
using Clock = std::chrono::steady_clock;

std::string format_duration(double s) {
    if (!std::isfinite(s))
        return "?";
    const auto total = static_cast<long long>(std::llround(s));
    char buf[32];
    if (total >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                      total % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
    return buf;
}
} // namespace

Progress::Progress(bool enabled, std::size_t total)
    : enabled_(enabled), tty_(enabled && ::isatty(STDERR_FILENO) == 1), total_(total),
      start_(Clock::now()), last_(start_) {}

Clock::duration Progress::interval() const {
    return tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1000);
}

void Progress::update(std::size_t done, std::size_t retried) {
    if (!enabled_)
        return;
    const auto now = Clock::now();
    // A terminal is redrawn five times a second; a log gets a line every ten seconds.
    if (now - last_ < (tty_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000)))
        return;
    last_ = now;
    draw(done, retried, false);
}

void Progress::finish(std::size_t done, std::size_t retried, std::size_t replaced) {
    if (!enabled_)
        return;
    draw(done, retried, true);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    std::fprintf(stderr, "sweep: %zu samples in %s (%.1f/s), %zu retried, %zu workers replaced\n",
                 done, format_duration(elapsed).c_str(),
                 elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0, retried, replaced);
}

void Progress::draw(std::size_t done, std::size_t retried, bool final) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : NAN;
    const double frac = total_ > 0 ? static_cast<double>(done) / static_cast<double>(total_) : 1;
    if (tty_) {
        constexpr int width = 30;
        const int filled = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::fprintf(stderr, "\r[%s] %zu/%zu %3.0f%%  %.1f/s  ETA %s  retried %zu\x1b[K%s",
                     bar.c_str(), done, total_, 100 * frac, rate, format_duration(eta).c_str(),
                     retried, final ? "\n" : "");
    } else if (!final) {
        std::fprintf(stderr, "sweep: %zu/%zu samples (%.0f%%), %.1f/s, ETA %s, %zu retried\n", done,
                     total_, 100 * frac, rate, format_duration(eta).c_str(), retried);
    }
    std::fflush(stderr);
}

} // namespace spincim::sweep::detail
