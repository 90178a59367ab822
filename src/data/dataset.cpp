#include "spincim/data/dataset.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>

#include "spincim/core/csv.hpp"
#include "spincim/core/error.hpp"

namespace spincim::data {

namespace {} // namespace

Dataset load_digits_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw InputError("cannot open the digits data file", SourceLocation{path, 0, 0, {}});
    }
    constexpr int n_pixels = digits_features;
    std::string line;
    int lineno = 0;
    if (!std::getline(in, line)) {
        throw InputError("empty file: expected the header `px00,...,px63,label`",
                         SourceLocation{path, 1, 1, {}});
    }
    ++lineno;
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    {
        const auto header = csv::split(line);
        if (header.size() != n_pixels + 1 || header.back() != "label") {
            throw InputError("expected the header `px00,...,px63,label` (65 columns)",
                             SourceLocation{path, 1, 1, {}});
        }
    }
    std::vector<float> values;
    std::vector<int> labels;
    while (std::getline(in, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty()) {
            continue;
        }
        const auto fields = csv::split(line);
        if (fields.size() != n_pixels + 1) {
            throw InputError("expected 65 comma-separated values (64 pixels and a label), found " +
                                 std::to_string(fields.size()),
                             SourceLocation{path, lineno, 1, {}});
        }
        for (std::size_t c = 0; c < fields.size(); ++c) {
            int v = -1;
            const auto f = fields[c];
            const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
            const bool is_label = c == n_pixels;
            const int hi = is_label ? 9 : 16;
            if (ec != std::errc{} || ptr != f.data() + f.size() || v < 0 || v > hi) {
                const std::string name =
                    is_label ? "label" : "px" + std::string(c < 10 ? "0" : "") + std::to_string(c);
                throw InputError("value `" + std::string(f) + "` is not an integer in 0.." +
                                     std::to_string(hi),
                                 SourceLocation{path, lineno, csv::column_of(fields, c), name});
            }
            if (is_label) {
                labels.push_back(v);
            } else {
                values.push_back(static_cast<float>(v) / 16.0F);
            }
        }
    }
    if (labels.empty()) {
        throw InputError("no samples after the header", SourceLocation{path, lineno, 1, {}});
    }
    Dataset d;
    d.name = "digits8x8";
    d.n_classes = 10;
    d.y = std::move(labels);
    d.x = Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        values.data(), static_cast<Eigen::Index>(d.y.size()), n_pixels);
    return d;
}

namespace {

std::vector<unsigned char> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError("cannot open the IDX file", SourceLocation{path, 0, 0, {}});
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string at_byte(std::size_t offset) {
    return " (at byte offset " + std::to_string(offset) + ")";
}

// Big-endian 32-bit integer at `offset` (IDX header fields), with a truncation check.
std::uint32_t be32(const std::vector<unsigned char>& bytes, std::size_t offset,
                   const std::string& path, const char* field) {
    if (bytes.size() < offset + 4) {
        throw InputError(std::string("truncated IDX header: the file ends before the ") + field +
                             at_byte(bytes.size()) + ", " + std::to_string(bytes.size()) +
                             " bytes in the file",
                         SourceLocation{path, 0, 0, field});
    }
    return (std::uint32_t{bytes[offset]} << 24U) | (std::uint32_t{bytes[offset + 1]} << 16U) |
           (std::uint32_t{bytes[offset + 2]} << 8U) | std::uint32_t{bytes[offset + 3]};
}

std::string hex32(std::uint32_t v) {
    std::ostringstream os;
    os << "0x" << std::hex;
    os.width(8);
    os.fill('0');
    os << v;
    return os.str();
}

} // namespace

namespace {

// The first min(n, size) bytes of a file, and its size.
std::vector<unsigned char> read_head(const std::string& path, std::size_t n, std::size_t& size) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        throw InputError("cannot open the IDX file", SourceLocation{path, 0, 0, {}});
    }
    size = static_cast<std::size_t>(in.tellg());
    in.seekg(0);
    std::vector<unsigned char> head(std::min(n, size));
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    if (!in) {
        throw InputError("cannot read the IDX file", SourceLocation{path, 0, 0, {}});
    }
    return head;
}

constexpr std::size_t img_header = 16;
constexpr std::size_t lab_header = 8;

// Checks the image file's header (its first bytes `img`, file size `img_size`) and the whole
// label file `lab`: magic numbers, dimensions, sizes against the announced counts, count match
// and labels 0..9.
IdxShape check_idx_pair(const std::vector<unsigned char>& img, std::size_t img_size,
                        const std::vector<unsigned char>& lab, const std::string& images_path,
                        const std::string& labels_path) {
    // Magic numbers: 0x00000803 = unsigned byte data, 3 dimensions; 0x00000801 = 1 dimension.
    const std::uint32_t img_magic = be32(img, 0, images_path, "magic number");
    if (img_magic != 0x00000803U) {
        throw InputError("wrong magic number " + hex32(img_magic) +
                             " for an IDX image file (expected 0x00000803: unsigned bytes, 3 "
                             "dimensions)" +
                             at_byte(0),
                         SourceLocation{images_path, 0, 0, "magic number"});
    }
    const std::uint32_t lab_magic = be32(lab, 0, labels_path, "magic number");
    if (lab_magic != 0x00000801U) {
        throw InputError("wrong magic number " + hex32(lab_magic) +
                             " for an IDX label file (expected 0x00000801: unsigned bytes, 1 "
                             "dimension)" +
                             at_byte(0),
                         SourceLocation{labels_path, 0, 0, "magic number"});
    }
    IdxShape shape;
    shape.count = be32(img, 4, images_path, "image count");
    shape.rows = be32(img, 8, images_path, "row count");
    shape.cols = be32(img, 12, images_path, "column count");
    const std::size_t n_lab = be32(lab, 4, labels_path, "label count");
    if (shape.rows == 0 || shape.cols == 0 || shape.rows * shape.cols > (1U << 20U)) {
        throw InputError("implausible image size " + std::to_string(shape.rows) + "x" +
                             std::to_string(shape.cols) + at_byte(8),
                         SourceLocation{images_path, 0, 0, "row count"});
    }
    if (shape.count != n_lab) {
        throw InputError("the image file holds " + std::to_string(shape.count) +
                             " images but the label file " + labels_path + " holds " +
                             std::to_string(n_lab) + " labels" + at_byte(4),
                         SourceLocation{images_path, 0, 0, "image count"});
    }
    const std::size_t pixels = shape.rows * shape.cols;
    if (img_size < img_header + shape.count * pixels) {
        const std::size_t complete = (img_size - img_header) / pixels;
        throw InputError("truncated IDX image file: header announces " +
                             std::to_string(shape.count) + " images of " + std::to_string(pixels) +
                             " bytes, image record " + std::to_string(complete) +
                             " (0-based) is incomplete" + at_byte(img_header + complete * pixels) +
                             ", file has " + std::to_string(img_size) + " bytes",
                         SourceLocation{images_path, 0, 0, "record " + std::to_string(complete)});
    }
    if (lab.size() < lab_header + n_lab) {
        const std::size_t complete = lab.size() - lab_header;
        throw InputError("truncated IDX label file: header announces " + std::to_string(n_lab) +
                             " labels, label record " + std::to_string(complete) +
                             " (0-based) is missing" + at_byte(lab.size()),
                         SourceLocation{labels_path, 0, 0, "record " + std::to_string(complete)});
    }
    for (std::size_t s = 0; s < n_lab; ++s) {
        const unsigned char label = lab[lab_header + s];
        if (label > 9) {
            throw InputError("label " + std::to_string(label) + " of record " + std::to_string(s) +
                                 " is not a digit 0..9" + at_byte(lab_header + s),
                             SourceLocation{labels_path, 0, 0, "record " + std::to_string(s)});
        }
    }
    return shape;
}

} // namespace

IdxShape check_mnist_idx(const std::string& images_path, const std::string& labels_path) {
    std::size_t img_size = 0;
    const auto img = read_head(images_path, img_header, img_size);
    const auto lab = read_all(labels_path);
    return check_idx_pair(img, img_size, lab, images_path, labels_path);
}

Dataset load_mnist_idx(const std::string& images_path, const std::string& labels_path,
                       std::size_t max_samples) {
    const auto img = read_all(images_path);
    const auto lab = read_all(labels_path);
    const IdxShape shape = check_idx_pair(img, img.size(), lab, images_path, labels_path);
    const std::size_t n_img = shape.count;
    const std::size_t pixels = shape.rows * shape.cols;
    const std::size_t n = max_samples == 0 ? n_img : std::min(n_img, max_samples);
    Dataset d;
    d.name = "mnist";
    d.n_classes = 10;
    d.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(pixels));
    d.y.resize(n);
    for (std::size_t s = 0; s < n; ++s) {
        d.y[s] = lab[lab_header + s];
        for (std::size_t p = 0; p < pixels; ++p) {
            d.x(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(p)) =
                static_cast<float>(img[img_header + s * pixels + p]) / 255.0F;
        }
    }
    return d;
}

Dataset subset(const Dataset& data, const std::vector<std::size_t>& indices) {
    Dataset out;
    out.name = data.name;
    out.n_classes = data.n_classes;
    out.x.resize(static_cast<Eigen::Index>(indices.size()), data.x.cols());
    out.y.reserve(indices.size());
    for (std::size_t r = 0; r < indices.size(); ++r) {
        out.x.row(static_cast<Eigen::Index>(r)) = data.x.row(static_cast<Eigen::Index>(indices[r]));
        out.y.push_back(data.y[indices[r]]);
    }
    return out;
}

TrainTestSplit split_every(const Dataset& data, int every) {
    if (every < 2) {
        throw InputError("split_every: `every` must be at least 2, got " + std::to_string(every));
    }
    std::vector<std::size_t> tr;
    std::vector<std::size_t> te;
    for (std::size_t i = 0; i < data.size(); ++i) {
        (i % static_cast<std::size_t>(every) == static_cast<std::size_t>(every - 1) ? te : tr)
            .push_back(i);
    }
    return {subset(data, tr), subset(data, te)};
}

} // namespace spincim::data
