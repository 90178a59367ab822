#pragma once
// Private to the circuit kinds: the study object every kind of the `circuit:` section returns.

#include <memory>

#include "spincim/studies/circuit/spec.hpp"

namespace spincim::studies {

[[nodiscard]] std::unique_ptr<Study> make_circuit_study(Header header, CircuitStudySpec spec,
                                                        const Kind& kind);

} // namespace spincim::studies
