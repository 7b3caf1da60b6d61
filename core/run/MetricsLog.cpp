#include "run/MetricsLog.h"

#include "util/JsonNumbers.h"

#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cerrno>
#include <cmath>
#include <limits>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fra {

json toJson(const StepRecord& r) {
    json j{{"step", r.step},   {"epoch", r.epoch}, {"time", r.time},         {"loss", r.loss},
                {"l_c", r.lossC},   {"l_r", r.lossR},   {"l_g", r.lossG},         {"l_l", r.lossL},
                {"lr", r.lr},       {"momentum", r.momentum}, {"img_per_s", r.imagesPerSecond},
                {"data_wait_s", r.dataWaitSeconds}};
    // the region diagnostics only where they exist (JSON has no NaN)
    if (std::isfinite(r.regionCosine)) j["region_cos"] = r.regionCosine;
    if (std::isfinite(r.regionContiguity)) j["region_contiguity"] = r.regionContiguity;
    if (std::isfinite(r.heatmapEntropy)) j["heat_entropy"] = r.heatmapEntropy;
    for (const auto& [key, value] : {std::pair<const char*, double>{"knn_top1", r.knnTop1}, {"knn_top1_k200", r.knnTop1K200},
                                     {"knn_correct", r.knnCorrect}, {"knn_test", r.knnTestFaces}, {"readout_nme", r.readoutNme},
                                     {"eval_s", r.onlineEvalSeconds}})
        if (std::isfinite(value)) j[key] = value;
    return j;
}

StepRecord stepRecordFromJson(const json& j) {
    StepRecord r;
    r.step = wholeNumber(j.at("step"), "step");
    r.epoch = wholeNumber(j, "epoch", 0);
    r.time = j.value("time", 0.0);
    r.loss = j.value("loss", 0.0);
    r.lossC = j.value("l_c", 0.0);
    r.lossR = j.value("l_r", 0.0);
    r.lossG = j.value("l_g", 0.0);
    r.lossL = j.value("l_l", 0.0);
    r.lr = j.value("lr", 0.0);
    r.momentum = j.value("momentum", 0.0);
    r.imagesPerSecond = j.value("img_per_s", 0.0);
    r.dataWaitSeconds = j.value("data_wait_s", 0.0);
    const auto optional = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_number() ? it->get<double>() : std::numeric_limits<double>::quiet_NaN();
    };
    r.regionCosine = optional("region_cos");
    r.regionContiguity = optional("region_contiguity");
    r.heatmapEntropy = optional("heat_entropy");
    r.knnTop1 = optional("knn_top1");
    r.knnTop1K200 = optional("knn_top1_k200");
    r.knnCorrect = optional("knn_correct");
    r.knnTestFaces = optional("knn_test");
    r.readoutNme = optional("readout_nme");
    r.onlineEvalSeconds = optional("eval_s");
    return r;
}

namespace {
bool parseLine(const std::string& line, StepRecord& out) {
    if (line.empty()) return false;
    try {
        const json j = json::parse(line);
        if (!j.is_object() || !j.contains("step")) return false;
        out = stepRecordFromJson(j);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}
}  // namespace

MetricsWriter::MetricsWriter(const fs::path& file) : path_(file) {
    file_ = std::fopen(file.c_str(), "ab");
    if (!file_) throw FraError("cannot append to '" + file.string() + "': " + std::strerror(errno));
}

MetricsWriter::~MetricsWriter() {
    if (file_) std::fclose(file_);
}

void MetricsWriter::append(const StepRecord& record) {
    const std::string line = toJson(record).dump() + "\n";
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
        throw FraError("cannot append to '" + path_.string() + "': " + std::strerror(errno));
}

void MetricsWriter::truncateAfter(const fs::path& file, std::int64_t lastStep) {
    if (!fs::exists(file)) return;
    std::ifstream in(file);
    std::ostringstream kept;
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) break;  // no newline: a torn final line
        StepRecord r;
        if (parseLine(line, r) && r.step <= lastStep) kept << line << '\n';
    }
    writeFileAtomically(file, kept.str());
}

MetricsReader::Update MetricsReader::poll() {
    Update update;
    std::error_code ec;
    const auto size = fs::file_size(path_, ec);
    if (ec) return update;
    if (size < offset_) {  // rewritten (resume truncation): start over
        update.reset = true;
        offset_ = 0;
        partial_.clear();
    }
    if (size == offset_) return update;
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string chunk(static_cast<std::size_t>(size - offset_), '\0');
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    offset_ += chunk.size();
    partial_ += chunk;
    std::size_t start = 0;
    for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
        StepRecord r;
        if (parseLine(partial_.substr(start, nl - start), r)) update.records.push_back(r);
    }
    partial_.erase(0, start);
    return update;
}

std::vector<StepRecord> MetricsReader::readAll(const fs::path& file) {
    MetricsReader reader(file);
    return reader.poll().records;
}

}  // namespace fra
