#pragma once
#include <torch/torch.h>

namespace fra {

struct ModelConfig;

// 2-D sine position encoding of DETR (normalised, scale 2*pi, temperature 10000):
// returns (2 * featuresPerAxis) x H x W, y features first.
torch::Tensor sinePositionEncoding(int64_t height, int64_t width, int64_t featuresPerAxis, const torch::TensorOptions& options);

// One post-norm DETR decoder layer with positional inputs (LibTorch's TransformerDecoderLayer
// has none): self-attention among queries, cross-attention to pixels, feed-forward.
// Sequence-first tensors: tgt/queryPos (K, B, d), memory/pos (HW, B, d).
class QueryDecoderLayerImpl : public torch::nn::Module {
public:
    QueryDecoderLayerImpl(int dModel, int heads, int feedForward, double dropout);
    torch::Tensor forward(torch::Tensor tgt, const torch::Tensor& memory, const torch::Tensor& pos, const torch::Tensor& queryPos);

private:
    torch::nn::MultiheadAttention selfAttn{nullptr}, crossAttn{nullptr};
    torch::nn::Linear linear1{nullptr}, linear2{nullptr};
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    torch::nn::Dropout dropout{nullptr}, dropout1{nullptr}, dropout2{nullptr}, dropout3{nullptr};
};
TORCH_MODULE(QueryDecoderLayer);

// FRA's query decoder (MaskFormer style): 1x1 input projection of the backbone map, K learnable
// queries decoded against the pixels, final LayerNorm, 3-layer MLP -> K mask embeddings.
// forward(F: B x C x H x W) -> E: B x K x d.  With 0 layers the embeddings are the MLP of the
// learnable query embedding alone (image-independent prototypes). The first layer's queries are
// zeros (DETR, the authors' code) or, with query_init = learned, a learnable K x d embedding
// (Mask2Former's query features), so the K outputs already differ at initialisation.
class QueryDecoderImpl : public torch::nn::Module {
public:
    QueryDecoderImpl(int inChannels, const ModelConfig& config);
    torch::Tensor forward(const torch::Tensor& features);

private:
    int layersCount_;
    torch::nn::Conv2d inputProj{nullptr};
    torch::nn::Embedding queryEmbed{nullptr};
    torch::nn::Embedding queryFeat{nullptr};  // query_init = learned: the first layer's input (Mask2Former)
    torch::nn::ModuleList layers{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::ModuleList maskEmbed{nullptr};
};
TORCH_MODULE(QueryDecoder);

}  // namespace fra
