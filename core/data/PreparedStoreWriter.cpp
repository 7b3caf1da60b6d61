#include "data/PreparedStoreWriter.h"

#include "util/JsonNumbers.h"

#include "data/ImageDecoder.h"
#include "data/ImageFolder.h"
#include "data/PreparedStore.h"
#include "data/TwoViewAugmenter.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fra {

PreparedStoreWriter::PreparedStoreWriter(fs::path folder, fs::path out, int imageSize, int minImageSide)
    : folder_(std::move(folder)), out_(std::move(out)), imageSize_(imageSize), minImageSide_(minImageSide) {}

PrepareReport PreparedStoreWriter::run(const std::function<void(std::size_t, std::size_t)>& progress) {
    if (imageSize_ < 8 || imageSize_ > 4096) throw FraError("prepare: image size " + std::to_string(imageSize_) + " outside 8-4096");
    const ImageFolder folder(folder_);
    const fs::path partial = out_.string() + ".partial", log = out_.string() + ".partial.log";
    const std::size_t record = 4 + static_cast<std::size_t>(imageSize_) * imageSize_ * 3;
    PrepareReport report;

    // resume: the log says which files were handled; the data file keeps only logged records
    std::vector<std::string> sources;
    nlohmann::json skipped = nlohmann::json::array();
    std::size_t nextFile = 0;
    if (fs::exists(partial) && fs::exists(log)) {
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line)) {
            if (in.eof()) break;  // a torn last line
            const auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object() || wholeNumber(j, "size", 0) != imageSize_) continue;
            if (wholeNumber(j.at("file"), "file") != static_cast<std::int64_t>(nextFile)) break;
            if (j.value("ok", false)) sources.push_back(folder.relative(nextFile));
            else skipped.push_back({{"path", folder.relative(nextFile)}, {"reason", j.value("reason", "")}});
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
    if (::ftruncate(::fileno(data), static_cast<off_t>(PreparedStore::kHeaderBytes + sources.size() * record)) != 0) {
        std::fclose(data);
        throw FraError("cannot size '" + partial.string() + "': " + std::strerror(errno));
    }
    std::fseek(data, 0, SEEK_END);
    std::ofstream logOut(log, std::ios::app);
    const ImageDecoder decoder(minImageSide_);
    std::vector<std::uint8_t> buffer(record);
    for (std::size_t i = nextFile; i < folder.size(); ++i) {
        const DecodedImage image = decoder.decode(folder.path(i));
        nlohmann::json entry{{"file", i}, {"size", imageSize_}};
        if (image.ok()) {
            const cv::Mat square = TwoViewAugmenter::centerCrop(image.rgb, imageSize_);
            std::memcpy(buffer.data() + 4, square.data, record - 4);
            const std::uint32_t crc = PreparedStore::crc32(buffer.data() + 4, record - 4);
            std::memcpy(buffer.data(), &crc, 4);
            if (std::fwrite(buffer.data(), 1, record, data) != record || std::fflush(data) != 0) {
                std::fclose(data);
                throw FraError("cannot write '" + partial.string() + "': " + std::strerror(errno));
            }
            sources.push_back(folder.relative(i));
            entry["ok"] = true;
        } else {
            skipped.push_back({{"path", folder.relative(i)}, {"reason", image.problem}});
            entry["ok"] = false;
            entry["reason"] = image.problem;
        }
        logOut << entry.dump() << '\n' << std::flush;  // after the record: a logged record is complete
        if (progress && (i % 256 == 0 || i + 1 == folder.size())) progress(i + 1, folder.size());
    }
    // index, then the header that makes the file valid, then the rename
    const std::string index = nlohmann::json{{"sources", sources}, {"skipped", skipped}, {"image_size", imageSize_}}.dump();
    std::fwrite(index.data(), 1, index.size(), data);
    PreparedStoreHeader header{};
    std::memcpy(header.magic, PreparedStore::kMagic, 8);
    header.version = PreparedStore::kVersion;
    header.imageSize = static_cast<std::uint32_t>(imageSize_);
    header.count = sources.size();
    header.indexOffset = PreparedStore::kHeaderBytes + sources.size() * record;
    header.indexBytes = index.size();
    header.headerCrc = PreparedStore::crc32(reinterpret_cast<const std::uint8_t*>(&header), offsetof(PreparedStoreHeader, headerCrc));
    std::vector<char> block(PreparedStore::kHeaderBytes, 0);
    std::memcpy(block.data(), &header, sizeof header);
    std::fseek(data, 0, SEEK_SET);
    std::fwrite(block.data(), 1, block.size(), data);
    if (std::fflush(data) != 0 || std::fclose(data) != 0) throw FraError("cannot write '" + partial.string() + "': " + std::strerror(errno));
    commitFile(partial, out_);
    std::error_code ec;
    fs::remove(log, ec);
    report.written = sources.size();
    report.skipped = skipped.size();
    return report;
}

}  // namespace fra
