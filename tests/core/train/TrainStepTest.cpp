#include "model/CrossRankOps.h"
#include "support/TinyConfig.h"
#include "train/TrainStep.h"
#include "util/FraError.h"

#include <gtest/gtest.h>

namespace {

// One compute thread: the comparisons below are at 1e-5 and less, and with several threads the
// split of a reduction can depend on how busy the machine is (seen under ctest's parallel runs).
struct OneThread {
    int previous = at::get_num_threads();
    OneThread() { at::set_num_threads(1); }
    ~OneThread() { at::set_num_threads(previous); }
};

std::unique_ptr<fra::TrainStep> makeStep(bool channelsLast) {
    fra::FraConfig config = tinyTrainingConfig("unused");
    config.model.decoderDropout = 0.0;
    config.run.channelsLast = channelsLast;
    torch::manual_seed(7);
    return std::make_unique<fra::TrainStep>(config, torch::Device(torch::kCPU), fra::CrossRankOps::singleProcess());
}

}  // namespace

// The same weights and inputs give the same losses and the same update in either memory layout
// (up to the reordering of float sums in the convolutions).
TEST(TrainStep, ChannelsLastTrainsLikeTheDefaultLayout) {
    const OneThread oneThread;
    torch::manual_seed(3);
    const torch::Tensor x1 = torch::randn({4, 3, 32, 32}), x2 = torch::randn({4, 3, 32, 32});
    auto plain = makeStep(false), nhwc = makeStep(true);
    const torch::Tensor conv = nhwc->model()->online->backbone->named_parameters()["conv1.weight"];
    EXPECT_TRUE(conv.is_contiguous(torch::MemoryFormat::ChannelsLast));
    EXPECT_FALSE(conv.is_contiguous());

    const fra::FraLossTerms a = plain->run(x1, x2, 0.05, 0.99), b = nhwc->run(x1, x2, 0.05, 0.99);
    // the two layouts' convolutions sum in different orders: 1.2e-5 relative was seen on an AMD EPYC
    // with one thread; a layout mistake moves the loss by whole percents
    EXPECT_NEAR(a.total.item<double>(), b.total.item<double>(), 1e-4 * std::abs(a.total.item<double>()));
    EXPECT_NEAR(a.lossR.item<double>(), b.lossR.item<double>(), 1e-4 * std::abs(a.lossR.item<double>()));

    auto afterPlain = plain->model()->named_parameters(), afterNhwc = nhwc->model()->named_parameters();
    double worst = 0;
    std::string worstName;
    for (const auto& p : afterPlain) {
        const torch::Tensor other = afterNhwc[p.key()];
        // relative to the parameter, or to 1e-3 for parameters that are still about zero (BN biases)
        const double rel = ((p.value() - other).norm() / p.value().norm().clamp_min(1e-3)).item<double>();
        if (rel > worst) worst = rel, worstName = p.key();
    }
    EXPECT_LT(worst, 1e-3) << "largest relative difference of a parameter after one step: " << worstName;
    const fra::FraLossTerms second = plain->run(x1, x2, 0.05, 0.99);
    EXPECT_NE(second.total.item<double>(), a.total.item<double>());  // the step did train
}

// The graph-safe step (what run.cuda_graph captures: lr and momentum read from device tensors, so
// the host passes nothing that changes between replays) trains like the ordinary one.
TEST(TrainStep, TheGraphSafeStepWithDeviceScalarsTrainsLikeTheOrdinaryStep) {
    const OneThread oneThread;
    torch::manual_seed(5);
    const torch::Tensor x1 = torch::randn({4, 3, 32, 32}), x2 = torch::randn({4, 3, 32, 32});
    auto ordinary = makeStep(false), graphSafe = makeStep(false);
    const torch::Tensor lr = torch::zeros({}), momentum = torch::zeros({2});
    const auto worstDifference = [&] {
        auto one = ordinary->model()->named_parameters(), other = graphSafe->model()->named_parameters();
        double worst = 0;
        for (const auto& p : one)  // relative to the parameter, or to 1e-3 for those still about zero (BN biases)
            worst = std::max(worst, ((p.value() - other[p.key()]).norm() / p.value().norm().clamp_min(1e-3)).item<double>());
        return worst;
    };
    for (const auto& [rate, m] : std::vector<std::pair<double, double>>{{0.05, 0.99}, {0.02, 0.995}, {0.01, 0.999}}) {
        lr.fill_(rate);
        momentum[0].fill_(m);
        momentum[1].fill_(1.0 - m);
        const fra::FraLossTerms a = ordinary->run(x1, x2, rate, m), b = graphSafe->runWithDeviceScalars(x1, x2, lr, momentum);
        // the first step's loss is the same forward; later ones follow the weights below
        EXPECT_NEAR(a.total.item<double>(), b.total.item<double>(), (rate == 0.05 ? 1e-6 : 1e-4) * std::abs(a.total.item<double>()));
        // step 1: LARS with the lr tensor and the EMA with the momentum tensor give the same weights, up to
        // the EMA rounding (1 - m) * w before the add (the number form adds with alpha); later steps carry
        // that rounding through the losses
        EXPECT_LT(worstDifference(), rate == 0.05 ? 1e-6 : 1e-4) << "lr " << rate;
    }
    EXPECT_FALSE(ordinary->replaysGraph());
    fra::FraConfig config = tinyTrainingConfig("unused");
    config.run.cudaGraph = true;  // on the CPU it is refused, with the reason
    EXPECT_THROW(fra::TrainStep(config, torch::Device(torch::kCPU), fra::CrossRankOps::singleProcess()), fra::FraError);
}
