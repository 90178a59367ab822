#pragma once
// Helpers shared by the netlist tests.

#include <sstream>
#include <string>
#include <vector>

#include "spincim/netlist/netlist.hpp"

namespace spincim::netlist::test {

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// The first line of `netlist.to_spice()` that starts with `prefix` (empty if none).
inline std::string line_starting(const Netlist& netlist, const std::string& prefix) {
    for (const auto& line : lines_of(netlist.to_spice()))
        if (line.rfind(prefix, 0) == 0)
            return line;
    return {};
}

// The card written for a single top-level element (with a .op so the netlist is complete).
inline std::string card_of(Element element) {
    Netlist n("card");
    const std::string name = spice_name(element);
    n.add(std::move(element));
    return line_starting(n, name + " ");
}

} // namespace spincim::netlist::test

#include <filesystem>
#include <unistd.h>

namespace spincim::netlist::test {

// A fresh directory under the system temp folder, removed with everything in it at scope exit.
class TempDir {
public:
    explicit TempDir(const std::string& tag)
        : path_(std::filesystem::temp_directory_path() /
                ("spincim_netlist_" + tag + "_" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline std::filesystem::path fixture_models() {
    return std::filesystem::path(SPINCIM_SOURCE_DIR) / "tests/netlist/fixtures/models";
}

} // namespace spincim::netlist::test
