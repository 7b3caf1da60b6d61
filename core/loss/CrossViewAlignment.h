#pragma once
#include "data/ViewParams.h"

#include <torch/torch.h>
#include <utility>
#include <vector>

namespace fra {

// Where the cells of one augmented view lie in the other view of the same image, from the two
// views' crops and flips (ViewParams, in the source image's pixels): what L_r needs to teach a
// pixel the other view's assignment of the same face point (loss.relation_targets = other_view).

// B x 2 x 5 float32 on `device`: per image and view {cropX, cropY, cropWidth, cropHeight, flip}.
torch::Tensor viewCrops(const std::vector<ViewParams>& view1, const std::vector<ViewParams>& view2, torch::Device device);

// For the H x W cells of view `from` (0 or 1): their centres in view `to` as grid_sample
// coordinates (B x H x W x 2, x then y, -1 and 1 the outer edges: align_corners = false), and
// whether each lies inside view `to` (B x H x W bool).
std::pair<torch::Tensor, torch::Tensor> crossViewGrid(const torch::Tensor& crops, int from, int to, std::int64_t height, std::int64_t width);

// `maps` (B x C x H' x W') of view `to`, read at the cells of view `from` (bilinear, the edge
// cells repeated): B x C x H x W.
torch::Tensor sampleAt(const torch::Tensor& maps, const torch::Tensor& grid);

}  // namespace fra
