#include "spincim/core/text.hpp"

#include <cstdio>

namespace spincim {

std::string quote(std::string_view text) {
    std::string out = "'";
    for (unsigned char c : text) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out + "'";
}

} // namespace spincim
