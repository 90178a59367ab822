#pragma once
// The append-only sweep journal: the durable store of a sweep, one line per finished sample.
//
// Format (text, '\n'-terminated lines, TAB-separated fields):
//
//   spincim-sweep-journal<TAB>1<TAB><study hash><TAB><value name 1>...<TAB><value name n>
//   <point><TAB><index><TAB><status><TAB><attempts><TAB><k><TAB><v1>...<vk><TAB><message><TAB><check>
//
// Values are shortest round-trip decimals (so a journal reproduces every bit of every value),
// <message> is escaped like the worker protocol, <check> is the 16-hex-digit FNV-1a 64 hash of the
// line's bytes before its final TAB. The header is written to a temporary file and renamed into
// place, so a journal either has a complete header or does not exist. Each record is appended with
// a single write(2) the moment it is known. A supervisor killed in the middle of a write can
// leave only the last line torn: on open, a last line without its newline or with a wrong check is
// dropped and the file truncated to the last good line; a bad line anywhere else is an InputError
// naming the journal and the line. While open, the journal holds an exclusive flock(2), so two
// sweeps cannot append to the same file.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "spincim/sweep/sample.hpp"

namespace spincim::sweep {

struct JournalContents {
    std::string study_hash;
    std::vector<std::string> value_names;
    std::vector<SampleRecord> records; // in file order
    std::size_t discarded_lines = 0;   // torn last line dropped (0 or 1)
};

// Reads a journal without modifying it (a torn last line is reported in discarded_lines).
// Throws InputError for a file that is not a journal or has a bad line before the last.
[[nodiscard]] JournalContents read_journal(const std::filesystem::path& path);

class Journal {
public:
    // Creates a new journal (refuses an existing file unless `resume`) or, with `resume`, opens
    // an existing one: checks the hash and value names (InputError naming the journal if they
    // differ), drops a torn last line, and loads the records. Takes an exclusive lock.
    Journal(std::filesystem::path path, std::string study_hash,
            std::vector<std::string> value_names, bool resume);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // Records found in the file when it was opened (file order).
    [[nodiscard]] const std::vector<SampleRecord>& loaded() const { return loaded_; }
    [[nodiscard]] std::size_t discarded_lines() const { return discarded_; }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    // Appends one record with a single write(2) (and fsync(2) if `sync`). Throws spincim::Error
    // if the write fails (disk full, I/O error).
    void append(const SampleRecord& record, bool sync = false);

private:
    std::filesystem::path path_;
    std::size_t value_count_ = 0;
    int fd_ = -1;
    std::vector<SampleRecord> loaded_;
    std::size_t discarded_ = 0;
};

// Checks that `names` are usable value names: [A-Za-z_][A-Za-z0-9_]*, unique, and none of the
// sample-table key columns (point, sample, status, attempts). Throws InputError.
void validate_value_names(const std::vector<std::string>& names);
// Checks a study hash: 1..256 printable ASCII characters without whitespace. Throws InputError.
void validate_study_hash(const std::string& hash);

} // namespace spincim::sweep
