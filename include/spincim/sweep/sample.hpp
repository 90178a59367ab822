#pragma once
// What a sweep runs and what it keeps: sample identifiers, outcome classes and the record of one
// sample. The engine is generic: a sample is a (point, index) pair whose meaning (a parameter-plan
// point and a Monte Carlo draw, a device in a row, ...) belongs to the evaluator; the evaluator
// keys its random streams by (study seed, SampleId), so values never depend on which worker ran a
// sample, in which order, or how often the sweep was resumed (ARCHITECTURE.md, "Conventions").

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spincim::sweep {

// Outcome class of one sample.
//   ok       the evaluator produced all values
//   warning  values produced, but the evaluator flagged something (message says what)
//   nonconv  the simulation did not converge (values may be empty)
//   timeout  the worker stayed silent longer than the sample timeout on every attempt
//   crash    the worker process died on every attempt (signal, abort, exit)
//   invalid  the evaluator threw, or the worker broke the protocol (message has the text)
enum class SampleStatus { ok, warning, nonconv, timeout, crash, invalid };

[[nodiscard]] std::string_view to_string(SampleStatus status) noexcept;
// Inverse of to_string; throws spincim::InputError for any other text.
[[nodiscard]] SampleStatus sample_status_from(std::string_view text);

struct SampleId {
    std::size_t point = 0;   // index of the plan point (parameter combination)
    std::uint64_t index = 0; // sample number within the point
    auto operator<=>(const SampleId&) const = default;
};

struct SampleRecord {
    SampleId id;
    SampleStatus status = SampleStatus::ok;
    int attempts = 1; // worker runs it took (> 1 after a crash or hang); set by the engine
    std::vector<double> values; // one per value name, or empty when a failed sample has none
    std::string message;        // one line; empty when there is nothing to say
};

} // namespace spincim::sweep
