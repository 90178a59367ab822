#include "spincim/sweep/sample.hpp"

#include <array>
#include <utility>

#include "spincim/core/error.hpp"

namespace spincim::sweep {

namespace {
constexpr std::array<std::pair<SampleStatus, std::string_view>, 6> status_names{{
    {SampleStatus::ok, "ok"},
    {SampleStatus::warning, "warning"},
    {SampleStatus::nonconv, "nonconv"},
    {SampleStatus::timeout, "timeout"},
    {SampleStatus::crash, "crash"},
    {SampleStatus::invalid, "invalid"},
}};
} // namespace

std::string_view to_string(SampleStatus status) noexcept {
    for (const auto& [s, name] : status_names)
        if (s == status)
            return name;
    return "invalid";
}

SampleStatus sample_status_from(std::string_view text) {
    for (const auto& [s, name] : status_names)
        if (name == text)
            return s;
    std::string msg = "unknown sample status '";
    msg.append(text).append("' (expected ok, warning, nonconv, timeout, crash or invalid)");
    throw InputError(msg);
}

} // namespace spincim::sweep
