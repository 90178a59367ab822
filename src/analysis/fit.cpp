#include "spincim/analysis/fit.hpp"

#include <string>

#include "spincim/core/error.hpp"

namespace spincim::analysis {

LineFit fit_line(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size())
        throw InputError("line fit: " + std::to_string(x.size()) + " x values for " +
                         std::to_string(y.size()) + " y values");
    if (x.size() < 2)
        throw InputError("line fit: needs at least two points");
    const double n = static_cast<double>(x.size());
    double mx = 0, my = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        mx += x[k];
        my += y[k];
    }
    mx /= n;
    my /= n;
    double sxx = 0, sxy = 0, syy = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        sxx += (x[k] - mx) * (x[k] - mx);
        sxy += (x[k] - mx) * (y[k] - my);
        syy += (y[k] - my) * (y[k] - my);
    }
    if (sxx == 0)
        throw InputError("line fit: all x values are equal");
    LineFit f;
    f.slope = sxy / sxx;
    f.intercept = my - f.slope * mx;
    // SS_res = SS_tot − slope·S_xy for the least-squares line.
    f.r_squared = syy == 0 ? 1.0 : 1.0 - (syy - f.slope * sxy) / syy;
    return f;
}

} // namespace spincim::analysis
