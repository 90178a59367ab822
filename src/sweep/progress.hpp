#pragma once
// Progress report of a sweep round on stderr (private to the sweep layer): on a terminal a
// redrawn bar with done/total, rate and ETA; otherwise (a log file, CI) a plain line every
// few seconds, so logs stay readable.

#include <chrono>
#include <cstddef>

namespace spincim::sweep::detail {

class Progress {
public:
    Progress(bool enabled, std::size_t total);
    // How long the supervisor may wait for worker output before calling update() again.
    [[nodiscard]] std::chrono::steady_clock::duration interval() const;
    void update(std::size_t done, std::size_t retried);
    void finish(std::size_t done, std::size_t retried, std::size_t replaced);

private:
    void draw(std::size_t done, std::size_t retried, bool final);
    bool enabled_;
    bool tty_;
    std::size_t total_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
};

} // namespace spincim::sweep::detail
