#include "spincim/netlist/probe.hpp"

#include "spincim/core/error.hpp"

namespace spincim::netlist {

namespace {

void check_path(const std::vector<std::string>& path) {
    for (const auto& p : path)
        check_identifier(p, "probe: subcircuit instance");
}

// `xa.xb.` for the path {a, b}: instance names carry the X letter in ngspice's hierarchy.
std::string path_prefix(const std::vector<std::string>& path) {
    std::string out;
    for (const auto& p : path)
        out += "x" + p + ".";
    return out;
}

} // namespace

Probe Probe::voltage(Node node, std::vector<std::string> path) {
    if (node.is_ground())
        throw InputError("probe: the voltage of the ground node is always 0; probe another node");
    if (auto why = node.problem(); !why.empty())
        throw InputError("probe: node " + quote(node.name()) + ": " + why);
    check_path(path);
    Probe p;
    p.kind_ = Kind::voltage;
    p.target_ = node.name();
    p.path_ = std::move(path);
    return p;
}

Probe Probe::current(std::string vsource, std::vector<std::string> path) {
    check_identifier(vsource, "probe: voltage source");
    check_path(path);
    Probe p;
    p.kind_ = Kind::current;
    p.element_ = ElementKind::voltage_source;
    p.target_ = std::move(vsource);
    p.path_ = std::move(path);
    return p;
}

Probe Probe::device(ElementKind kind, std::string name, std::string param,
                    std::vector<std::string> path) {
    check_identifier(name, "probe: device");
    check_identifier(param, "probe: device parameter");
    check_path(path);
    Probe p;
    p.kind_ = Kind::device;
    p.element_ = kind;
    p.target_ = std::move(name);
    p.param_ = std::move(param);
    p.path_ = std::move(path);
    return p;
}

namespace {

// ngspice's hierarchical device name: `Vs` at the top, `v.xa.vs` inside instance Xa.
std::string device_name(ElementKind kind, const std::string& name,
                        const std::vector<std::string>& path) {
    const char letter = letter_of(kind);
    const std::string own = std::string(1, letter) + name;
    if (path.empty())
        return own;
    return to_lower(std::string(1, letter)) + "." + path_prefix(path) + to_lower(own);
}

} // namespace

std::string Probe::spice() const {
    switch (kind_) {
    case Kind::voltage:
        return "v(" + path_prefix(path_) + target_ + ")";
    case Kind::current:
        return "i(" + device_name(element_, target_, path_) + ")";
    case Kind::device:
        return "@" + device_name(element_, target_, path_) + "[" + param_ + "]";
    }
    return {};
}

std::string Probe::vector_name() const {
    switch (kind_) {
    case Kind::voltage:
        return to_lower(path_prefix(path_) + target_);
    case Kind::current:
        return to_lower(device_name(element_, target_, path_)) + "#branch";
    case Kind::device:
        return to_lower(spice());
    }
    return {};
}

} // namespace spincim::netlist
