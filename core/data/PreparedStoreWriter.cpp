#include "data/PreparedStoreWriter.h"

#include "data/ImageFolder.h"
#include "data/JpegCodec.h"
#include "data/PngCodec.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"
#include "util/JsonNumbers.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>
#ifndef FRA_NO_OPENCV
#include "data/ImageDecoder.h"
#include "data/TwoViewAugmenter.h"
#endif

namespace fs = std::filesystem;

namespace fra {

namespace {

// One face as the centred square of `size` pixels a side (RGB, size * size * 3 bytes): every format
// OpenCV reads where the build has it, JPEG and PNG (libjpeg-turbo, libpng, centreSquareResize)
// where it has not. Returns the reason when the file is unreadable or too small.
std::string squareFace(const std::string& bytes, const std::filesystem::path& path, int minImageSide, int size, std::vector<std::uint8_t>& rgb) {
    rgb.resize(static_cast<std::size_t>(size) * size * 3);
#ifndef FRA_NO_OPENCV
    const ImageDecoder decoder(minImageSide);
    const DecodedImage image = bytes.empty() ? decoder.decode(path) : decoder.decodeBytes(bytes, path.string());
    if (!image.ok()) return image.problem;
    const cv::Mat square = TwoViewAugmenter::centerCrop(image.rgb, size);
    std::memcpy(rgb.data(), square.data, rgb.size());
    return "";
#else
    jpeg::RgbImage image;
    std::string problem;
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    bool ok = false;
    if (jpeg::looksLikeJpeg(data, bytes.size())) ok = jpeg::decode(data, bytes.size(), image, problem, minImageSide);
    else if (png::looksLikePng(data, bytes.size())) ok = png::decode(data, bytes.size(), image, problem);
    else problem = bytes.empty() ? "empty or unreadable file" : "not a JPEG or PNG file (this build reads no other format)";
    if (!ok) return problem;
    if (std::min(image.width, image.height) < minImageSide)
        return std::to_string(image.width) + "x" + std::to_string(image.height) + " is smaller than " + std::to_string(minImageSide) + " px";
    centreSquareResize(image, size, rgb.data());
    return "";
#endif
}

}  // namespace

namespace {

std::string readFileBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return in ? buffer.str() : std::string();
}

// A source kept as it is: a complete baseline JPEG of exactly the stored size, in a colour space
// every decoder turns into RGB, that decodes here.
bool copyableJpeg(const std::string& bytes, int size) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    jpeg::Header header;
    std::string problem;
    if (!jpeg::readHeader(data, bytes.size(), header, problem)) return false;
    if (header.width != size || header.height != size || header.progressive || !header.rgbCapable) return false;
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(size) * size * 3);
    return jpeg::decodeInto(data, bytes.size(), size, size, pixels.data(), problem);
}

}  // namespace

PreparedStoreWriter::PreparedStoreWriter(fs::path folder, fs::path out, PrepareOptions options)
    : folder_(std::move(folder)), out_(std::move(out)), options_(options) {}

PrepareReport PreparedStoreWriter::run(const std::function<void(std::size_t, std::size_t)>& progress) {
    const int size = options_.imageSize;
    const bool jpegStore = options_.encoding == StoreEncoding::Jpeg;
    const std::string encodingName = jpegStore ? "jpeg" : "raw";
    if (size < 8 || size > 4096) throw FraError("prepare: image size " + std::to_string(size) + " outside 8-4096");
    if (options_.quality < 1 || options_.quality > 100) throw FraError("prepare: JPEG quality " + std::to_string(options_.quality) + " outside 1-100");
    const ImageFolder folder(folder_);
    const fs::path partial = out_.string() + ".partial", log = out_.string() + ".partial.log";
    const std::size_t pixelBytes = static_cast<std::size_t>(size) * size * 3;
    PrepareReport report;

    // resume: the log says which files were handled (and how long each JPEG record is); the data
    // file keeps only logged records
    std::vector<std::string> sources;
    std::vector<std::uint64_t> offsets;  // JPEG records
    std::uint64_t end = PreparedStore::kHeaderBytes;
    nlohmann::json skipped = nlohmann::json::array();
    std::size_t nextFile = 0;
    const auto sameSettings = [&](const nlohmann::json& j) {
        return wholeNumber(j, "size", 0) == size && j.value("encoding", "raw") == encodingName &&
               (!jpegStore || wholeNumber(j, "quality", 0) == options_.quality);
    };
    if (fs::exists(partial) && fs::exists(log)) {
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line)) {
            if (in.eof()) break;  // a torn last line
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object() || !sameSettings(j)) break;
            if (wholeNumber(j.at("file"), "file") != static_cast<std::int64_t>(nextFile)) break;
            if (j.value("ok", false)) {
                sources.push_back(folder.relative(nextFile));
                offsets.push_back(end);
                end += jpegStore ? 8 + static_cast<std::uint64_t>(wholeNumber(j, "bytes", 0)) : 4 + pixelBytes;
                report.copied += j.value("copied", false) ? 1 : 0;
            } else {
                skipped.push_back({{"path", folder.relative(nextFile)}, {"reason", j.value("reason", "")}});
                if (report.firstSkipped.empty()) report.firstSkipped = folder.relative(nextFile) + ": " + j.value("reason", "");
            }
            ++nextFile;
        }
        report.resumedFrom = nextFile;
    } else {
        std::error_code ec;
        fs::remove(partial, ec);
        fs::remove(log, ec);
    }
    std::FILE* data = std::fopen(partial.c_str(), report.resumedFrom ? "r+b" : "w+b");
    if (!data) throw FraError("cannot write '" + partial.string() + "': " + std::strerror(errno));
    const auto writeFailed = [&] {
        const std::string why = std::strerror(errno);
        std::fclose(data);
        return FraError("cannot write '" + partial.string() + "': " + why);
    };
    if (::ftruncate(::fileno(data), static_cast<off_t>(end)) != 0) throw writeFailed();
    std::fseek(data, 0, SEEK_END);
    // a resumed log is rewritten without lines past the kept records
    {
        std::ostringstream kept;
        std::ifstream in(log);
        std::string line;
        for (std::size_t i = 0; i < nextFile && std::getline(in, line); ++i) kept << line << '\n';
        in.close();
        std::ofstream(log, std::ios::trunc) << kept.str();
    }
    std::ofstream logOut(log, std::ios::app);
    std::vector<std::uint8_t> record, square;
    for (std::size_t i = nextFile; i < folder.size(); ++i) {
        nlohmann::json entry{{"file", i}, {"size", size}, {"encoding", encodingName}};
        if (jpegStore) entry["quality"] = options_.quality;
        const std::string bytes = readFileBytes(folder.path(i));
        const bool copy = jpegStore && copyableJpeg(bytes, size);
        std::string problem;
        if (copy) {
            record.assign(8, 0);
            record.insert(record.end(), bytes.begin(), bytes.end());
        } else {
            problem = squareFace(bytes, folder.path(i), options_.minImageSide, size, square);
            if (problem.empty()) {
                if (jpegStore) {
                    const std::vector<std::uint8_t> encoded = jpeg::encode(square.data(), size, size, options_.quality);
                    if (encoded.empty()) throw FraError("prepare: the JPEG encoder failed on '" + folder.path(i).string() + "'");
                    record.assign(8, 0);
                    record.insert(record.end(), encoded.begin(), encoded.end());
                } else {
                    record.assign(4, 0);
                    record.insert(record.end(), square.data(), square.data() + pixelBytes);
                }
            }
        }
        if (problem.empty()) {
            const std::size_t header = jpegStore ? 8 : 4;
            const std::uint32_t crc = PreparedStore::crc32(record.data() + header, record.size() - header);
            std::memcpy(record.data(), &crc, 4);
            if (jpegStore) {
                const auto length = static_cast<std::uint32_t>(record.size() - header);
                std::memcpy(record.data() + 4, &length, 4);
                entry["bytes"] = length;
                entry["copied"] = copy;
                report.copied += copy ? 1 : 0;
            }
            if (std::fwrite(record.data(), 1, record.size(), data) != record.size() || std::fflush(data) != 0) throw writeFailed();
            sources.push_back(folder.relative(i));
            offsets.push_back(end);
            end += record.size();
            entry["ok"] = true;
        } else {
            skipped.push_back({{"path", folder.relative(i)}, {"reason", problem}});
            if (report.firstSkipped.empty()) report.firstSkipped = folder.relative(i) + ": " + problem;
            entry["ok"] = false;
            entry["reason"] = problem;
        }
        logOut << entry.dump() << '\n' << std::flush;  // after the record: a logged record is complete
        if (progress && (i % 256 == 0 || i + 1 == folder.size())) progress(i + 1, folder.size());
    }
    // (JPEG: padding and the record offsets,) the index, then the header that makes the file valid, then the rename
    nlohmann::json indexJson{{"sources", sources}, {"skipped", skipped}, {"image_size", size}, {"encoding", encodingName}};
    if (jpegStore) {
        indexJson["quality"] = options_.quality;
        indexJson["copied"] = report.copied;
        const std::vector<char> padding((8 - end % 8) % 8, 0);
        if (std::fwrite(padding.data(), 1, padding.size(), data) != padding.size()) throw writeFailed();
        end += padding.size();
        if (std::fwrite(offsets.data(), 8, offsets.size(), data) != offsets.size()) throw writeFailed();
    }
    const std::string index = indexJson.dump();
    if (std::fwrite(index.data(), 1, index.size(), data) != index.size()) throw writeFailed();
    std::vector<char> block(PreparedStore::kHeaderBytes, 0);
    // the fields both versions share, then the header's checksum, into the 4096-byte block
    const auto seal = [&](auto header, std::uint32_t version, std::uint64_t indexOffset) {
        std::memcpy(header.magic, PreparedStore::kMagic, 8);
        header.version = version;
        header.imageSize = static_cast<std::uint32_t>(size);
        header.count = sources.size();
        header.indexOffset = indexOffset;
        header.indexBytes = index.size();
        header.headerCrc = PreparedStore::crc32(reinterpret_cast<const std::uint8_t*>(&header),
                                                reinterpret_cast<const char*>(&header.headerCrc) - reinterpret_cast<const char*>(&header));
        std::memcpy(block.data(), &header, sizeof header);
        report.storeBytes = header.indexOffset + header.indexBytes;
    };
    if (jpegStore) {
        PreparedStoreHeaderV2 header{};
        header.offsetsOffset = end;
        header.quality = static_cast<std::uint32_t>(options_.quality);
        seal(header, PreparedStore::kJpegVersion, end + offsets.size() * 8);
    } else {
        seal(PreparedStoreHeader{}, PreparedStore::kRawVersion, end);
    }
    std::fseek(data, 0, SEEK_SET);
    if (std::fwrite(block.data(), 1, block.size(), data) != block.size()) throw writeFailed();
    if (std::fflush(data) != 0 || std::fclose(data) != 0) throw FraError("cannot write '" + partial.string() + "': " + std::strerror(errno));
    commitFile(partial, out_);
    std::error_code ec;
    fs::remove(log, ec);
    report.written = sources.size();
    report.skipped = skipped.size();
    return report;
}

}  // namespace fra
