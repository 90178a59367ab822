#pragma once
// The worker side of a sweep: a process that evaluates samples on request.
//
// Worker protocol, version 1 (text, one line per message, '\n'-terminated, fields separated by a
// single TAB, numbers in the C locale):
//
//   worker -> supervisor, once at start-up, before reading anything:
//       spincim-sweep-worker<TAB>1
//   supervisor -> worker, one request per sample:
//       <point><TAB><index>
//   worker -> supervisor, exactly one answer per request, flushed at once:
//       <point><TAB><index><TAB><status><TAB><n><TAB><v1>...<TAB><vn><TAB><message>
//
// <point>, <index> are unsigned decimal integers and must echo the request; <status> is one of
// ok, warning, nonconv, timeout, crash, invalid; <n> is the number of values that follow; each
// value is the shortest decimal that reads back to the same double (std::to_chars), or nan, inf,
// -inf; <message> is escaped (\\ for a backslash, \t, \n, \r for the control characters), so the
// answer is always one line. The supervisor answers nothing; it sends the next request when the
// previous answer arrived (dynamic hand-out). The worker ends with exit code 0 when its stdin
// reaches end of file, so closing the pipe (or the supervisor dying) stops it. A worker that is
// stuck inside a sample cannot see that end of file: the supervisor also asks the kernel to
// SIGKILL its workers when it dies (Linux PR_SET_PDEATHSIG).
//
// Anything the evaluator (or a library it calls, e.g. ngspice) prints on stdout would corrupt the
// protocol: run_worker_stdio() moves the protocol to a private descriptor and points the
// process's stdout at stderr before the evaluator runs.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spincim/sweep/sample.hpp"

namespace spincim::sweep {

inline constexpr std::string_view worker_greeting = "spincim-sweep-worker\t1";

// Evaluates one sample inside a worker process. Returns the status, the values
// (values.size() == number of value names, or empty for a failed sample) and a one-line message;
// its `id` and `attempts` are ignored (the engine owns them). It may throw: the exception text
// becomes an `invalid` record and the worker goes on with the next request.
using Evaluator = std::function<SampleRecord(const SampleId&)>;

// Worker main loop: writes the greeting, then answers every request line read from `in` on
// `out`, flushing after each answer. Returns 0 at end of input, 2 after a malformed request (an
// `error<TAB><text>` line is written first).
int run_worker(std::istream& in, std::ostream& out, const Evaluator& evaluate);

// run_worker() on the process's stdin/stdout, with stdout protected: the protocol goes to a
// duplicate of the original stdout and descriptor 1 is redirected to stderr, so stray prints of
// the evaluator cannot corrupt answers. Call once, from main() of a worker executable.
int run_worker_stdio(const Evaluator& evaluate);

// --- protocol text, shared with the supervisor and the journal -------------------------------

// The fields of a protocol or journal line: `line` split at every TAB (no unescaping).
[[nodiscard]] std::vector<std::string_view> split_tabs(std::string_view line);
// Escapes backslash, TAB, LF and CR as \\, \t, \n, \r.
[[nodiscard]] std::string escape_field(std::string_view text);
// Inverse of escape_field; nullopt for a dangling or unknown escape.
[[nodiscard]] std::optional<std::string> unescape_field(std::string_view text);
// Shortest round-trip decimal of `value` (std::to_chars), `nan`, `inf` or `-inf`.
[[nodiscard]] std::string format_value(double value);
// Strict inverse of format_value (the whole text must be one number); nullopt otherwise.
[[nodiscard]] std::optional<double> parse_value(std::string_view text);

// The answer line of `record` for the request `id` (without the trailing newline).
[[nodiscard]] std::string format_answer(const SampleId& id, const SampleRecord& record);
// Parses an answer line (without newline). On failure returns nullopt and sets `why`.
[[nodiscard]] std::optional<SampleRecord> parse_answer(std::string_view line, std::string& why);

} // namespace spincim::sweep
