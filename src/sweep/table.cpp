#include "spincim/core/atomic_file.hpp"
#include "spincim/core/error.hpp"
#include "spincim/sweep/sweep.hpp"
#include "spincim/sweep/worker.hpp"

namespace spincim::sweep {

void write_sample_table(const std::map<SampleId, SampleRecord>& records,
                        const std::vector<std::string>& value_names,
                        const std::filesystem::path& path) {
    validate_value_names(value_names);
    std::string text = "point,sample,status,attempts";
    for (const auto& name : value_names)
        text.append(",").append(name);
    text.push_back('\n');
    // std::map iterates in (point, sample) order: the row order never depends on the run.
    for (const auto& [id, r] : records) {
        if (!r.values.empty() && r.values.size() != value_names.size())
            throw Error("sample table: sample (" + std::to_string(id.point) + ", " +
                        std::to_string(id.index) + ") has " + std::to_string(r.values.size()) +
                        " values for " + std::to_string(value_names.size()) + " columns");
        text.append(std::to_string(id.point)).append(",").append(std::to_string(id.index));
        text.append(",").append(to_string(r.status)).append(",");
        text.append(std::to_string(r.attempts));
        for (std::size_t i = 0; i < value_names.size(); ++i) {
            text.push_back(',');
            if (!r.values.empty())
                text.append(format_value(r.values[i]));
        }
        text.push_back('\n');
    }
    write_file_atomically(path, text);
}

} // namespace spincim::sweep
