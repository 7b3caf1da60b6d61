#include "tensorboard/RunTensorBoard.h"

#include "data/JpegCodec.h"
#include "heatmap/HeatmapRenderer.h"
#include "run/MetricsLog.h"
#include "run/NpyFile.h"
#include "run/ProbeSet.h"
#include "run/RunDirectory.h"
#include "run/RunLock.h"
#include "util/FraError.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <limits>
#include <optional>

namespace fs = std::filesystem;

namespace fra {

namespace {

constexpr double kOpacity = 0.5;
constexpr int kJpegQuality = 90;

bool isEventFile(const fs::path& p) { return p.filename().string().find("tfevents") != std::string::npos; }

std::vector<fs::path> eventFiles(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file(ec) && isEventFile(entry.path())) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Writes under a name TensorBoard ignores (no "tfevents" in it) and gives the file its event-file
// name only when it is complete; then removes every other event file of the folder.
class StagedEventFile {
public:
    StagedEventFile(const fs::path& dir, double wallTime)
        : dir_(dir), writer_(std::make_unique<tensorboard::EventFileWriter>(dir / kStagingName, wallTime)), wallTime_(wallTime) {}
    ~StagedEventFile() {
        std::error_code ec;
        if (writer_) fs::remove(dir_ / kStagingName, ec);
    }
    tensorboard::EventFileWriter& writer() { return *writer_; }
    std::unique_ptr<tensorboard::EventFileWriter> publish() {
        const fs::path published = dir_ / tensorboard::EventFileWriter::fileName(wallTime_);
        writer_->moveTo(published);
        for (const auto& old : eventFiles(dir_))
            if (old != published) fs::remove(old);
        return std::move(writer_);
    }
    static constexpr const char* kStagingName = "writing.tmp";

private:
    fs::path dir_;
    std::unique_ptr<tensorboard::EventFileWriter> writer_;
    double wallTime_;
};

std::vector<jpeg::RgbImage> probeImages(const RunDirectory& run) {
    try {
        return ProbeSet::load(run).images;
    } catch (const std::exception&) {
        return {};  // a run without probe faces has no heatmap images
    }
}

// One image per snapshot: a column per probe face, the regions over the face above each pixel's
// most likely region.
std::optional<tensorboard::EncodedImage> heatmapImage(const std::vector<jpeg::RgbImage>& probes, const std::vector<std::int64_t>& shape,
                                                      const float* maps) {
    if (shape.size() != 4 || probes.empty()) return std::nullopt;
    const int count = static_cast<int>(std::min<std::int64_t>(shape[0], static_cast<std::int64_t>(probes.size())));
    const int regions = static_cast<int>(shape[1]), h = static_cast<int>(shape[2]), w = static_cast<int>(shape[3]);
    const int size = probes[0].width;
    if (count <= 0 || regions <= 0 || h <= 0 || w <= 0 || size <= 0) return std::nullopt;
    jpeg::RgbImage grid;
    grid.width = size * count;
    grid.height = 2 * size;
    grid.pixels.assign(static_cast<std::size_t>(grid.width) * grid.height * 3, 0);
    const std::size_t perProbe = static_cast<std::size_t>(regions) * h * w;
    for (int p = 0; p < count; ++p) {
        const jpeg::RgbImage& face = probes[p];
        if (face.width != size || face.height != size) return std::nullopt;
        const auto up = HeatmapRenderer::upsample(maps + p * perProbe, regions, h, w, size, size);
        const jpeg::RgbImage tiles[2] = {HeatmapRenderer::overlay(face, up, kOpacity), HeatmapRenderer::argmaxMap(face, up, kOpacity)};
        for (int row = 0; row < 2; ++row)
            for (int y = 0; y < size; ++y)
                std::memcpy(&grid.pixels[((static_cast<std::size_t>(row) * size + y) * grid.width + static_cast<std::size_t>(p) * size) * 3],
                            &tiles[row].pixels[static_cast<std::size_t>(y) * size * 3], static_cast<std::size_t>(size) * 3);
    }
    tensorboard::EncodedImage image;
    image.tag = "heatmaps/regions (top) and arg-max region (bottom)";
    image.width = grid.width;
    image.height = grid.height;
    image.png = jpeg::encode(grid.pixels.data(), grid.width, grid.height, kJpegQuality, /*subsample=*/false);
    return image;
}

// Everything the run's files hold, in step order.
TensorBoardSummary writeFromRunFiles(const RunDirectory& run, tensorboard::EventFileWriter& out, std::int64_t lastStep) {
    TensorBoardSummary summary;
    summary.rebuilt = true;
    std::map<std::int64_t, double> timeOfStep;
    for (const StepRecord& record : MetricsReader::readAll(run.metricsFile())) {
        if (record.step > lastStep) continue;
        out.write(tensorboard::encodeScalarEvent(record.step, record.time, tensorBoardScalars(record)));
        timeOfStep[record.step] = record.time;
        ++summary.steps;
    }
    const auto probes = probeImages(run);
    if (probes.empty()) return summary;
    for (const HeatmapIndexEntry& entry : run.heatmapSnapshots()) {
        if (entry.step > lastStep) continue;
        NpyArray maps;
        try {
            maps = readNpy(entry.file);
        } catch (const std::exception&) {
            continue;  // a snapshot a crash left unreadable is skipped, as the workbench does
        }
        double wall = 0;
        if (const auto it = timeOfStep.find(entry.step); it != timeOfStep.end()) wall = it->second;
        else if (!timeOfStep.empty()) wall = timeOfStep.begin()->second;  // step 0: before the first step
        if (const auto image = heatmapImage(probes, maps.shape, maps.data.data())) {
            out.write(tensorboard::encodeImageEvent(entry.step, wall, {*image}));
            ++summary.snapshots;
        }
    }
    return summary;
}

fs::path createdTensorBoardDir(const RunDirectory& run) {
    const fs::path dir = run.root() / "tensorboard";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw FraError("cannot create '" + dir.string() + "': " + ec.message());
    return dir;
}

}  // namespace

fs::path tensorBoardDir(const RunDirectory& run) { return run.root() / "tensorboard"; }

std::string tensorBoardTag(const std::string& field) {
    static const std::map<std::string, std::string> tags = {
        {"loss", "loss/L (total)"},
        {"l_c", "loss/L_c (consistency)"},
        {"l_r", "loss/L_r (relation)"},
        {"l_g", "loss/global terms"},
        {"l_l", "loss/local terms"},
        {"lr", "optim/lr"},
        {"momentum", "optim/momentum"},
        {"epoch", "optim/epoch"},
        {"img_per_s", "speed/images per s"},
        {"data_wait_s", "speed/data wait (s)"},
        {"region_cos", "regions/region_cos"},
        {"region_contiguity", "regions/region_contiguity"},
        {"heat_entropy", "regions/heat_entropy"},
        {"knn_top1", "online eval/kNN top-1 (k=20, T=0.07)"},
        {"knn_top1_k200", "online eval/kNN top-1 (k=200, T=0.1)"},
        {"knn_correct", "online eval/kNN correct (k=20)"},
        {"knn_test", "online eval/kNN test faces"},
        {"readout_nme", "online eval/read-out NME"},
        {"eval_s", "speed/online eval (s)"},
    };
    const auto it = tags.find(field);
    return it != tags.end() ? it->second : "metrics/" + field;
}

std::vector<std::pair<std::string, float>> tensorBoardScalars(const StepRecord& record) {
    std::vector<std::pair<std::string, float>> out;
    const nlohmann::json fields = toJson(record);
    for (const auto& [field, value] : fields.items())
        if (field != "step" && field != "time" && value.is_number()) out.emplace_back(tensorBoardTag(field), value.get<float>());
    return out;
}

struct TensorBoardLog::Impl {
    std::unique_ptr<tensorboard::EventFileWriter> out;
    std::vector<jpeg::RgbImage> probes;
};

TensorBoardLog::TensorBoardLog(const RunDirectory& run, std::int64_t lastStep) : impl_(std::make_unique<Impl>()) {
    const fs::path dir = createdTensorBoardDir(run);
    const auto previous = eventFiles(dir);
    if (previous.size() == 1) {  // several: a crash between publishing and clean-up; start anew
        StagedEventFile staged(dir, unixNow());
        TensorBoardSummary kept;
        std::int64_t lastCarried = 0;
        const auto end = tensorboard::readEventFile(previous[0], [&](const tensorboard::EventHeader& h, const std::string& event) {
            if (h.fileVersion || h.step > lastStep) return;
            staged.writer().write(event);
            ++(h.images ? kept.snapshots : kept.steps);
            if (!h.images) lastCarried = std::max(lastCarried, h.step);
        });
        // carried over only when it holds every logged step up to the checkpoint: a stretch trained with
        // run.tensorboard off would otherwise stay missing for good
        std::int64_t lastLogged = 0;
        for (const StepRecord& record : MetricsReader::readAll(run.metricsFile()))
            if (record.step <= lastStep) lastLogged = std::max(lastLogged, record.step);
        if ((end == tensorboard::EventFileEnd::Complete || end == tensorboard::EventFileEnd::Torn) && lastCarried >= lastLogged) {
            impl_->out = staged.publish();
            opened_ = kept;
        }
    }
    if (!impl_->out) {
        StagedEventFile staged(dir, unixNow());
        opened_ = writeFromRunFiles(run, staged.writer(), lastStep);
        impl_->out = staged.publish();
    }
    opened_.file = impl_->out->path();
    impl_->probes = probeImages(run);
}

TensorBoardLog::~TensorBoardLog() = default;

void TensorBoardLog::addStep(const StepRecord& record) {
    impl_->out->write(tensorboard::encodeScalarEvent(record.step, record.time, tensorBoardScalars(record)));
}

void TensorBoardLog::addHeatmaps(std::int64_t step, double wallTime, const std::vector<std::int64_t>& shape, const float* maps) {
    if (const auto image = heatmapImage(impl_->probes, shape, maps))
        impl_->out->write(tensorboard::encodeImageEvent(step, wallTime, {*image}));
}

TensorBoardSummary exportTensorBoard(const RunDirectory& run) {
    if (RunLock::isHeld(run.root()))
        throw FraError("run '" + run.root().string() + "' is being trained on this machine: its trainer writes the event file itself");
    const fs::path dir = createdTensorBoardDir(run);
    StagedEventFile staged(dir, unixNow());
    TensorBoardSummary summary = writeFromRunFiles(run, staged.writer(), std::numeric_limits<std::int64_t>::max());
    summary.file = staged.publish()->path();
    return summary;
}

}  // namespace fra
