#include "spincim/sweep/journal.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <string_view>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "spincim/core/error.hpp"
#include "spincim/core/random.hpp"
#include "spincim/sweep/worker.hpp"

namespace spincim::sweep {

namespace {

constexpr std::string_view magic = "spincim-sweep-journal\t1";

std::string hex64(std::uint64_t v) {
    std::array<char, 17> buf{};
    const auto res = std::to_chars(buf.data(), buf.data() + 16, v, 16);
    const std::string digits(buf.data(), res.ptr);
    return std::string(16 - digits.size(), '0').append(digits);
}

template <class T>
bool parse_uint(std::string_view text, T& v) {
    if (text.empty())
        return false;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    return res.ec == std::errc{} && res.ptr == text.data() + text.size();
}

std::string header_line(const std::string& hash, const std::vector<std::string>& names) {
    std::string h(magic);
    h.append("\t").append(hash);
    for (const auto& n : names)
        h.append("\t").append(n);
    h.push_back('\n');
    return h;
}

std::string record_line(const SampleRecord& r) {
    std::string line = std::to_string(r.id.point);
    line.append("\t").append(std::to_string(r.id.index));
    line.append("\t").append(to_string(r.status));
    line.append("\t").append(std::to_string(r.attempts));
    line.append("\t").append(std::to_string(r.values.size()));
    for (double v : r.values)
        line.append("\t").append(format_value(v));
    line.append("\t").append(escape_field(r.message));
    // The check covers every byte before it: a line cut short or garbled fails it.
    const auto check = fnv1a64(line);
    line.append("\t").append(hex64(check)).push_back('\n');
    return line;
}

// Parses one record line (without newline); on failure returns false and sets `why`.
bool parse_record(std::string_view line, std::size_t value_count, SampleRecord& r,
                  std::string& why) {
    const auto last_tab = line.rfind('\t');
    if (last_tab == std::string_view::npos || line.size() - last_tab - 1 != 16 ||
        hex64(fnv1a64(line.substr(0, last_tab))) != line.substr(last_tab + 1)) {
        why = "record check does not match (the line was cut or edited)";
        return false;
    }
    const auto f = split_tabs(line.substr(0, last_tab));
    std::size_t k = 0;
    if (f.size() < 6 || !parse_uint(f[0], r.id.point) || !parse_uint(f[1], r.id.index) ||
        !parse_uint(f[3], r.attempts) || r.attempts < 1 || !parse_uint(f[4], k) ||
        f.size() != 6 + k || (k != 0 && k != value_count)) {
        why = "record does not have the form point, index, status, attempts, count, values, "
              "message";
        return false;
    }
    try {
        r.status = sample_status_from(f[2]);
    } catch (const InputError& e) {
        why = e.detail();
        return false;
    }
    r.values.clear();
    for (std::size_t i = 0; i < k; ++i) {
        const auto v = parse_value(f[5 + i]);
        if (!v) {
            why = "value is not a number";
            return false;
        }
        r.values.push_back(*v);
    }
    auto msg = unescape_field(f.back());
    if (!msg) {
        why = "message has a bad escape sequence";
        return false;
    }
    r.message = std::move(*msg);
    return true;
}

InputError journal_error(const std::filesystem::path& path, int line, const std::string& detail) {
    return InputError(detail, SourceLocation{path.string(), line, 0, {}});
}

std::string read_all(int fd, const std::filesystem::path& path) {
    std::string data;
    std::array<char, 65536> buf{};
    if (::lseek(fd, 0, SEEK_SET) < 0)
        throw journal_error(path, 0,
                            std::string("cannot read the journal: ") + std::strerror(errno));
    for (;;) {
        const auto n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw journal_error(path, 0,
                                std::string("cannot read the journal: ") + std::strerror(errno));
        if (n == 0)
            return data;
        data.append(buf.data(), static_cast<std::size_t>(n));
    }
}

struct Parsed {
    JournalContents contents;
    std::size_t good_bytes = 0; // length of the prefix made of good lines
};

Parsed parse_journal(const std::string& data, const std::filesystem::path& path) {
    Parsed p;
    const auto header_end = data.find('\n');
    if (header_end == std::string::npos || data.compare(0, magic.size(), magic) != 0 ||
        (header_end > magic.size() && data[magic.size()] != '\t'))
        throw journal_error(path, 1,
                            "not a spincim sweep journal (first line must start with "
                            "'spincim-sweep-journal<TAB>1')");
    const auto header = split_tabs(std::string_view(data).substr(0, header_end));
    if (header.size() < 3 || header[2].empty())
        throw journal_error(path, 1, "journal header has no study hash");
    p.contents.study_hash = std::string(header[2]);
    for (std::size_t i = 3; i < header.size(); ++i)
        p.contents.value_names.emplace_back(header[i]);
    const std::size_t n_values = p.contents.value_names.size();

    std::set<SampleId> seen;
    std::size_t pos = header_end + 1;
    int line_no = 1;
    while (pos < data.size()) {
        ++line_no;
        const auto nl = data.find('\n', pos);
        const bool last = nl == std::string::npos || nl + 1 == data.size();
        if (nl == std::string::npos) { // torn: the writer died before the newline
            p.contents.discarded_lines = 1;
            break;
        }
        SampleRecord r;
        std::string why;
        const std::string_view line(data.data() + pos, nl - pos);
        if (!parse_record(line, n_values, r, why)) {
            if (last) { // a garbled last line is a torn write as well
                p.contents.discarded_lines = 1;
                break;
            }
            throw journal_error(path, line_no, "bad journal record: " + why);
        }
        if (!seen.insert(r.id).second)
            throw journal_error(path, line_no,
                                "sample (" + std::to_string(r.id.point) + ", " +
                                    std::to_string(r.id.index) +
                                    ") is recorded twice (two sweeps wrote this journal?)");
        p.contents.records.push_back(std::move(r));
        pos = nl + 1;
    }
    p.good_bytes = pos;
    return p;
}

bool is_identifier(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::system_error(errno, std::generic_category());
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace

void validate_value_names(const std::vector<std::string>& names) {
    std::set<std::string> seen{"point", "sample", "status", "attempts"};
    for (const auto& n : names) {
        if (!is_identifier(n))
            throw InputError("value name '" + n +
                             "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*, e.g. tm_s)");
        if (!seen.insert(n).second)
            throw InputError("value name '" + n +
                             "' is used twice or clashes with a sample-table key column");
    }
}

void validate_study_hash(const std::string& hash) {
    if (hash.empty() || hash.size() > 256)
        throw InputError("study hash must have 1 to 256 characters");
    for (char c : hash)
        if (c <= ' ' || c > '~')
            throw InputError("study hash '" + escape_field(hash) +
                             "' must be printable ASCII without spaces");
}

JournalContents read_journal(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw journal_error(path, 0,
                            std::string("cannot open the journal: ") + std::strerror(errno));
    std::string data;
    try {
        data = read_all(fd, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return parse_journal(data, path).contents;
}

Journal::Journal(std::filesystem::path path, std::string study_hash,
                 std::vector<std::string> value_names, bool resume)
    : path_(std::move(path)), value_count_(value_names.size()) {
    validate_study_hash(study_hash);
    validate_value_names(value_names);
    std::error_code ec;
    const bool exists = std::filesystem::exists(path_, ec);
    if (exists && !resume)
        throw journal_error(path_, 0,
                            "sweep journal already exists; resume it (--resume) or choose "
                            "another output directory");
    if (!exists) {
        if (path_.has_parent_path())
            std::filesystem::create_directories(path_.parent_path(), ec);
        // Header first in a temporary file, renamed into place: a journal never lacks its header.
        auto tmp = path_;
        tmp += ".tmp." + std::to_string(::getpid());
        const int tfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (tfd < 0)
            throw journal_error(
                path_, 0, std::string("cannot create the sweep journal: ") + std::strerror(errno));
        try {
            write_all(tfd, header_line(study_hash, value_names));
        } catch (const std::system_error& e) {
            ::close(tfd);
            std::filesystem::remove(tmp, ec);
            throw journal_error(path_, 0,
                                std::string("cannot write the sweep journal: ") + e.what());
        }
        ::close(tfd);
        // link(2), unlike rename(2), fails when the target exists: of two sweeps started on the
        // same new directory at the same instant exactly one creates the journal, and the other
        // is refused here instead of both running and interleaving their lines.
        const int linked = ::link(tmp.c_str(), path_.c_str());
        const int err = errno;
        std::filesystem::remove(tmp, ec);
        if (linked != 0 && (err != EEXIST || !resume))
            throw journal_error(path_, 0,
                                err == EEXIST
                                    ? std::string("sweep journal already exists (another sweep "
                                                  "started on this directory); resume it "
                                                  "(--resume) or choose another output directory")
                                    : std::string("cannot create the sweep journal: ") +
                                          std::strerror(err));
    }
    fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd_ < 0)
        throw journal_error(path_, 0,
                            std::string("cannot open the sweep journal: ") + std::strerror(errno));
    try {
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
            throw journal_error(path_, 0,
                                errno == EWOULDBLOCK
                                    ? std::string("sweep journal is in use by another sweep")
                                    : std::string("cannot lock the sweep journal: ") +
                                          std::strerror(errno));
        const std::string data = read_all(fd_, path_);
        Parsed p = parse_journal(data, path_);
        if (p.contents.study_hash != study_hash)
            throw journal_error(path_, 1,
                                "sweep journal was written for study hash " +
                                    p.contents.study_hash + ", but this study hashes to " +
                                    study_hash + ": the study changed; use a new output directory");
        if (p.contents.value_names != value_names)
            throw journal_error(path_, 1, "sweep journal has other value columns than this study");
        if (p.good_bytes < data.size()) {
            if (::ftruncate(fd_, static_cast<off_t>(p.good_bytes)) != 0)
                throw journal_error(path_, 0,
                                    std::string("cannot drop the torn last journal line: ") +
                                        std::strerror(errno));
        }
        discarded_ = p.contents.discarded_lines;
        loaded_ = std::move(p.contents.records);
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

Journal::~Journal() {
    if (fd_ >= 0)
        ::close(fd_);
}

void Journal::append(const SampleRecord& record, bool sync) {
    if (!record.values.empty() && record.values.size() != value_count_)
        throw Error("sweep journal: record has " + std::to_string(record.values.size()) +
                    " values, the journal has " + std::to_string(value_count_) + " columns");
    try {
        write_all(fd_, record_line(record));
    } catch (const std::system_error& e) {
        throw Error("cannot append to the sweep journal " + path_.string() + ": " + e.what());
    }
    if (sync && ::fsync(fd_) != 0)
        throw Error("cannot fsync the sweep journal " + path_.string() + ": " +
                    std::strerror(errno));
}

} // namespace spincim::sweep
