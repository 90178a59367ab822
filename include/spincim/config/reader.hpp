#pragma once
// Typed, location-aware reading of YAML study files.
//
// Every value is read through a `Value`, which knows the file, line, column and key path it came
// from, so that any error — wrong type, bad number, out of range, unknown key — names all four
// (`study.yaml:12:9: circuit.rows[3].vbl: ...`). Mappings are read through a `Map`, which
// remembers the keys a reader asked for; `Map::finish()` reports every other key as unknown,
// with a "did you mean" suggestion. Every scalar read is also recorded, with its default when it
// was absent, in a JSON tree of resolved parameters that goes into results.json.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "spincim/core/error.hpp"

namespace spincim::config {

// State shared by all values of one document.
struct DocumentContext {
    std::string file;
    nlohmann::json resolved = nlohmann::json::object();
};

class Map;

class Value {
public:
    // `path` is the key path shown to users (`circuit.rows[3].vbl`); `pointer` the JSON pointer of
    // the same place in the resolved-parameter tree (`/circuit/rows/3/vbl`).
    Value(YAML::Node node, std::shared_ptr<DocumentContext> ctx, std::string path,
          std::string pointer);

    [[nodiscard]] SourceLocation where() const;
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::string& file() const { return ctx_->file; }
    [[noreturn]] void fail(const std::string& message) const;

    [[nodiscard]] bool is_map() const { return node_.IsMap(); }
    [[nodiscard]] bool is_sequence() const { return node_.IsSequence(); }
    [[nodiscard]] bool is_scalar() const { return node_.IsScalar(); }

    // A number in engineering notation (`1.5n`, `2k`, `0.3`), strictly parsed (units::parse).
    [[nodiscard]] double number() const;
    // A number that must satisfy lo <= x <= hi (inclusive bounds; use the `positive` helpers for
    // open bounds).
    [[nodiscard]] double number_in(double lo, double hi) const;
    [[nodiscard]] double positive() const;     // > 0
    [[nodiscard]] double non_negative() const; // >= 0
    // A whole number in [lo, hi] (plain decimal digits; no suffixes).
    [[nodiscard]] std::int64_t integer(std::int64_t lo, std::int64_t hi) const;
    [[nodiscard]] std::uint64_t seed() const; // 0 ... 2^64-1
    [[nodiscard]] bool boolean() const;       // true / false only
    // An identifier `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters (ARCHITECTURE.md).
    [[nodiscard]] std::string identifier() const;
    // One of the given words.
    [[nodiscard]] std::string choice(std::span<const std::string_view> options) const;
    // Free text (descriptions): any printable characters; never written into a netlist.
    [[nodiscard]] std::string text() const;
    // The items of a sequence (fails if this is not a sequence).
    [[nodiscard]] std::vector<Value> items() const;
    // Numbers of a sequence.
    [[nodiscard]] std::vector<double> numbers() const;
    [[nodiscard]] Map map() const;

    [[nodiscard]] const YAML::Node& node() const { return node_; }
    [[nodiscard]] const std::shared_ptr<DocumentContext>& context() const { return ctx_; }

private:
    [[nodiscard]] const std::string& scalar(std::string_view expected) const;
    void record(nlohmann::json value) const;

    friend class Map;
    YAML::Node node_;
    std::shared_ptr<DocumentContext> ctx_;
    std::string path_;
    std::string pointer_;
};

class Map {
public:
    explicit Map(const Value& value); // fails if the value is not a mapping or repeats a key

    [[nodiscard]] bool has(std::string_view key);
    [[nodiscard]] Value required(std::string_view key);
    [[nodiscard]] std::optional<Value> optional(std::string_view key);

    // Shorthands for optional scalars with defaults; the default is recorded as resolved.
    [[nodiscard]] double number_or(std::string_view key, double fallback);
    [[nodiscard]] double positive_or(std::string_view key, double fallback);
    [[nodiscard]] std::int64_t integer_or(std::string_view key, std::int64_t fallback,
                                          std::int64_t lo, std::int64_t hi);
    [[nodiscard]] bool boolean_or(std::string_view key, bool fallback);
    [[nodiscard]] std::string choice_or(std::string_view key,
                                        std::span<const std::string_view> options,
                                        std::string_view fallback);

    // Exactly one of `keys` must be present; returns its index.
    [[nodiscard]] std::size_t one_of(std::span<const std::string_view> keys);

    // Reports the first key that no reader asked for.
    void finish() const;

    [[nodiscard]] const Value& value() const { return self_; }

private:
    [[nodiscard]] std::string child_path(std::string_view key) const;
    void record_default(std::string_view key, nlohmann::json value) const;

    Value self_;
    std::vector<std::string> asked_;
};

// Edit distance (Levenshtein) used for "did you mean" suggestions.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or empty.
[[nodiscard]] std::string closest(std::string_view word, std::span<const std::string> candidates);

// Parses a YAML file; syntax errors become InputError with the file, line and column.
[[nodiscard]] Value load_yaml_file(const std::filesystem::path& file);
[[nodiscard]] Value load_yaml_text(std::string_view text, std::string file_name);

} // namespace spincim::config
