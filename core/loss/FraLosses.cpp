#include "loss/FraLosses.h"

#include "config/FraConfig.h"
#include "loss/CrossViewAlignment.h"
#include "model/CrossRankOps.h"

#include <cmath>

namespace F = torch::nn::functional;

namespace fra {

torch::Tensor byolLoss(const torch::Tensor& prediction, const torch::Tensor& target) {
    const torch::Tensor p = F::normalize(prediction, F::NormalizeFuncOptions().dim(-1));
    const torch::Tensor z = F::normalize(target, F::NormalizeFuncOptions().dim(-1));
    return 2.0 - 2.0 * (p * z).sum(-1).mean();
}

torch::Tensor decorrelationTerm(const torch::Tensor& prediction, const torch::Tensor& target) {
    const torch::Tensor p = F::normalize(prediction, F::NormalizeFuncOptions().dim(-1));
    const torch::Tensor z = F::normalize(target, F::NormalizeFuncOptions().dim(-1));
    const auto k = p.size(1);
    const torch::Tensor offDiagonal = 1.0 - torch::eye(k, p.options());
    const torch::Tensor correlation = torch::matmul(p, z.transpose(1, 2)) * offDiagonal;  // B x K x K
    return (correlation.pow(2).sum(-1) / static_cast<double>(k)).mean();
}

torch::Tensor regionConsistency(const torch::Tensor& prediction, const torch::Tensor& target, double decorrelationWeight) {
    const auto d = prediction.size(-1);
    torch::Tensor loss = byolLoss(prediction.reshape({-1, d}), target.reshape({-1, d}));
    if (decorrelationWeight != 0.0) loss = loss + decorrelationWeight * decorrelationTerm(prediction, target);
    return loss;
}

torch::Tensor sinkhorn(const torch::Tensor& probabilities, int iterations, const CrossRankOps& ranks) {
    torch::NoGradGuard noGrad;
    torch::Tensor q = probabilities.t().clone();  // K x n
    const double k = static_cast<double>(q.size(0));
    const double n = static_cast<double>(q.size(1)) * ranks.worldSize();
    q.div_(ranks.sum(q.sum()));
    for (int it = 0; it < iterations; ++it) {
        q.div_(ranks.sum(q.sum(1, /*keepdim=*/true)));
        q.div_(k);
        q.div_(q.sum(0, /*keepdim=*/true));
        q.div_(n);
    }
    return (q * n).t();
}

torch::Tensor meanEntropyRegularizer(const torch::Tensor& probabilities, const CrossRankOps& ranks) {
    const torch::Tensor mean = ranks.mean(probabilities.mean(0));
    return (mean * torch::log(mean)).sum() + std::log(static_cast<double>(mean.size(0)));
}

torch::Tensor softCrossEntropy(const torch::Tensor& targetProbabilities, const torch::Tensor& logProbabilities) {
    return -(targetProbabilities * logProbabilities).sum(-1).mean();
}

torch::Tensor semanticRelation(const torch::Tensor& onlineDots, const torch::Tensor& momentumDots, const LossConfig& config,
                               const CrossRankOps& ranks) {
    const auto k = onlineDots.size(1);
    // rows = every pixel of every image, columns = regions
    const torch::Tensor student = onlineDots.permute({0, 2, 3, 1}).reshape({-1, k}).to(torch::kFloat32) / config.studentTemperature;
    const torch::Tensor teacher = momentumDots.permute({0, 2, 3, 1}).reshape({-1, k}).to(torch::kFloat32) / config.teacherTemperature;
    torch::Tensor targets = torch::softmax(teacher.detach(), -1);
    if (config.sinkhornIterations > 0) targets = sinkhorn(targets, config.sinkhornIterations, ranks);
    torch::Tensor loss = softCrossEntropy(targets, torch::log_softmax(student, -1));
    if (config.memaxWeight != 0.0)
        loss = loss + config.memaxWeight * meanEntropyRegularizer(torch::softmax(student, -1), ranks);
    return loss;
}

torch::Tensor semanticRelationAcrossViews(const torch::Tensor& onlineDots, const torch::Tensor& otherMomentumDots, const torch::Tensor& grid,
                                          const torch::Tensor& inside, const LossConfig& config, const CrossRankOps& ranks) {
    const auto b = otherMomentumDots.size(0), k = otherMomentumDots.size(1), h = otherMomentumDots.size(2), w = otherMomentumDots.size(3);
    torch::Tensor targets;
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor teacher = otherMomentumDots.permute({0, 2, 3, 1}).reshape({-1, k}).to(torch::kFloat32) / config.teacherTemperature;
        targets = torch::softmax(teacher, -1);
        if (config.sinkhornIterations > 0) targets = sinkhorn(targets, config.sinkhornIterations, ranks);
        targets = sampleAt(targets.reshape({b, h, w, k}).permute({0, 3, 1, 2}).contiguous(), grid);  // B x K x H x W of this view
    }
    const torch::Tensor logits = onlineDots.to(torch::kFloat32) / config.studentTemperature;
    const torch::Tensor crossEntropy = -(targets * torch::log_softmax(logits, 1)).sum(1);  // B x H x W
    const torch::Tensor weight = inside.to(torch::kFloat32);
    // the mean over this rank's covered cells: ranks then average their gradients, so each rank
    // weighs alike whatever number of cells it covers (one global mean would weigh every cell alike)
    torch::Tensor loss = (crossEntropy * weight).sum() / weight.sum().clamp_min(1.0);
    if (config.memaxWeight != 0.0)
        loss = loss + config.memaxWeight * meanEntropyRegularizer(torch::softmax(logits, 1).permute({0, 2, 3, 1}).reshape({-1, k}), ranks);
    return loss;
}

torch::Tensor meanPairwiseCosine(const torch::Tensor& embeddings) {
    torch::NoGradGuard noGrad;
    const auto k = embeddings.size(0);
    if (k < 2) return torch::ones({}, embeddings.options().dtype(torch::kFloat32));
    const torch::Tensor e = F::normalize(embeddings.to(torch::kFloat32), F::NormalizeFuncOptions().dim(-1));
    const torch::Tensor cosines = torch::matmul(e, e.t());  // K x K, ones on the diagonal
    return (cosines.sum() - cosines.diagonal().sum()) / static_cast<double>(k * (k - 1));
}

torch::Tensor normalisedAssignmentEntropy(const torch::Tensor& dots, double temperature) {
    torch::NoGradGuard noGrad;
    const auto k = dots.size(1);
    if (k < 2) return torch::zeros({}, dots.options().dtype(torch::kFloat32));
    const torch::Tensor logits = dots.to(torch::kFloat32) / temperature;
    const torch::Tensor logP = torch::log_softmax(logits, 1);
    const torch::Tensor entropy = -(logP.exp() * logP).sum(1);  // B x H x W
    return entropy.mean() / std::log(static_cast<double>(k));
}

torch::Tensor regionContiguity(const torch::Tensor& dots) {
    torch::NoGradGuard noGrad;
    const torch::Tensor best = dots.argmax(1);  // B x H x W
    const auto h = best.size(1), w = best.size(2);
    torch::Tensor same = torch::zeros({}, dots.options().dtype(torch::kFloat32));
    double pairs = 0;
    if (h > 1) {
        same = same + (best.narrow(1, 1, h - 1) == best.narrow(1, 0, h - 1)).to(torch::kFloat32).sum();
        pairs += static_cast<double>(best.size(0) * (h - 1) * w);
    }
    if (w > 1) {
        same = same + (best.narrow(2, 1, w - 1) == best.narrow(2, 0, w - 1)).to(torch::kFloat32).sum();
        pairs += static_cast<double>(best.size(0) * h * (w - 1));
    }
    return pairs > 0 ? same / pairs : torch::ones({}, dots.options().dtype(torch::kFloat32));
}

}  // namespace fra
