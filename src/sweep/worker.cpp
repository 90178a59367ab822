#include "spincim/sweep/worker.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fcntl.h>
#include <iostream>
#include <istream>
#include <ostream>
#include <streambuf>
#include <system_error>
#include <unistd.h>

#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"

namespace spincim::sweep {

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        if (tab == std::string_view::npos) {
            out.push_back(line.substr(start));
            return out;
        }
        out.push_back(line.substr(start, tab - start));
        start = tab + 1;
    }
}

std::string escape_field(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '\\':
            out.append("\\\\");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::string> unescape_field(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\t' || c == '\n' || c == '\r')
            return std::nullopt;
        if (c != '\\') {
            out.push_back(c);
            continue;
        }
        if (++i == text.size())
            return std::nullopt;
        switch (text[i]) {
        case '\\':
            out.push_back('\\');
            break;
        case 't':
            out.push_back('\t');
            break;
        case 'n':
            out.push_back('\n');
            break;
        case 'r':
            out.push_back('\r');
            break;
        default:
            return std::nullopt;
        }
    }
    return out;
}

std::string format_value(double value) {
    return csv::number(value);
}

std::optional<double> parse_value(std::string_view text) {
    if (text == "nan")
        return std::nan("");
    if (text == "inf")
        return HUGE_VAL;
    if (text == "-inf")
        return -HUGE_VAL;
    if (text.empty())
        return std::nullopt;
    double v = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc{} || res.ptr != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

namespace {

template <class T>
std::optional<T> parse_unsigned(std::string_view text) {
    T v{};
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc{} || res.ptr != text.data() + text.size())
        return std::nullopt;
    return v;
}

std::optional<SampleId> parse_request(std::string_view line) {
    const auto f = split_tabs(line);
    if (f.size() != 2)
        return std::nullopt;
    const auto point = parse_unsigned<std::size_t>(f[0]);
    const auto index = parse_unsigned<std::uint64_t>(f[1]);
    if (!point || !index)
        return std::nullopt;
    return SampleId{*point, *index};
}

SampleRecord evaluate_safely(const Evaluator& evaluate, const SampleId& id) {
    try {
        return evaluate(id);
    } catch (const std::exception& e) {
        SampleRecord r;
        r.status = SampleStatus::invalid;
        r.message = "evaluator threw: ";
        r.message.append(e.what());
        return r;
    } catch (...) {
        SampleRecord r;
        r.status = SampleStatus::invalid;
        r.message = "evaluator threw an exception that is not a std::exception";
        return r;
    }
}

// Output stream buffer over a file descriptor: the protocol channel of run_worker_stdio().
class FdOutBuf : public std::streambuf {
public:
    explicit FdOutBuf(int fd) : fd_(fd) { setp(buf_.data(), buf_.data() + buf_.size()); }
    ~FdOutBuf() override { sync(); }
    FdOutBuf(const FdOutBuf&) = delete;
    FdOutBuf& operator=(const FdOutBuf&) = delete;

protected:
    int_type overflow(int_type ch) override {
        if (sync() != 0)
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override {
        const char* p = pbase();
        while (p < pptr()) {
            const auto n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return -1;
            p += n;
        }
        setp(buf_.data(), buf_.data() + buf_.size());
        return 0;
    }

private:
    int fd_;
    std::array<char, 4096> buf_{};
};

} // namespace

std::string format_answer(const SampleId& id, const SampleRecord& record) {
    std::string line = std::to_string(id.point);
    line.append("\t").append(std::to_string(id.index));
    line.append("\t").append(to_string(record.status));
    line.append("\t").append(std::to_string(record.values.size()));
    for (double v : record.values)
        line.append("\t").append(format_value(v));
    line.append("\t").append(escape_field(record.message));
    return line;
}

std::optional<SampleRecord> parse_answer(std::string_view line, std::string& why) {
    const auto f = split_tabs(line);
    if (f.size() < 5) {
        why = "answer has fewer than 5 fields";
        return std::nullopt;
    }
    SampleRecord r;
    const auto point = parse_unsigned<std::size_t>(f[0]);
    const auto index = parse_unsigned<std::uint64_t>(f[1]);
    if (!point || !index) {
        why = "answer does not start with <point> TAB <index>";
        return std::nullopt;
    }
    r.id = {*point, *index};
    try {
        r.status = sample_status_from(f[2]);
    } catch (const InputError& e) {
        why = e.detail();
        return std::nullopt;
    }
    const auto n = parse_unsigned<std::size_t>(f[3]);
    if (!n || f.size() != 5 + *n) {
        why = "value count field does not match the number of fields";
        return std::nullopt;
    }
    r.values.reserve(*n);
    for (std::size_t i = 0; i < *n; ++i) {
        const auto v = parse_value(f[4 + i]);
        if (!v) {
            why = "value ";
            why.append(std::to_string(i + 1)).append(" is not a number: '");
            why.append(f[4 + i]).append("'");
            return std::nullopt;
        }
        r.values.push_back(*v);
    }
    auto message = unescape_field(f.back());
    if (!message) {
        why = "message has a bad escape sequence";
        return std::nullopt;
    }
    r.message = std::move(*message);
    return r;
}

int run_worker(std::istream& in, std::ostream& out, const Evaluator& evaluate) {
    out << worker_greeting << '\n' << std::flush;
    std::string line;
    while (std::getline(in, line)) {
        const auto id = parse_request(line);
        if (!id) {
            out << "error\tmalformed request '" << escape_field(line) << "'\n" << std::flush;
            return 2;
        }
        const SampleRecord r = evaluate_safely(evaluate, *id);
        out << format_answer(*id, r) << '\n' << std::flush;
        if (!out)
            return 1; // the supervisor is gone
    }
    return 0;
}

int run_worker_stdio(const Evaluator& evaluate) {
    std::fflush(stdout);
    // Keep the protocol on a private duplicate of stdout, then point descriptor 1 at stderr so
    // that anything printed by the evaluator or a library it calls lands in the log instead.
    const int proto = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (proto < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        std::perror("spincim sweep worker: cannot set up the protocol channel");
        return 1;
    }
    int rc = 0;
    {
        FdOutBuf buf(proto);
        std::ostream out(&buf);
        rc = run_worker(std::cin, out, evaluate);
    }
    ::close(proto);
    return rc;
}

} // namespace spincim::sweep
