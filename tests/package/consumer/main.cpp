// Uses headers of several layers and prints a value a test can check: the divider's netlist.
#include <cstdio>

#include "spincim/circuits/basic.hpp"
#include "spincim/units/units.hpp"

int main() {
    spincim::circuits::DividerSpec d;
    d.r_top = spincim::units::parse("3k");
    std::printf("%s", spincim::circuits::divider(d).to_spice().c_str());
    return 0;
}
