#include "run/NpyFile.h"

#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cstring>
#include <numeric>
#include <regex>

namespace fra {

void writeNpy(const std::filesystem::path& file, const std::vector<std::int64_t>& shape, const float* data) {
    std::string dims;
    for (std::size_t i = 0; i < shape.size(); ++i) dims += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    const std::size_t preamble = 10;  // magic (6) + version (2) + header length (2)
    header.append(64 - (preamble + header.size() + 1) % 64, ' ');
    header += '\n';
    const std::int64_t count = std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size() & 0xFF);
    bytes += static_cast<char>((header.size() >> 8) & 0xFF);
    bytes += header;
    bytes.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(count) * sizeof(float));
    writeFileAtomically(file, bytes);
}

NpyArray readNpy(const std::filesystem::path& file) {
    const std::string bytes = readWholeFile(file);
    auto fail = [&](const std::string& why) { return FraError(file.string() + ": " + why); };
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw fail("not a .npy file");
    const auto major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLen = 0, headerStart = 0;
    if (major == 1) {
        headerLen = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw fail("truncated header");
        for (int i = 3; i >= 0; --i) headerLen = (headerLen << 8) | static_cast<unsigned char>(bytes[8 + i]);
        headerStart = 12;
    } else {
        throw fail("unsupported .npy version " + std::to_string(major));
    }
    if (bytes.size() < headerStart + headerLen) throw fail("truncated header");
    const std::string header = bytes.substr(headerStart, headerLen);
    if (header.find("'descr': '<f4'") == std::string::npos) throw fail("expected float32 ('<f4') data");
    if (header.find("'fortran_order': False") == std::string::npos) throw fail("expected C order");
    std::smatch m;
    if (!std::regex_search(header, m, std::regex("'shape': \\(([0-9, ]*)\\)"))) throw fail("no shape in header");
    NpyArray out;
    const std::string dims = m[1].str();
    std::regex number("[0-9]+");
    std::int64_t count = 1;
    for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number); it != std::sregex_iterator(); ++it) {
        // no dimension or product beyond what the file could hold (also keeps stoll and the product in range)
        if (it->str().size() > 12) throw fail("shape dimension " + it->str() + " is larger than the file");
        out.shape.push_back(std::stoll(it->str()));
        if (out.shape.back() != 0 && count > static_cast<std::int64_t>(bytes.size()) / out.shape.back())
            throw fail("shape needs more data than the file holds");
        count *= out.shape.back();
    }
    const std::size_t dataStart = headerStart + headerLen;
    if (bytes.size() - dataStart != static_cast<std::size_t>(count) * sizeof(float))
        throw fail("holds " + std::to_string(bytes.size() - dataStart) + " data bytes, shape needs " +
                   std::to_string(count * 4));
    out.data.resize(static_cast<std::size_t>(count));
    if (!out.data.empty()) std::memcpy(out.data.data(), bytes.data() + dataStart, out.data.size() * sizeof(float));
    return out;
}

}  // namespace fra
