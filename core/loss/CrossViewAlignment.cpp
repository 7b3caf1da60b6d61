#include "loss/CrossViewAlignment.h"

#include "util/FraError.h"

namespace F = torch::nn::functional;

namespace fra {

torch::Tensor viewCrops(const std::vector<ViewParams>& view1, const std::vector<ViewParams>& view2, torch::Device device) {
    if (view1.size() != view2.size()) throw FraError("internal: the two views' crops differ in number");
    std::vector<float> values;
    values.reserve(view1.size() * 10);
    for (std::size_t i = 0; i < view1.size(); ++i)
        for (const ViewParams* p : {&view1[i], &view2[i]}) {
            if (p->cropWidth <= 0 || p->cropHeight <= 0) throw FraError("internal: a view without its crop");
            values.insert(values.end(), {static_cast<float>(p->cropX), static_cast<float>(p->cropY), static_cast<float>(p->cropWidth),
                                         static_cast<float>(p->cropHeight), p->flip ? 1.f : 0.f});
        }
    torch::Tensor crops = torch::tensor(values).reshape({static_cast<std::int64_t>(view1.size()), 2, 5});
    // pinned and asynchronous on CUDA: a pageable copy would make the host wait for the previous step
    if (device.is_cuda()) return crops.pin_memory().to(device, /*non_blocking=*/true);
    return crops.to(device);
}

std::pair<torch::Tensor, torch::Tensor> crossViewGrid(const torch::Tensor& crops, int from, int to, std::int64_t height, std::int64_t width) {
    torch::NoGradGuard noGrad;
    const auto options = crops.options();
    const auto column = [&](int view, int field) { return crops.select(1, view).select(1, field).reshape({-1, 1, 1}); };
    // cell centres of view `from`, in [0, 1] across the view as rendered (after its flip)
    const torch::Tensor xs = ((torch::arange(width, options) + 0.5) / static_cast<double>(width)).reshape({1, 1, width});
    const torch::Tensor ys = ((torch::arange(height, options) + 0.5) / static_cast<double>(height)).reshape({1, height, 1});
    const torch::Tensor flipFrom = column(from, 4), flipTo = column(to, 4);
    const torch::Tensor inCropX = xs + flipFrom * (1.0 - 2.0 * xs);  // a flipped view shows its crop mirrored
    const torch::Tensor sourceX = column(from, 0) + inCropX * column(from, 2);
    const torch::Tensor sourceY = column(from, 1) + ys * column(from, 3);
    torch::Tensor u = (sourceX - column(to, 0)) / column(to, 2);
    u = (u + flipTo * (1.0 - 2.0 * u)).expand({-1, height, width});  // B x 1 x W -> B x H x W
    const torch::Tensor v = ((sourceY - column(to, 1)) / column(to, 3)).expand({-1, height, width});
    const torch::Tensor inside = (u >= 0) & (u <= 1) & (v >= 0) & (v <= 1);
    return {torch::stack({2.0 * u - 1.0, 2.0 * v - 1.0}, -1), inside};
}

torch::Tensor sampleAt(const torch::Tensor& maps, const torch::Tensor& grid) {
    return F::grid_sample(maps, grid.to(maps.scalar_type()),
                          F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false));
}

}  // namespace fra
