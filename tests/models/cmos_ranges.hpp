#pragma once
// Reads the Vth / I_on / I_off bands documented in a model card's comment block, e.g.
// `*   NMOS: Vth 0.18 ... 0.38 V, I_on 0.80 ... 1.50 mA/um, I_off 10 ... 500 nA/um`,
// so the test and the documentation cannot drift apart. Values are returned in SI (V, A/m).

#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>

namespace spincim::test {

struct Band {
    double lo = 0;
    double hi = 0;
    [[nodiscard]] bool contains(double x) const { return x >= lo && x <= hi; }
};

struct MosRanges {
    Band vth; // V (negative for PMOS)
    Band ion; // A per metre of width
    Band ioff;
};

inline MosRanges documented_ranges(const std::string& lib_path, const std::string& type) {
    std::ifstream in(lib_path);
    const std::regex line_re(
        "^\\*\\s+" + type +
        R"(:\s+Vth\s+(\S+)\s+\.\.\.\s+(\S+)\s+V,\s+I_on\s+(\S+)\s+\.\.\.\s+(\S+))"
        R"(\s+mA/um,\s+I_off\s+(\S+)\s+\.\.\.\s+(\S+)\s+nA/um)");
    std::string line;
    while (std::getline(in, line)) {
        std::smatch mm;
        if (std::regex_search(line, mm, line_re)) {
            // mA/um = 1e-3 A / 1e-6 m = 1e3 A/m; nA/um = 1e-3 A/m.
            return MosRanges{{std::stod(mm[1]), std::stod(mm[2])},
                             {std::stod(mm[3]) * 1e3, std::stod(mm[4]) * 1e3},
                             {std::stod(mm[5]) * 1e-3, std::stod(mm[6]) * 1e-3}};
        }
    }
    throw std::runtime_error("no documented " + type + " ranges in " + lib_path);
}

} // namespace spincim::test
