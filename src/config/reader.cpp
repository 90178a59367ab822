#include "spincim/config/reader.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>

#include "spincim/units/units.hpp"

namespace spincim::config {

namespace {

std::string show(std::string_view s) {
    std::string out = "'";
    for (unsigned char c : s.substr(0, 80)) {
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (s.size() > 80)
        out += "...";
    return out + "'";
}

bool is_identifier(std::string_view s) {
    if (s.empty() || s.size() > 64)
        return false;
    const auto alpha = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!alpha(s.front()))
        return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c); });
}

std::string node_kind(const YAML::Node& n) {
    switch (n.Type()) {
    case YAML::NodeType::Null:
        return "nothing (null)";
    case YAML::NodeType::Scalar:
        return "a single value";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a mapping";
    default:
        return "an undefined node";
    }
}

} // namespace

Value::Value(YAML::Node node, std::shared_ptr<DocumentContext> ctx, std::string path,
             std::string pointer)
    : node_(std::move(node)), ctx_(std::move(ctx)), path_(std::move(path)),
      pointer_(std::move(pointer)) {}

SourceLocation Value::where() const {
    const YAML::Mark m = node_.Mark();
    // yaml-cpp marks are 0-based; a node without a mark reports -1.
    return SourceLocation{ctx_->file, m.line >= 0 ? m.line + 1 : 0,
                          m.column >= 0 ? m.column + 1 : 0,
                          path_.empty() ? std::string("(document)") : path_};
}

void Value::fail(const std::string& message) const {
    throw InputError(message, where());
}

void Value::record(nlohmann::json value) const {
    if (!pointer_.empty())
        ctx_->resolved[nlohmann::json::json_pointer(pointer_)] = std::move(value);
}

const std::string& Value::scalar(std::string_view expected) const {
    if (!node_.IsScalar())
        fail("expected " + std::string(expected) + ", found " + node_kind(node_));
    return node_.Scalar();
}

double Value::number() const {
    const std::string& s = scalar("a number");
    std::string why;
    const auto v = units::try_parse(s, &why);
    if (!v)
        fail(why);
    record(*v);
    return *v;
}

double Value::number_in(double lo, double hi) const {
    const double v = number();
    if (v < lo || v > hi)
        fail("value " + units::to_eng(v, 6) + " is outside the allowed range [" +
             units::to_eng(lo, 6) + ", " + units::to_eng(hi, 6) + "]");
    return v;
}

double Value::positive() const {
    const double v = number();
    if (!(v > 0))
        fail("must be greater than zero, got " + units::to_eng(v, 6));
    return v;
}

double Value::non_negative() const {
    const double v = number();
    if (v < 0)
        fail("must not be negative, got " + units::to_eng(v, 6));
    return v;
}

std::int64_t Value::integer(std::int64_t lo, std::int64_t hi) const {
    const std::string& s = scalar("a whole number");
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range)
        fail(show(s) + " is out of range for a whole number");
    if (ec != std::errc{} || ptr != s.data() + s.size())
        fail("expected a whole number, got " + show(s));
    if (v < lo || v > hi)
        fail("value " + std::to_string(v) + " is outside the allowed range [" + std::to_string(lo) +
             ", " + std::to_string(hi) + "]");
    record(v);
    return v;
}

std::uint64_t Value::seed() const {
    const std::string& s = scalar("a seed (whole number 0 ... 2^64-1)");
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size())
        fail("expected a seed (whole number 0 ... 18446744073709551615), got " + show(s));
    record(v);
    return v;
}

bool Value::boolean() const {
    const std::string& s = scalar("true or false");
    if (s == "true") {
        record(true);
        return true;
    }
    if (s == "false") {
        record(false);
        return false;
    }
    fail("expected true or false, got " + show(s));
}

std::string Value::identifier() const {
    const std::string& s = scalar("a name");
    if (!is_identifier(s))
        fail(show(s) +
             " is not a valid name: use an ASCII letter or '_' first, then letters, digits or '_', "
             "at most 64 characters");
    record(s);
    return s;
}

std::string Value::choice(std::span<const std::string_view> options) const {
    const std::string& s = scalar("one of a fixed set of words");
    for (auto o : options)
        if (s == o) {
            record(s);
            return s;
        }
    std::string list;
    for (auto o : options)
        list += (list.empty() ? "" : ", ") + std::string(o);
    std::vector<std::string> cands(options.begin(), options.end());
    const std::string guess = closest(s, cands);
    fail(show(s) + " is not one of: " + list +
         (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
}

std::string Value::text() const {
    const std::string& s = scalar("text");
    for (unsigned char c : s)
        if (c < 0x20 && c != '\t' && c != '\n')
            fail("text contains a control character");
    record(s);
    return s;
}

std::vector<Value> Value::items() const {
    if (!node_.IsSequence())
        fail("expected a list, found " + node_kind(node_));
    std::vector<Value> out;
    out.reserve(node_.size());
    for (std::size_t i = 0; i < node_.size(); ++i)
        out.emplace_back(node_[i], ctx_, path_ + "[" + std::to_string(i) + "]",
                         pointer_ + "/" + std::to_string(i));
    return out;
}

std::vector<double> Value::numbers() const {
    std::vector<double> out;
    for (const Value& v : items())
        out.push_back(v.number());
    return out;
}

Map Value::map() const {
    return Map(*this);
}

Map::Map(const Value& value) : self_(value) {
    if (!value.node_.IsMap())
        value.fail("expected a mapping of keys to values, found " + node_kind(value.node_));
    // yaml-cpp keeps repeated keys; a repeated key in a study is always a mistake.
    std::vector<std::string> seen;
    for (auto it = value.node_.begin(); it != value.node_.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            Value(key, value.ctx_, value.path_, {}).fail("a key must be a plain word");
        }
        const std::string& k = key.Scalar();
        if (std::find(seen.begin(), seen.end(), k) != seen.end())
            Value(key, value.ctx_, child_path(k), {}).fail("key '" + k + "' appears twice");
        seen.push_back(k);
    }
}

std::string Map::child_path(std::string_view key) const {
    return self_.path_.empty() ? std::string(key) : self_.path_ + "." + std::string(key);
}

bool Map::has(std::string_view key) {
    asked_.emplace_back(key);
    const YAML::Node& n = self_.node_;
    for (auto it = n.begin(); it != n.end(); ++it)
        if (it->first.Scalar() == key)
            return true;
    return false;
}

std::optional<Value> Map::optional(std::string_view key) {
    asked_.emplace_back(key);
    const YAML::Node& n = self_.node_;
    for (auto it = n.begin(); it != n.end(); ++it)
        if (it->first.Scalar() == key)
            return Value(it->second, self_.ctx_, child_path(key),
                         self_.pointer_ + "/" + std::string(key));
    return std::nullopt;
}

Value Map::required(std::string_view key) {
    if (auto v = optional(key))
        return *v;
    self_.fail("missing required key '" + std::string(key) + "'");
}

void Map::record_default(std::string_view key, nlohmann::json value) const {
    self_.ctx_->resolved[nlohmann::json::json_pointer(self_.pointer_ + "/" + std::string(key))] =
        std::move(value);
}

double Map::number_or(std::string_view key, double fallback) {
    if (auto v = optional(key))
        return v->number();
    record_default(key, fallback);
    return fallback;
}

double Map::positive_or(std::string_view key, double fallback) {
    if (auto v = optional(key))
        return v->positive();
    record_default(key, fallback);
    return fallback;
}

std::int64_t Map::integer_or(std::string_view key, std::int64_t fallback, std::int64_t lo,
                             std::int64_t hi) {
    if (auto v = optional(key))
        return v->integer(lo, hi);
    record_default(key, fallback);
    return fallback;
}

bool Map::boolean_or(std::string_view key, bool fallback) {
    if (auto v = optional(key))
        return v->boolean();
    record_default(key, fallback);
    return fallback;
}

std::string Map::choice_or(std::string_view key, std::span<const std::string_view> options,
                           std::string_view fallback) {
    if (auto v = optional(key))
        return v->choice(options);
    record_default(key, std::string(fallback));
    return std::string(fallback);
}

std::size_t Map::one_of(std::span<const std::string_view> keys) {
    std::optional<std::size_t> found;
    std::string list;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        list += (list.empty() ? "'" : ", '") + std::string(keys[i]) + "'";
        if (has(keys[i])) {
            if (found)
                self_.fail("give only one of " + list.substr(0, list.rfind(',')) + " and '" +
                           std::string(keys[i]) + "'");
            found = i;
        }
    }
    if (!found)
        self_.fail("needs one of " + list);
    return *found;
}

void Map::finish() const {
    const YAML::Node& n = self_.node_;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string& k = it->first.Scalar();
        if (std::find(asked_.begin(), asked_.end(), k) != asked_.end())
            continue;
        std::vector<std::string> known = asked_;
        std::sort(known.begin(), known.end());
        known.erase(std::unique(known.begin(), known.end()), known.end());
        const std::string guess = closest(k, known);
        std::string msg = "unknown key " + show(k);
        if (!guess.empty())
            msg += " (did you mean '" + guess + "'?)";
        else if (!known.empty()) {
            msg += "; known keys here:";
            for (const auto& s : known)
                msg += " " + s;
        }
        Value(it->first, self_.ctx_, child_path(k), {}).fail(msg);
    }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            const auto lower = [](char c) {
                return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
            };
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string closest(std::string_view word, std::span<const std::string> candidates) {
    std::string best;
    std::size_t best_d = std::numeric_limits<std::size_t>::max();
    // Accept a suggestion within a third of the word's length (at least 2 edits).
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_d && d <= limit) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

namespace {
Value load(const std::string& text, std::string file_name) {
    auto ctx = std::make_shared<DocumentContext>();
    ctx->file = std::move(file_name);
    try {
        YAML::Node root = YAML::Load(text);
        return Value(root, ctx, "", "");
    } catch (const YAML::Exception& e) {
        // yaml-cpp's message repeats the position; keep only its reason.
        throw InputError("YAML syntax error: " + e.msg,
                         SourceLocation{ctx->file, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                                        e.mark.column >= 0 ? e.mark.column + 1 : 0, ""});
    }
}
} // namespace

Value load_yaml_text(std::string_view text, std::string file_name) {
    return load(std::string(text), std::move(file_name));
}

Value load_yaml_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError("cannot open the study file", SourceLocation{file.string(), 0, 0, ""});
    std::ostringstream ss;
    ss << in.rdbuf();
    return load(ss.str(), file.string());
}

} // namespace spincim::config
