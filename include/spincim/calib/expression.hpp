#pragma once
// `expression`: a user formula over named inputs and parameters, e.g.
//
//     Model m("a*exp(-t/tau) + c", {"t"}, {"a", "tau", "c"});
//
// The text is parsed by netlist::Expr::parse (strict tokenizer, allow-listed functions, at most
// 1000 characters) and evaluated numerically inside spincim; it never reaches ngspice or a shell.
// Arithmetic, comparisons, `c ? a : b` and the functions of netlist::Expr::functions() follow
// ngspice 39 (see src/calib/expression_program.hpp for the measured differences from C: `^` and
// pow are |x|^y, log is the natural logarithm). V(), I(), time, temper and hertz have no meaning
// in a fit and are refused. Names are case-insensitive, as in ngspice.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/calib/fit.hpp"

namespace spincim::calib::expression {

struct Program; // the compiled formula (src/calib/expression_program.hpp)

class Model {
public:
    // Throws InputError for a formula that does not parse, a name that is not a valid parameter
    // name or is declared twice, an identifier in the formula that is neither an input nor a
    // parameter, or a declared parameter the formula does not use.
    Model(std::string_view formula, std::vector<std::string> inputs,
          std::vector<std::string> parameters);

    [[nodiscard]] const std::string& formula() const { return formula_; } // canonical text
    [[nodiscard]] const std::vector<std::string>& inputs() const { return inputs_; }
    [[nodiscard]] const std::vector<std::string>& parameters() const { return parameters_; }
    // The formula at one point: `inputs` in the order of inputs(), `parameters` of parameters().
    [[nodiscard]] double evaluate(std::span<const double> inputs,
                                  std::span<const double> parameters) const;
    [[nodiscard]] const Program& program() const { return *program_; }

private:
    std::string formula_;
    std::vector<std::string> inputs_;
    std::vector<std::string> parameters_;
    std::shared_ptr<const Program> program_;
};

struct Data {
    std::vector<std::vector<double>> inputs; // one column per Model::inputs(), in that order
    std::vector<double> output;              // observed values of the formula
    std::vector<double> weight;              // optional residual weights; empty = 1
};

// `parameters` must name Model::parameters() in order (start values are required: there is no
// data-derived guess for an arbitrary formula). Every input column must vary.
[[nodiscard]] FitResult fit(const Model& model, const Data& data,
                            const std::vector<Parameter>& parameters,
                            const FitOptions& options = {});

} // namespace spincim::calib::expression
