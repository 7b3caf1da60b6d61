// Loss terms against hand-computed tiny cases.
#include "config/FraConfig.h"
#include "loss/FraLosses.h"
#include "model/CrossRankOps.h"

#include <cmath>
#include <gtest/gtest.h>

namespace {
const fra::CrossRankOps& one() { return fra::CrossRankOps::singleProcess(); }
torch::Tensor t(std::vector<float> v, std::vector<int64_t> shape) { return torch::tensor(v).reshape(shape); }
}  // namespace

TEST(FraLosses, ByolIsTwoMinusTwoMeanCosine) {
    // rows: identical (cos 1), orthogonal (cos 0), opposite (cos -1) -> mean cos 0 -> loss 2
    const auto p = t({1, 0, 0, 1, 3, 4}, {3, 2});
    const auto z = t({2, 0, 5, 0, -3, -4}, {3, 2});
    EXPECT_NEAR(fra::byolLoss(p, z).item<double>(), 2.0, 1e-6);
    EXPECT_NEAR(fra::byolLoss(p, p * 7).item<double>(), 0.0, 1e-6);
    // one row at 60 degrees: 2 - 2 * 0.5 = 1
    EXPECT_NEAR(fra::byolLoss(t({1, 0}, {1, 2}), t({0.5f, std::sqrt(3.f) / 2}, {1, 2})).item<double>(), 1.0, 1e-6);
}

TEST(FraLosses, DecorrelationSumsSquaredOffDiagonalCosines) {
    // B=1, K=2, D=2. pred: e1, e2. target: e1, (e1+e2)/sqrt2.
    // off-diagonal cosines: cos(p0,t1) = 1/sqrt2, cos(p1,t0) = 0 -> squares 0.5, 0
    // per k: sum_j!=k cos^2 / K = 0.25 and 0 -> mean 0.125
    const auto pred = t({1, 0, 0, 1}, {1, 2, 2});
    const auto target = t({1, 0, 1, 1}, {1, 2, 2});
    EXPECT_NEAR(fra::decorrelationTerm(pred, target).item<double>(), 0.125, 1e-6);
    // region consistency = byol over the B*K rows + weight * decorrelation
    const double byol = 2 - 2 * (1.0 + 1 / std::sqrt(2.0)) / 2;
    EXPECT_NEAR(fra::regionConsistency(pred, target, 0.02).item<double>(), byol + 0.02 * 0.125, 1e-6);
    EXPECT_NEAR(fra::regionConsistency(pred, target, 0.0).item<double>(), byol, 1e-6);
}

TEST(FraLosses, SinkhornBalancesRegionsAndKeepsRowsNormalised) {
    torch::manual_seed(0);
    const auto probs = torch::softmax(torch::randn({12, 4}) * 3, 1);
    const auto q = fra::sinkhorn(probs, 3, one());
    ASSERT_EQ(q.sizes(), probs.sizes());
    // after the last column step every row (pixel) sums to 1 exactly
    EXPECT_TRUE(torch::allclose(q.sum(1), torch::ones({12}), 1e-5, 1e-5));
    // columns (regions) get close to n/K = 3 each; with more iterations closer still
    const auto colErr3 = (q.sum(0) - 3).abs().max().item<double>();
    const auto colErr50 = (fra::sinkhorn(probs, 50, one()).sum(0) - 3).abs().max().item<double>();
    EXPECT_LT(colErr50, 1e-3);
    EXPECT_LT(colErr50, colErr3 + 1e-9);
    // hand-computed: uniform input is a fixed point
    EXPECT_TRUE(torch::allclose(fra::sinkhorn(torch::full({6, 3}, 1.0 / 3), 3, one()), torch::full({6, 3}, 1.0 / 3)));
    // 2x2 case by hand: q = [[0.8,0.2],[0.6,0.4]] -> after one iteration [[0.6154,0.3846],[0.3846,0.6154]] approx
    const auto small = fra::sinkhorn(t({0.8f, 0.2f, 0.6f, 0.4f}, {2, 2}), 1, one());
    // rows: Q^T = [[.8,.6],[.2,.4]]/2 -> row sums .7,.3 -> /rowsum/2: [[.5714,.4286],[.3333,.6667]]/2
    // cols: /colsum/2 then *2: column 0: (.5714,.3333)/.9048 = (.6316,.3684); column 1: (.4286,.6667)/1.0952 = (.3913,.6087)
    EXPECT_NEAR(small[0][0].item<double>(), 0.6316, 1e-3);
    EXPECT_NEAR(small[0][1].item<double>(), 0.3684, 1e-3);
    EXPECT_NEAR(small[1][0].item<double>(), 0.3913, 1e-3);
    EXPECT_NEAR(small[1][1].item<double>(), 0.6087, 1e-3);
}

TEST(FraLosses, MeanEntropyRegularizerIsZeroWhenBalanced) {
    // pbar uniform -> sum pbar log pbar = -log K -> R = 0
    EXPECT_NEAR(fra::meanEntropyRegularizer(t({1, 0, 0, 1}, {2, 2}), one()).item<double>(), 0.0, 1e-6);
    // pbar = (0.75, 0.25): R = .75 log .75 + .25 log .25 + log 2
    const double expected = 0.75 * std::log(0.75) + 0.25 * std::log(0.25) + std::log(2.0);
    EXPECT_NEAR(fra::meanEntropyRegularizer(t({1, 0, 0.5f, 0.5f}, {2, 2}), one()).item<double>(), expected, 1e-6);
}

TEST(FraLosses, SoftCrossEntropyByHand) {
    const auto q = t({1, 0, 0.5f, 0.5f}, {2, 2});
    const auto logp = torch::log(t({0.5f, 0.5f, 0.25f, 0.75f}, {2, 2}));
    const double expected = (-std::log(0.5) + -(0.5 * std::log(0.25) + 0.5 * std::log(0.75))) / 2;
    EXPECT_NEAR(fra::softCrossEntropy(q, logp).item<double>(), expected, 1e-6);
}

TEST(FraLosses, SemanticRelationCombinesTheTerms) {
    torch::manual_seed(1);
    fra::LossConfig c;
    const auto online = torch::randn({2, 3, 2, 2}).tanh();
    const auto momentum = torch::randn({2, 3, 2, 2}).tanh();
    const auto rows = [](const torch::Tensor& d) { return d.permute({0, 2, 3, 1}).reshape({-1, 3}); };
    const auto q = fra::sinkhorn(torch::softmax(rows(momentum) / 0.04, 1), 3, one());
    const auto ce = fra::softCrossEntropy(q, torch::log_softmax(rows(online) / 0.1, 1));
    const auto r = fra::meanEntropyRegularizer(torch::softmax(rows(online) / 0.1, 1), one());
    EXPECT_NEAR(fra::semanticRelation(online, momentum, c, one()).item<double>(), (ce + r).item<double>(), 1e-5);
    c.memaxWeight = 0;
    c.sinkhornIterations = 0;
    const auto plain = fra::softCrossEntropy(torch::softmax(rows(momentum) / 0.04, 1), torch::log_softmax(rows(online) / 0.1, 1));
    EXPECT_NEAR(fra::semanticRelation(online, momentum, c, one()).item<double>(), plain.item<double>(), 1e-5);
    // no gradient flows into the teacher's dots
    const auto on = online.clone().requires_grad_(true), mo = momentum.clone().requires_grad_(true);
    fra::semanticRelation(on, mo, fra::LossConfig{}, one()).backward();
    EXPECT_TRUE(on.grad().defined());
    EXPECT_FALSE(mo.grad().defined());
}

TEST(FraLosses, PairwiseCosineIsOneForIdenticalEmbeddingsAndZeroForOrthogonalOnes) {
    // K identical rows (any scale) -> 1
    const auto same = torch::tensor({1.0f, 2.0f, -1.0f}).repeat({5, 1}) * torch::arange(1, 6).unsqueeze(1);
    EXPECT_NEAR(fra::meanPairwiseCosine(same).item<double>(), 1.0, 1e-6);
    // K orthonormal rows -> 0
    EXPECT_NEAR(fra::meanPairwiseCosine(torch::eye(4)).item<double>(), 0.0, 1e-6);
    // by hand: e1, e2, (e1+e2)/sqrt2 -> pairs 0, 1/sqrt2, 1/sqrt2 -> mean sqrt2/3
    EXPECT_NEAR(fra::meanPairwiseCosine(t({1, 0, 0, 1, 1, 1}, {3, 2})).item<double>(), std::sqrt(2.0) / 3, 1e-6);
    // random distinct embeddings stay inside [-1, 1] and well below 1; no gradient is recorded
    torch::manual_seed(4);
    const auto random = torch::randn({8, 256}, torch::requires_grad());
    const auto c = fra::meanPairwiseCosine(random);
    EXPECT_FALSE(c.requires_grad());
    EXPECT_GE(c.item<double>(), -1.0);
    EXPECT_LT(std::abs(c.item<double>()), 0.2);
}

TEST(FraLosses, AssignmentEntropyIsOneForIdenticalRegionsAndNearZeroForSeparatedOnes) {
    // identical regions: every pixel has the same dot with every region -> uniform -> 1
    const auto identical = torch::rand({2, 1, 3, 3}).expand({2, 8, 3, 3});
    EXPECT_NEAR(fra::normalisedAssignmentEntropy(identical, 0.1).item<double>(), 1.0, 1e-6);
    // separated: pixel (u, v) has cosine 1 with one region and -1 with the others -> ~0 at t = 0.1
    auto separated = -torch::ones({1, 4, 2, 2});
    for (int k = 0; k < 4; ++k) separated[0][k][k / 2][k % 2] = 1.0;
    const double sharp = fra::normalisedAssignmentEntropy(separated, 0.1).item<double>();
    EXPECT_GE(sharp, 0.0);
    EXPECT_LT(sharp, 1e-6);
    // by hand, K = 2: logits 0 and log 3 -> p = (1/4, 3/4) -> H = -(.25 log .25 + .75 log .75), over log 2
    const auto twoRegions = t({0.0f, static_cast<float>(std::log(3.0))}, {1, 2, 1, 1});
    const double h = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75)) / std::log(2.0);
    EXPECT_NEAR(fra::normalisedAssignmentEntropy(twoRegions, 1.0).item<double>(), h, 1e-6);
    // the temperature sharpens: at t = 0.1 the same cosines are assigned more decisively
    torch::manual_seed(5);
    const auto dots = torch::rand({2, 8, 4, 4}) * 0.2 - 0.1;
    const double soft = fra::normalisedAssignmentEntropy(dots, 1.0).item<double>();
    const double student = fra::normalisedAssignmentEntropy(dots, 0.1).item<double>();
    EXPECT_LE(soft, 1.0 + 1e-6);
    EXPECT_LT(student, soft);
    EXPECT_GT(student, 0.0);
}

TEST(FraLosses, RegionContiguityIsOneForSegmentsAndAboutOneOverKForNoise) {
    // two regions as left and right halves of a 4 x 4 map: of the 24 neighbour pairs only the 4
    // across the border differ
    auto halves = torch::zeros({1, 2, 4, 4});
    halves.select(1, 0).narrow(2, 0, 2).fill_(1.0);
    halves.select(1, 1).narrow(2, 2, 2).fill_(1.0);
    EXPECT_NEAR(fra::regionContiguity(halves).item<double>(), 20.0 / 24.0, 1e-6);
    // one region everywhere
    EXPECT_NEAR(fra::regionContiguity(torch::ones({2, 3, 5, 5}) * torch::tensor({1.f, 0.f, 0.f}).view({1, 3, 1, 1})).item<double>(), 1.0, 1e-6);
    // independent noise per cell: about 1/K
    torch::manual_seed(2);
    EXPECT_NEAR(fra::regionContiguity(torch::rand({16, 8, 14, 14})).item<double>(), 1.0 / 8, 0.02);
}
