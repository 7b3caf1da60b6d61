#include "train/HeatmapProbe.h"

#include "model/FraModel.h"
#include "util/FraError.h"

#include <torch/torch.h>

namespace fra {

namespace {

// x / 255 normalised by the data's mean and std, HWC RGB bytes to CHW floats (as the training
// augmentation's normalizeInto computes it, to the bit).
void normalizeInto(const std::uint8_t* rgb, int width, int height, const DataConfig& data, float* chwOut) {
    const std::size_t plane = static_cast<std::size_t>(width) * height;
    float scale[3], offset[3];
    for (int c = 0; c < 3; ++c) {
        scale[c] = static_cast<float>(1.0 / (255.0 * data.std[c]));
        offset[c] = static_cast<float>(-data.mean[c] / data.std[c]);
    }
    for (std::size_t p = 0; p < plane; ++p)
        for (int c = 0; c < 3; ++c) chwOut[c * plane + p] = rgb[3 * p + c] * scale[c] + offset[c];
}

NpyArray heatmapsOf(FraModelImpl& model, std::vector<float>& pixels, std::size_t count, int size, double temperature) {
    NpyArray out;
    const torch::Device device = model.parameters().front().device();
    const torch::Tensor batch = torch::from_blob(pixels.data(), {static_cast<int64_t>(count), 3, size, size}, torch::kFloat32).to(device);
    const bool wasTraining = model.online->is_training();
    model.online->eval();
    torch::Tensor heat;
    {
        torch::NoGradGuard noGrad;
        const BranchOutputs o = model.online->forwardInference(batch);
        heat = (temperature > 0 ? torch::softmax(o.dots.to(torch::kFloat32) / temperature, 1) : o.heatmaps).to(torch::kCPU, torch::kFloat32).contiguous();
    }
    model.online->train(wasTraining);
    out.shape = heat.sizes().vec();
    out.data.assign(heat.data_ptr<float>(), heat.data_ptr<float>() + heat.numel());
    return out;
}

void requireRegions(FraModelImpl& model) {
    if (!model.online->withRegions()) throw FraError("this model has no facial regions (GC-only / BYOL configuration)");
}

}  // namespace

std::vector<float> normalisedFaces(const std::vector<jpeg::RgbImage>& images, const DataConfig& data) {
    const int size = data.imageSize;
    std::vector<float> pixels(images.size() * 3u * size * size);
    std::vector<std::uint8_t> square;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const std::uint8_t* rgb = images[i].pixels.data();
        if (images[i].width != size || images[i].height != size) {
            if (images[i].width < 1 || images[i].height < 1) throw FraError("face " + std::to_string(i + 1) + " is an empty image");
            square.resize(3u * size * size);
            centreSquareResize(images[i], size, square.data());
            rgb = square.data();
        }
        normalizeInto(rgb, size, size, data, pixels.data() + i * 3u * size * size);
    }
    return pixels;
}

NpyArray computeHeatmaps(FraModelImpl& model, const std::vector<jpeg::RgbImage>& images, const DataConfig& data, double temperature) {
    requireRegions(model);
    if (images.empty()) return {};
    std::vector<float> pixels = normalisedFaces(images, data);
    return heatmapsOf(model, pixels, images.size(), data.imageSize, temperature);
}

}  // namespace fra
