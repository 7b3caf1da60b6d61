// `fra heatmaps`: render a checkpoint's K facial-region heatmaps over images.
#include "Commands.h"
#include "data/ImageOps.h"
#include "data/PngCodec.h"
#include "heatmap/HeatmapRenderer.h"
#include "run/NpyFile.h"
#include "train/HeatmapProbe.h"
#include "train/ModelLoader.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <iostream>

namespace fs = std::filesystem;

namespace {

struct HeatmapsOptions {
    std::string model;
    std::vector<std::string> images;
    std::string out;
    double opacity = 0.5;
    int displaySize = 224;
    bool npy = false;
};

void writePng(const fs::path& file, const fra::jpeg::RgbImage& rgb) {
    const std::vector<std::uint8_t> png = fra::png::encode(rgb);
    if (png.empty()) throw fra::FraError("cannot encode '" + file.string() + "'");
    fra::writeFileAtomically(file, std::string(png.begin(), png.end()));
}

int run(const HeatmapsOptions& o) {
    // Everything is read and checked before the first file is written.
    const fra::LoadedModel loaded = fra::loadTrainedModel(o.model);
    const int imageSize = loaded.config.data.imageSize;
    std::vector<fra::jpeg::RgbImage> crops;
    for (const auto& path : o.images) {
        fra::jpeg::RgbImage image;
        std::string problem;
        if (!fra::readRgbImage(path, image, problem, 8)) throw fra::FraError("image '" + path + "': " + problem);
        fra::jpeg::RgbImage& crop = crops.emplace_back();
        crop.width = crop.height = imageSize;
        crop.pixels.resize(3u * imageSize * imageSize);
        fra::centreSquareResize(image, imageSize, crop.pixels.data());
    }
    const fra::NpyArray maps = fra::computeHeatmaps(*loaded.model, crops, loaded.config.data);
    std::error_code ec;
    fs::create_directories(o.out, ec);
    if (ec) throw fra::FraError("cannot create output folder '" + o.out + "': " + ec.message());

    const int k = static_cast<int>(maps.shape[1]), h = static_cast<int>(maps.shape[2]), w = static_cast<int>(maps.shape[3]);
    const int size = std::max(o.displaySize, loaded.config.data.imageSize);
    for (std::size_t i = 0; i < crops.size(); ++i) {
        const fra::jpeg::RgbImage display = fra::resizeRgb(crops[i], size, size);
        const float* m = maps.data.data() + i * static_cast<std::size_t>(k) * h * w;
        const auto up = fra::HeatmapRenderer::upsample(m, k, h, w, size, size);
        const std::string stem = fs::path(o.images[i]).stem().string();
        writePng(fs::path(o.out) / (stem + "_regions.png"), fra::HeatmapRenderer::overlay(display, up, o.opacity));
        writePng(fs::path(o.out) / (stem + "_argmax.png"), fra::HeatmapRenderer::argmaxMap(display, up, o.opacity));
        writePng(fs::path(o.out) / (stem + "_panels.png"), fra::HeatmapRenderer::sheet(display, up, o.opacity));
        if (o.npy) fra::writeNpy(fs::path(o.out) / (stem + "_heatmaps.npy"), {k, h, w}, m);
    }
    std::cout << "wrote heatmaps of " << crops.size() << " image(s), K=" << k << ", step " << loaded.step << " of "
              << loaded.checkpoint.string() << ", to " << o.out << std::endl;
    return 0;
}

}  // namespace

void addHeatmapsCommand(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<HeatmapsOptions>();
    CLI::App* cmd = app.add_subcommand("heatmaps", "Render a checkpoint's K facial-region heatmaps over images to PNG");
    cmd->add_option("model", o->model, "Checkpoint file, or a run folder (its newest checkpoint)")->required();
    cmd->add_option("images", o->images, "Face images")->required()->check(CLI::ExistingFile);
    cmd->add_option("--out", o->out, "Output folder")->required();
    cmd->add_option("--opacity", o->opacity, "Overlay opacity")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--size", o->displaySize, "Rendered image side in pixels")->check(CLI::Range(16, 4096))->capture_default_str();
    cmd->add_flag("--npy", o->npy, "Also write the raw K x h x w heatmaps as .npy");
    cmd->footer("Writes <image>_regions.png (one colour per region), <image>_argmax.png and <image>_panels.png\n"
                  "(image | overlay | argmax | one panel per region).");
    cmd->callback([o, &action] { action = [o] { return run(*o); }; });
}
