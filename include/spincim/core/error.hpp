#pragma once
// Error types shared by every layer. Input errors carry the place the bad input came from, so
// every message a user sees names the file, line, column and key path (ARCHITECTURE.md).

#include <stdexcept>
#include <string>

namespace spincim {

// Process exit codes of the CLI contract (ARCHITECTURE.md, "CLI contract").
// output_failed: an output could not be written (disk full, read-only, no permission); the
// message names the path and the system's reason.
enum class ExitCode : int {
    ok = 0,
    internal = 1,
    bad_input = 2,
    simulation_failed = 3,
    output_failed = 4
};

// Where a piece of user input came from. Every field is optional; `str()` prints what is known as
// `file:line:column: key`.
struct SourceLocation {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based; 0 = unknown
    std::string key; // key path such as `circuit.rows[3].vbl`

    [[nodiscard]] std::string str() const;
    [[nodiscard]] bool empty() const { return file.empty() && line == 0 && key.empty(); }
};

// Base of all spincim errors.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
    [[nodiscard]] virtual ExitCode exit_code() const { return ExitCode::internal; }
};

// Bad input: a study file, a netlist element, a CLI argument, a data file (exit code 2).
// `detail` is the bare message; `what()` is prefixed with the location.
class InputError : public Error {
public:
    explicit InputError(std::string detail, SourceLocation where = {});
    [[nodiscard]] ExitCode exit_code() const override { return ExitCode::bad_input; }
    [[nodiscard]] const std::string& detail() const { return detail_; }
    [[nodiscard]] const SourceLocation& where() const { return where_; }
    // The same error, placed at `where` (used when a lower layer rejects a value that a higher
    // layer read from a file).
    [[nodiscard]] InputError at(SourceLocation where) const {
        return InputError(detail_, std::move(where));
    }

private:
    std::string detail_;
    SourceLocation where_;
};

// A simulation that could not produce results: non-convergence, timeout, fatal simulator error
// (exit code 3). The message carries the simulator's own words.
class SimulationError : public Error {
public:
    explicit SimulationError(const std::string& what) : Error(what) {}
    [[nodiscard]] ExitCode exit_code() const override { return ExitCode::simulation_failed; }
};

// An output file or directory that could not be written (exit code 4). The message names the
// path and the cause (strerror), e.g. "cannot write out/results.json: No space left on device".
class OutputError : public Error {
public:
    OutputError(const std::string& path, const std::string& cause);
    [[nodiscard]] ExitCode exit_code() const override { return ExitCode::output_failed; }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

} // namespace spincim
