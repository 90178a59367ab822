#include "spincim/cosim/wine_array.hpp"

#include "spincim/core/error.hpp"
#include "spincim/cosim/crossbar_mapping.hpp"
#include "spincim/solvers/crossbar_read.hpp"

namespace spincim::cosim {

solvers::CrossbarCircuit programmed_array(const circuits::CrossbarSpec& base,
                                          const std::vector<bool>& target_on,
                                          const std::vector<bool>& write_failed) {
    const std::size_t n = base.rows * base.cols;
    if (target_on.size() != n || (!write_failed.empty() && write_failed.size() != n))
        throw InputError("programmed_array: the target map (and the write-error map, if given) "
                         "must have rows x cols = " +
                         std::to_string(n) + " entries");
    circuits::CrossbarSpec spec = base;
    spec.states.assign(n, models::MtjState::antiparallel); // the clear operation
    for (std::size_t k = 0; k < n; ++k)
        if (target_on[k] && (write_failed.empty() || !write_failed[k]))
            spec.states[k] = models::MtjState::parallel;
    spec.row_voltages.clear();
    spec.col_voltages.clear();
    return to_circuit(spec);
}

std::vector<double> read_programmed(const circuits::CrossbarSpec& base,
                                    const std::vector<bool>& target_on, double v_read,
                                    const std::vector<bool>& write_failed) {
    return solvers::read_conductance_map(programmed_array(base, target_on, write_failed), v_read);
}

} // namespace spincim::cosim
