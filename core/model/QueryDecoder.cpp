#include "model/QueryDecoder.h"

#include "config/FraConfig.h"

#include <cmath>

namespace nn = torch::nn;

namespace fra {

torch::Tensor sinePositionEncoding(int64_t height, int64_t width, int64_t featuresPerAxis, const torch::TensorOptions& options) {
    const double scale = 2.0 * M_PI, eps = 1e-6, temperature = 10000.0;
    auto f32 = options.dtype(torch::kFloat32);
    // cumulative sums of an all-ones mask are 1..H and 1..W; normalised to (0, 2*pi]
    torch::Tensor y = torch::arange(1, height + 1, f32) / (height + eps) * scale;
    torch::Tensor x = torch::arange(1, width + 1, f32) / (width + eps) * scale;
    torch::Tensor dimT = torch::arange(featuresPerAxis, f32);
    dimT = torch::pow(temperature, 2.0 * torch::floor(dimT / 2.0) / static_cast<double>(featuresPerAxis));
    auto encode = [&](const torch::Tensor& positions) {  // (N) -> (N, F): sin on even, cos on odd features
        torch::Tensor p = positions.unsqueeze(1) / dimT;
        using torch::indexing::Slice;
        return torch::stack({p.index({Slice(), Slice(0, torch::indexing::None, 2)}).sin(),
                             p.index({Slice(), Slice(1, torch::indexing::None, 2)}).cos()},
                            2)
            .flatten(1);
    };
    torch::Tensor posY = encode(y).unsqueeze(1).expand({height, width, featuresPerAxis});
    torch::Tensor posX = encode(x).unsqueeze(0).expand({height, width, featuresPerAxis});
    return torch::cat({posY, posX}, 2).permute({2, 0, 1}).contiguous();
}

QueryDecoderLayerImpl::QueryDecoderLayerImpl(int dModel, int heads, int feedForward, double p) {
    selfAttn = register_module("self_attn", nn::MultiheadAttention(nn::MultiheadAttentionOptions(dModel, heads).dropout(p)));
    crossAttn = register_module("cross_attn", nn::MultiheadAttention(nn::MultiheadAttentionOptions(dModel, heads).dropout(p)));
    linear1 = register_module("linear1", nn::Linear(dModel, feedForward));
    linear2 = register_module("linear2", nn::Linear(feedForward, dModel));
    norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({dModel})));
    norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({dModel})));
    norm3 = register_module("norm3", nn::LayerNorm(nn::LayerNormOptions({dModel})));
    dropout = register_module("dropout", nn::Dropout(p));
    dropout1 = register_module("dropout1", nn::Dropout(p));
    dropout2 = register_module("dropout2", nn::Dropout(p));
    dropout3 = register_module("dropout3", nn::Dropout(p));
}

torch::Tensor QueryDecoderLayerImpl::forward(torch::Tensor tgt, const torch::Tensor& memory, const torch::Tensor& pos,
                                             const torch::Tensor& queryPos) {
    const torch::Tensor q = tgt + queryPos;
    torch::Tensor attended = std::get<0>(selfAttn->forward(q, q, tgt, {}, /*need_weights=*/false));
    tgt = norm1(tgt + dropout1(attended));
    attended = std::get<0>(crossAttn->forward(tgt + queryPos, memory + pos, memory, {}, /*need_weights=*/false));
    tgt = norm2(tgt + dropout2(attended));
    attended = linear2(dropout(torch::relu(linear1(tgt))));
    return norm3(tgt + dropout3(attended));
}

QueryDecoderImpl::QueryDecoderImpl(int inChannels, const ModelConfig& config) : layersCount_(config.decoderLayers) {
    const int d = config.embedDim;
    if (layersCount_ > 0) {
        inputProj = register_module("input_proj", nn::Conv2d(nn::Conv2dOptions(inChannels, d, 1)));
        // Caffe2 "XavierFill" = kaiming uniform with a = 1, zero bias
        nn::init::kaiming_uniform_(inputProj->weight, 1.0);
        nn::init::zeros_(inputProj->bias);
    }
    queryEmbed = register_module("query_embed", nn::Embedding(config.numRegions, d));
    if (layersCount_ > 0 && config.queryInit == "learned")  // N(0, 1) like nn.Embedding, as Mask2Former
        queryFeat = register_module("query_feat", nn::Embedding(config.numRegions, d));
    layers = register_module("layers", nn::ModuleList());
    for (int i = 0; i < layersCount_; ++i)
        layers->push_back(QueryDecoderLayer(d, config.decoderHeads, config.decoderFeedForward, config.decoderDropout));
    // DETR initialises every matrix of the transformer with Xavier uniform.
    for (auto& p : layers->parameters())
        if (p.dim() > 1) nn::init::xavier_uniform_(p);
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({d})));
    maskEmbed = register_module("mask_embed", nn::ModuleList(nn::Linear(d, d), nn::Linear(d, d), nn::Linear(d, d)));
}

torch::Tensor QueryDecoderImpl::forward(const torch::Tensor& features) {
    const auto batch = features.size(0);
    torch::Tensor hidden;
    if (layersCount_ == 0) {
        hidden = queryEmbed->weight.unsqueeze(0).expand({batch, -1, -1});
    } else {
        torch::Tensor memory = inputProj(features);                       // B x d x H x W
        const auto h = memory.size(2), w = memory.size(3), d = memory.size(1);
        torch::Tensor pos = sinePositionEncoding(h, w, d / 2, memory.options())
                                .to(memory.scalar_type())
                                .flatten(1)
                                .t()
                                .unsqueeze(1)
                                .expand({h * w, batch, d});               // HW x B x d
        memory = memory.flatten(2).permute({2, 0, 1});                    // HW x B x d
        torch::Tensor queryPos = queryEmbed->weight.unsqueeze(1).expand({-1, batch, -1});  // K x B x d
        torch::Tensor tgt = queryFeat ? queryFeat->weight.unsqueeze(1).expand({-1, batch, -1}) : torch::zeros_like(queryPos);
        for (const auto& layer : *layers) tgt = layer->as<QueryDecoderLayer>()->forward(tgt, memory, pos, queryPos);
        hidden = norm(tgt).transpose(0, 1);                                // B x K x d
    }
    for (std::size_t i = 0; i < maskEmbed->size(); ++i) {
        hidden = maskEmbed[i]->as<nn::Linear>()->forward(hidden);
        if (i + 1 < maskEmbed->size()) hidden = torch::relu(hidden);
    }
    return hidden;
}

}  // namespace fra
