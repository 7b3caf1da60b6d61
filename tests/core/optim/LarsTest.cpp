#include "optim/Lars.h"

#include <cmath>
#include <gtest/gtest.h>

namespace {
torch::optim::OptimizerParamGroup group(torch::Tensor p, double lr, double wd, bool excluded) {
    auto o = std::make_unique<fra::LarsOptions>(lr);
    o->momentum(0.9).weight_decay(wd).trust_coefficient(1e-3).eps(0.0).exclude_from_adaptation(excluded);
    return torch::optim::OptimizerParamGroup({p}, std::move(o));
}
}  // namespace

TEST(Lars, StepMatchesTheFormulaByHand) {
    auto w = torch::tensor({3.0, 4.0}, torch::kDouble).requires_grad_(true);
    auto b = torch::tensor({1.0, -1.0}, torch::kDouble).requires_grad_(true);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.push_back(group(w, 0.5, 0.1, false));
    groups.push_back(group(b, 0.5, 0.0, true));
    fra::Lars lars(std::move(groups), fra::LarsOptions(0.5));
    w.mutable_grad() = torch::tensor({0.6, 0.8}, torch::kDouble);
    b.mutable_grad() = torch::tensor({0.2, 0.4}, torch::kDouble);
    lars.step();
    // |w| = 5, |g| = 1: trust = 1e-3 * 5 / (1 + 0.1 * 5); d = (g + 0.1 w) * trust * lr
    const double trust = 1e-3 * 5 / 1.5;
    const double d0 = (0.6 + 0.3) * trust * 0.5, d1 = (0.8 + 0.4) * trust * 0.5;
    EXPECT_NEAR(w[0].item<double>(), 3.0 - d0, 1e-12);
    EXPECT_NEAR(w[1].item<double>(), 4.0 - d1, 1e-12);
    // excluded: plain SGD, no weight decay
    EXPECT_NEAR(b[0].item<double>(), 1.0 - 0.1, 1e-12);
    EXPECT_NEAR(b[1].item<double>(), -1.0 - 0.2, 1e-12);
    // second step: momentum buffer = 0.9 * previous + new
    b.mutable_grad() = torch::tensor({0.2, 0.4}, torch::kDouble);
    lars.step();
    EXPECT_NEAR(b[0].item<double>(), 0.9 - (0.9 * 0.1 + 0.1), 1e-12);
}

TEST(Lars, StateSurvivesSaveAndLoad) {
    auto make = [](torch::Tensor p) {
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.push_back(group(p, 0.1, 1e-4, false));
        return std::make_unique<fra::Lars>(std::move(groups), fra::LarsOptions(0.1));
    };
    auto w1 = torch::randn({5}, torch::kDouble).requires_grad_(true);
    auto w2 = w1.detach().clone().requires_grad_(true);
    auto a = make(w1), b = make(w2);
    const auto g = torch::randn({5}, torch::kDouble);
    w1.mutable_grad() = g.clone();
    a->step();
    std::stringstream stream;
    {
        torch::serialize::OutputArchive out;
        a->save(out);
        out.save_to(stream);
    }
    {
        torch::NoGradGuard noGrad;
        w2.copy_(w1);
    }
    torch::serialize::InputArchive in;
    in.load_from(stream);
    b->load(in);
    w1.mutable_grad() = g.clone();
    w2.mutable_grad() = g.clone();
    a->step();
    b->step();
    EXPECT_TRUE(torch::equal(w1, w2));  // the momentum buffer came along
}
