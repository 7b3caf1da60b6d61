#pragma once
#include "model/Mlp1d.h"
#include "model/QueryDecoder.h"
#include "model/ResNet.h"

#include <torch/torch.h>

namespace fra {

class CrossRankOps;
struct ModelConfig;

struct BranchOutputs {
    torch::Tensor global;    // B x D: global projector of the pooled map
    torch::Tensor regions;   // B x K x D: region projector of the K region vectors
    torch::Tensor dots;      // B x K x H x W: cosine of mask embeddings and projected pixels
    torch::Tensor heatmaps;  // B x K x H x W: softmax over regions (+1e-7)
    torch::Tensor maskEmbeddings;  // K x D: the mask embeddings the heatmaps used (batch mean in training, proto at inference)
};

// One FRA branch: backbone, global/pixel/region projectors and the query decoder. The online
// and the momentum branch are both FraBranch; predictors live in FraModel (online only).
class FraBranchImpl : public torch::nn::Module {
public:
    FraBranchImpl(const ModelConfig& config, bool withRegions);

    // Training forward: the mask embeddings are replaced by their batch mean (over ranks),
    // which also updates the `proto` EMA used at inference.
    BranchOutputs forwardTraining(const torch::Tensor& images, const CrossRankOps& ranks);
    // Inference forward: heatmaps from the `proto` prototypes, no state changes.
    BranchOutputs forwardInference(const torch::Tensor& images);

    ResNet backbone{nullptr};
    bool withRegions() const { return withRegions_; }

private:
    BranchOutputs project(const torch::Tensor& features, const torch::Tensor& maskEmbeddings);

    bool withRegions_;
    double heatmapTemperature_;
    double protoMomentum_;
    Mlp1d globalProjector{nullptr}, pixelProjector{nullptr}, regionProjector{nullptr};
    QueryDecoder decoder{nullptr};
    torch::Tensor proto;  // K x D buffer
};
TORCH_MODULE(FraBranch);

}  // namespace fra
