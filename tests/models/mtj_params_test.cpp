// Acceptance 3 of issue 3: the Verilog-A model declares the same parameters (names and defaults)
// as the ngspice subcircuit; and both agree with the C++ reference's defaults.

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "spincim/models/mtj.hpp"

using Catch::Matchers::WithinRel;
namespace m = spincim::models;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// `name=value` pairs of the `.subckt mtj_stt ... params: ...` header, continuation lines included.
std::map<std::string, double> subckt_params(const std::string& text) {
    std::istringstream in(text);
    std::string line, header;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && line.rfind(".subckt mtj_stt", 0) == 0) {
            inside = true;
            header = line;
            continue;
        }
        if (inside) {
            if (line.rfind('+', 0) != 0) {
                break;
            }
            header += ' ' + line.substr(1);
        }
    }
    const auto at = header.find("params:");
    REQUIRE(at != std::string::npos);
    std::map<std::string, double> out;
    const std::regex pair(R"(([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([-+0-9.eE]+))");
    const std::string body = header.substr(at + 7);
    for (std::sregex_iterator it(body.begin(), body.end(), pair), end; it != end; ++it) {
        out[(*it)[1].str()] = std::stod((*it)[2].str());
    }
    return out;
}

// `parameter real name = value ...;` declarations of the Verilog-A module.
std::map<std::string, double> veriloga_params(const std::string& text) {
    std::map<std::string, double> out;
    const std::regex decl(
        R"(parameter\s+(?:real|integer)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([-+0-9.eE]+))");
    for (std::sregex_iterator it(text.begin(), text.end(), decl), end; it != end; ++it) {
        out[(*it)[1].str()] = std::stod((*it)[2].str());
    }
    return out;
}

} // namespace

TEST_CASE("Verilog-A and subcircuit declare the same parameters and defaults", "[mtj]") {
    const auto sub = subckt_params(slurp(m::mtj_model_path()));
    const auto va =
        veriloga_params(slurp(std::string(SPINCIM_SOURCE_DIR) + "/veriloga/mtj_stt.va"));
    REQUIRE(sub.size() >= 18);
    REQUIRE(sub.size() == va.size());
    for (const auto& [name, value] : sub) {
        INFO("parameter " << name);
        REQUIRE(va.count(name) == 1);
        if (value == 0) {
            CHECK(va.at(name) == 0);
        } else {
            CHECK_THAT(va.at(name), WithinRel(value, 1e-12));
        }
    }
}

TEST_CASE("subcircuit defaults are the C++ seed-001 preset", "[mtj]") {
    const auto sub = subckt_params(slurp(m::mtj_model_path()));
    for (const auto& [name, value] : m::mtj_param_list(m::stt_bnn_table1())) {
        INFO("parameter " << name);
        REQUIRE(sub.count(name) == 1);
        CHECK_THAT(sub.at(name), WithinRel(value, 1e-12));
    }
    CHECK(sub.at("state0") == 0);
    CHECK(sub.at("dyn") == 1);
    CHECK(sub.at("xsw") == 0);
}
