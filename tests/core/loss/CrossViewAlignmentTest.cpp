// Where one view's cells lie in the other view (loss.relation_targets = other_view), and L_r with
// the other view's targets, against hand-placed crops and a direct computation.
#include "config/FraConfig.h"
#include "loss/CrossViewAlignment.h"
#include "loss/FraLosses.h"
#include "model/CrossRankOps.h"

#include <gtest/gtest.h>

namespace {
const fra::CrossRankOps& one() { return fra::CrossRankOps::singleProcess(); }

fra::ViewParams crop(int x, int y, int width, int height, bool flip = false) {
    fra::ViewParams p;
    p.cropX = x;
    p.cropY = y;
    p.cropWidth = width;
    p.cropHeight = height;
    p.flip = flip;
    return p;
}

torch::Tensor cropsOf(const fra::ViewParams& first, const fra::ViewParams& second) {
    return fra::viewCrops({first}, {second}, torch::kCPU);
}
}  // namespace

TEST(CrossViewAlignment, TheSameCropReadsEveryCellAtItself) {
    const torch::Tensor crops = cropsOf(crop(10, 20, 70, 70), crop(10, 20, 70, 70));
    const auto [grid, inside] = fra::crossViewGrid(crops, 0, 1, 5, 5);
    EXPECT_TRUE(inside.all().item<bool>());
    const torch::Tensor maps = torch::randn({1, 3, 5, 5});
    EXPECT_LT((fra::sampleAt(maps, grid) - maps).abs().max().item<double>(), 1e-6);
}

TEST(CrossViewAlignment, AShiftOfOneCellReadsTheNeighbourAndLeavesTheUncoveredColumnOut) {
    // 4 x 4 cells of 16 px; the second crop starts one cell (16 px) to the right of the first
    const torch::Tensor crops = cropsOf(crop(0, 0, 64, 64), crop(16, 0, 64, 64));
    const auto [grid, inside] = fra::crossViewGrid(crops, 0, 1, 4, 4);
    const torch::Tensor maps = torch::randn({1, 2, 4, 4});
    const torch::Tensor read = fra::sampleAt(maps, grid);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            EXPECT_EQ(inside[0][y][x].item<bool>(), x >= 1) << y << "," << x;
            if (x >= 1) EXPECT_LT((read[0].select(1, y).select(1, x) - maps[0].select(1, y).select(1, x - 1)).abs().max().item<double>(), 1e-6);
        }
    // and back: view 2's cells in view 1, the last column outside
    const auto [back, insideBack] = fra::crossViewGrid(crops, 1, 0, 4, 4);
    EXPECT_EQ(insideBack.select(2, 3).any().item<bool>(), false);
    EXPECT_TRUE(insideBack.narrow(2, 0, 3).all().item<bool>());
    EXPECT_LT((fra::sampleAt(maps, back).narrow(3, 0, 3) - maps.narrow(3, 1, 3)).abs().max().item<double>(), 1e-6);
}

TEST(CrossViewAlignment, AFlippedViewIsReadMirroredAndScaledCropsMeetAtTheirCommonPoints) {
    const auto [flipped, inside] = fra::crossViewGrid(cropsOf(crop(0, 0, 40, 40), crop(0, 0, 40, 40, true)), 0, 1, 4, 4);
    EXPECT_TRUE(inside.all().item<bool>());
    const torch::Tensor maps = torch::randn({1, 2, 4, 4});
    EXPECT_LT((fra::sampleAt(maps, flipped) - maps.flip({3})).abs().max().item<double>(), 1e-6);
    // view 2 is the top-left quarter of view 1 at twice the scale: view 1's cell (0, 0) (centre at
    // 1/8 of the side) is at 1/4 of view 2; cell (1, 1) at 3/4; cells from the third on are outside
    const auto [zoomed, insideZoomed] = fra::crossViewGrid(cropsOf(crop(0, 0, 80, 80), crop(0, 0, 40, 40)), 0, 1, 4, 4);
    EXPECT_NEAR(zoomed[0][0][0][0].item<double>(), 2 * 0.25 - 1, 1e-6);
    EXPECT_NEAR(zoomed[0][1][1][1].item<double>(), 2 * 0.75 - 1, 1e-6);
    EXPECT_EQ(insideZoomed.sum().item<std::int64_t>(), 4);
    EXPECT_THROW(fra::viewCrops({crop(0, 0, 0, 10)}, {crop(0, 0, 10, 10)}, torch::kCPU), std::exception);
}

TEST(CrossViewAlignment, RelationAcrossIdenticalCropsIsTheSameViewLossOfTheOtherViewsTeacher) {
    torch::manual_seed(4);
    fra::LossConfig config;
    const torch::Tensor online = torch::randn({2, 5, 4, 4}), otherMomentum = torch::randn({2, 5, 4, 4});
    const torch::Tensor crops = fra::viewCrops({crop(3, 3, 50, 50), crop(0, 0, 30, 30)}, {crop(3, 3, 50, 50), crop(0, 0, 30, 30)}, torch::kCPU);
    const auto [grid, inside] = fra::crossViewGrid(crops, 0, 1, 4, 4);
    const double across = fra::semanticRelationAcrossViews(online, otherMomentum, grid, inside, config, one()).item<double>();
    const double same = fra::semanticRelation(online, otherMomentum, config, one()).item<double>();
    EXPECT_NEAR(across, same, 1e-5);
}

TEST(CrossViewAlignment, RelationAcrossAShiftCountsOnlyTheCoveredCellsAgainstTheirCounterparts) {
    torch::manual_seed(5);
    fra::LossConfig config;
    const int k = 3;
    const torch::Tensor online = torch::randn({1, k, 4, 4}, torch::requires_grad()), otherMomentum = torch::randn({1, k, 4, 4});
    const auto [grid, inside] = fra::crossViewGrid(cropsOf(crop(0, 0, 64, 64), crop(16, 0, 64, 64)), 0, 1, 4, 4);
    const torch::Tensor loss = fra::semanticRelationAcrossViews(online, otherMomentum, grid, inside, config, one());

    // directly: the teacher's Sinkhorn targets over all of view 2's cells, cell (y, x) of view 1
    // against view 2's (y, x - 1) for x >= 1, plus ME-MAX over all of view 1's cells
    const torch::Tensor targets =
        fra::sinkhorn(torch::softmax(otherMomentum.permute({0, 2, 3, 1}).reshape({-1, k}) / config.teacherTemperature, -1), 3, one())
            .reshape({4, 4, k});
    const torch::Tensor logP = torch::log_softmax(online.detach()[0].permute({1, 2, 0}) / config.studentTemperature, -1);  // 4 x 4 x K
    double crossEntropy = 0;
    for (int y = 0; y < 4; ++y)
        for (int x = 1; x < 4; ++x) crossEntropy -= (targets[y][x - 1] * logP[y][x]).sum().item<double>();
    crossEntropy /= 12;
    const torch::Tensor meanP = logP.exp().reshape({-1, k}).mean(0);
    const double memax = (meanP * meanP.log()).sum().item<double>() + std::log(static_cast<double>(k));
    EXPECT_NEAR(loss.item<double>(), crossEntropy + memax, 1e-5);
    loss.backward();  // the student gets a gradient, the uncovered column only through ME-MAX
    EXPECT_GT(online.grad().abs().sum().item<double>(), 0);

    // no overlap at all: the cross-entropy is 0, not NaN
    const auto [apart, none] = fra::crossViewGrid(cropsOf(crop(0, 0, 10, 10), crop(50, 50, 10, 10)), 0, 1, 4, 4);
    EXPECT_FALSE(none.any().item<bool>());
    config.memaxWeight = 0;
    EXPECT_EQ(fra::semanticRelationAcrossViews(online, otherMomentum, apart, none, config, one()).item<double>(), 0.0);
}
