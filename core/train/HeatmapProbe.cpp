#include "train/HeatmapProbe.h"

#include "data/TwoViewAugmenter.h"
#include "model/FraModel.h"
#include "util/FraError.h"

#include <torch/torch.h>

namespace fra {

NpyArray computeHeatmaps(FraModelImpl& model, const std::vector<cv::Mat>& images, const DataConfig& data, double temperature) {
    if (!model.online->withRegions()) throw FraError("this model has no facial regions (GC-only / BYOL configuration)");
    NpyArray out;
    if (images.empty()) return out;
    const TwoViewAugmenter augmenter(data);
    const int size = data.imageSize;
    std::vector<float> pixels(images.size() * 3u * size * size);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const cv::Mat square = images[i].rows == size && images[i].cols == size ? images[i]
                                                                                 : TwoViewAugmenter::centerCrop(images[i], size);
        augmenter.normalizeInto(square, pixels.data() + i * 3u * size * size);
    }
    const torch::Device device = model.parameters().front().device();
    const torch::Tensor batch =
        torch::from_blob(pixels.data(), {static_cast<int64_t>(images.size()), 3, size, size}, torch::kFloat32).to(device);
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

}  // namespace fra
