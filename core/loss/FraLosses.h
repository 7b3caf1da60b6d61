#pragma once
#include <torch/torch.h>

namespace fra {

class CrossRankOps;
struct LossConfig;

// The FRA loss terms of ../shared/docs/fra-spec.md as plain functions of tensors.

// BYOL: 2 - 2 * mean cosine(p, z) over rows of N x D.
torch::Tensor byolLoss(const torch::Tensor& prediction, const torch::Tensor& target);

// mean over (b, k) of sum_{j != k} cos(pred_k, target_j)^2 / K, for B x K x D inputs.
torch::Tensor decorrelationTerm(const torch::Tensor& prediction, const torch::Tensor& target);

// L_l: region k of one view predicts region k of the other (B x K x D each), plus the
// decorrelation term with `decorrelationWeight`.
torch::Tensor regionConsistency(const torch::Tensor& prediction, const torch::Tensor& target, double decorrelationWeight);

// MSN's Sinkhorn-Knopp on probabilities (n x K rows summing to 1); returns n x K assignments
// whose columns are balanced over the regions. Totals and row sums are reduced across ranks.
torch::Tensor sinkhorn(const torch::Tensor& probabilities, int iterations, const CrossRankOps& ranks);

// ME-MAX: sum_k pbar_k log pbar_k + log K, pbar the mean of the n x K probabilities (over ranks).
torch::Tensor meanEntropyRegularizer(const torch::Tensor& probabilities, const CrossRankOps& ranks);

// mean over rows of -sum_k q_k log p_k.
torch::Tensor softCrossEntropy(const torch::Tensor& targetProbabilities, const torch::Tensor& logProbabilities);

// L_r for one view: dots (B x K x H x W cosine similarities) of the online and momentum
// branches -> CE(sinkhorn(teacher), student) + memaxWeight * ME-MAX(student).
torch::Tensor semanticRelation(const torch::Tensor& onlineDots, const torch::Tensor& momentumDots, const LossConfig& config,
                               const CrossRankOps& ranks);

// L_r with loss.relation_targets = other_view: the student is this view's online dots, the
// teacher the momentum branch's dots of the other view (B x K x H' x W'), whose assignment
// (softmax, Sinkhorn over all its pixels) is read at where this view's pixels lie in it
// (crossViewGrid's `grid`, B x H x W x 2); only the pixels `inside` (B x H x W) the other view count
// in the cross-entropy (none inside: 0), ME-MAX takes every pixel.
torch::Tensor semanticRelationAcrossViews(const torch::Tensor& onlineDots, const torch::Tensor& otherMomentumDots, const torch::Tensor& grid,
                                          const torch::Tensor& inside, const LossConfig& config, const CrossRankOps& ranks);

// Diagnostics of whether the K regions have separated (no gradient; scalar tensors, no host sync).
// Mean pairwise cosine similarity of K x D embeddings over the K(K-1)/2 pairs: 1 = all identical.
torch::Tensor meanPairwiseCosine(const torch::Tensor& embeddings);
// Mean over the B*H*W pixels of the entropy of softmax over k of dots / temperature (B x K x H x W),
// divided by log K: 1 = every pixel assigned uniformly (identical regions), 0 = one-hot.
torch::Tensor normalisedAssignmentEntropy(const torch::Tensor& dots, double temperature);

// Diagnostic: the share of 4-neighbouring map cells whose arg-max region is the same, over a
// batch of dots (B x K x H x W): 1 when the regions are contiguous segments, about 1/K when the
// assignment is per-cell noise. No gradient.
torch::Tensor regionContiguity(const torch::Tensor& dots);

}  // namespace fra
