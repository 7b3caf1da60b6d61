// The online evaluation: weighted kNN against a direct computation, and the trainer's logged
// values against the same evaluation of the checkpoint written at that step.
#include "model/FraModel.h"
#include "run/MetricsLog.h"
#include "run/RunDirectory.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "support/TinyConfig.h"
#include "train/ModelLoader.h"
#include "train/OnlineEvaluation.h"
#include "train/Trainer.h"
#include "util/FraError.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <numeric>
#include <random>
#include <torch/torch.h>

namespace fs = std::filesystem;

namespace {

// Weighted kNN written out directly: every similarity in double, a full sort, the votes summed.
std::vector<int> directKnn(const std::vector<float>& bank, const std::vector<int>& labels, const std::vector<float>& queries, int dim,
                           int classes, int k, double temperature) {
    const auto norm = [&](const std::vector<float>& rows, std::size_t r) {
        double s = 0;
        for (int d = 0; d < dim; ++d) s += double(rows[r * dim + d]) * rows[r * dim + d];
        return std::sqrt(s);
    };
    std::vector<int> out;
    for (std::size_t q = 0; q < queries.size() / dim; ++q) {
        std::vector<std::pair<double, int>> similar;
        for (std::size_t b = 0; b < labels.size(); ++b) {
            double dot = 0;
            for (int d = 0; d < dim; ++d) dot += double(queries[q * dim + d]) * bank[b * dim + d];
            similar.emplace_back(dot / (norm(queries, q) * norm(bank, b)), labels[b]);
        }
        std::sort(similar.begin(), similar.end(), [](auto& a, auto& b) { return a.first > b.first; });
        std::vector<double> votes(classes, 0.0);
        for (int i = 0; i < std::min<int>(k, static_cast<int>(similar.size())); ++i) votes[similar[i].second] += std::exp(similar[i].first / temperature);
        out.push_back(static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin()));
    }
    return out;
}

struct Features {
    std::vector<float> bank, queries;
    std::vector<int> labels;
};

// Three classes around three random centres, noisy enough that neighbours disagree.
Features clusteredFeatures(int bankRows, int queryRows, int dim, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::vector<float> centres(3 * dim);
    for (auto& c : centres) c = noise(rng);
    Features f;
    const auto row = [&](std::vector<float>& out, int cls) {
        for (int d = 0; d < dim; ++d) out.push_back(centres[cls * dim + d] + 1.5f * noise(rng));
    };
    for (int i = 0; i < bankRows; ++i) {
        f.labels.push_back(i % 3);
        row(f.bank, i % 3);
    }
    for (int i = 0; i < queryRows; ++i) row(f.queries, (i * 7) % 3);
    return f;
}

}  // namespace

TEST(WeightedKnn, AgreesWithADirectComputationInAnyChunking) {
    const Features f = clusteredFeatures(230, 37, 24, 3);
    for (const auto& [k, temperature] : {std::pair<int, double>{20, 0.07}, {200, 0.1}, {1, 0.07}}) {
        const auto expected = directKnn(f.bank, f.labels, f.queries, 24, 3, k, temperature);
        // a test set smaller than one chunk, several chunks, and a chunk that does not divide it
        for (const int chunk : {256, 8, 5}) EXPECT_EQ(fra::weightedKnnPredict(f.bank, f.labels, f.queries, 24, 3, k, temperature, chunk), expected) << "k " << k << " chunk " << chunk;
    }
    // the votes matter: with k = 200 the answer is not the nearest neighbour's label everywhere
    EXPECT_NE(directKnn(f.bank, f.labels, f.queries, 24, 3, 200, 0.1), directKnn(f.bank, f.labels, f.queries, 24, 3, 1, 0.07));
}

TEST(WeightedKnn, CapsKAtTheBankAndRejectsInconsistentInput) {
    const Features f = clusteredFeatures(12, 9, 8, 5);
    EXPECT_EQ(fra::weightedKnnPredict(f.bank, f.labels, f.queries, 8, 3, 200, 0.1), fra::weightedKnnPredict(f.bank, f.labels, f.queries, 8, 3, 12, 0.1));
    EXPECT_THROW(fra::weightedKnnPredict(f.bank, f.labels, f.queries, 7, 3, 20, 0.1), fra::FraError);   // rows of another width
    std::vector<int> outside = f.labels;
    outside[0] = 3;
    EXPECT_THROW(fra::weightedKnnPredict(f.bank, outside, f.queries, 8, 3, 20, 0.1), fra::FraError);   // a label outside the classes
    EXPECT_THROW(fra::weightedKnnPredict(f.bank, f.labels, f.queries, 8, 3, 20, 0.0), fra::FraError);  // no temperature
}

class OnlineEvaluation : public ::testing::Test {
protected:
    void SetUp() override {
        colours = "folder:" + testimages::writeColourClassFolders(dir / "colours", 6, 4).string();
        blobs = "pts:" + testimages::writeBlobLandmarkDataset(dir / "blobs").string();
        testimages::writeFolder(dir / "faces", 12, 48);
    }
    fra::FraConfig config(double every) const {
        fra::FraConfig c = tinyTrainingConfig((dir / "faces").string());
        c.run.evalEvery = every;
        c.run.evalKnnTask = colours;
        c.run.evalLandmarkTask = blobs;
        return c;
    }
    TempDir dir;
    std::string colours, blobs;
    std::vector<std::pair<std::string, std::string>> logged;
    fra::OnlineEvaluator::Log log = [this](const std::string& level, const std::string& text) { logged.emplace_back(level, text); };
};

// With late loss reads (step s + 1 launched before step s is read) the evaluation after step 2 must
// still see step 2's weights: a second run of the same seed, stopped after step 2, gives its checkpoint.
TEST_F(OnlineEvaluation, TheLoggedValuesAreTheMomentumEncodersAtThatStep) {
    fra::FraConfig c = config(2);
    c.run.asyncLossRead = "on";
    c.run.maxSteps = 5;
    c.run.checkpointEvery = 0;  // no checkpoint read forces step 2 early
    c.run.checkpointMinutes = 0;
    c.run.heatmapEvery = 0;
    // a momentum branch that moves, with distinct regions from the start: its read-out differs from step to step
    c.momentum.base = 0.5;
    c.model.protoMomentum = 0.0;
    c.model.queryInit = "learned";
    c.model.outputStride = 8;  // 4x4 maps at 32 px (1x1 at the default 32: every centroid in the middle)
    auto trainer = fra::Trainer::create(c, dir / "run");
    trainer->start();
    ASSERT_EQ(trainer->wait(), fra::RunState::Finished) << trainer->lastMessage();
    const auto records = fra::MetricsReader::readAll(dir / "run" / "metrics.jsonl");
    ASSERT_EQ(records.size(), 5u);
    for (const auto& r : records) {
        EXPECT_EQ(std::isfinite(r.knnTop1), r.step % 2 == 0) << r.step;
        EXPECT_EQ(std::isfinite(r.readoutNme), r.step % 2 == 0) << r.step;
    }
    const fra::StepRecord& second = records[1];
    EXPECT_EQ(second.knnTestFaces, 8);  // 4 per class
    EXPECT_DOUBLE_EQ(second.knnTop1, second.knnCorrect / 8);
    EXPECT_GT(second.onlineEvalSeconds, 0);
    std::ifstream logFile(dir / "run" / "run.log");
    const std::string runLog{std::istreambuf_iterator<char>(logFile), std::istreambuf_iterator<char>()};
    EXPECT_NE(runLog.find("online evaluation at step 2 in"), std::string::npos) << runLog;
    EXPECT_NE(runLog.find("online evaluation of the momentum encoder every 2 steps: weighted kNN on folder:"), std::string::npos) << runLog;

    fra::FraConfig twoSteps = c;
    twoSteps.run.maxSteps = 2;
    twoSteps.run.evalEvery = 0;
    auto reference = fra::Trainer::create(twoSteps, dir / "two-steps");
    reference->start();
    ASSERT_EQ(reference->wait(), fra::RunState::Finished) << reference->lastMessage();
    const fra::LoadedModel loaded = fra::loadTrainedModel(fra::RunDirectory::open(dir / "two-steps").checkpointPath(2));
    const fra::OnlineEvaluator evaluator(c, log);
    fra::StepRecord again;
    evaluator.evaluate(*loaded.model, again);
    EXPECT_EQ(again.knnCorrect, second.knnCorrect);
    EXPECT_DOUBLE_EQ(again.knnTop1K200, second.knnTop1K200);
    EXPECT_NEAR(again.readoutNme, second.readoutNme, 1e-6);
    // the read-out moves from step to step, so the agreement above is not a coincidence
    EXPECT_GT(std::abs(records[3].readoutNme - second.readoutNme), 1e-6);
}

TEST_F(OnlineEvaluation, LeavesTheModelAsItWas) {
    const fra::FraConfig c = config(1);
    torch::manual_seed(1);
    fra::FraModel model(c);
    model->train();
    std::vector<torch::Tensor> before;
    for (const auto& t : model->named_parameters()) before.push_back(t.value().clone());
    for (const auto& t : model->named_buffers()) before.push_back(t.value().clone());
    const fra::OnlineEvaluator evaluator(c, log);
    fra::StepRecord r;
    evaluator.evaluate(*model, r);
    EXPECT_TRUE(std::isfinite(r.knnTop1) && std::isfinite(r.knnTop1K200) && std::isfinite(r.readoutNme));
    EXPECT_TRUE(model->momentum->is_training());
    std::size_t i = 0;
    for (const auto& t : model->named_parameters()) EXPECT_TRUE(torch::equal(t.value(), before[i++])) << t.key();
    for (const auto& t : model->named_buffers()) EXPECT_TRUE(torch::equal(t.value(), before[i++])) << t.key();
}

TEST_F(OnlineEvaluation, AMissingSamplePoolIsLeftOutButABadTaskIsAnError) {
    fra::FraConfig c = config(1);
    struct RestoreSamples {
        ~RestoreSamples() { ::unsetenv("FRA_SAMPLES"); }
    } restore;
    ::setenv("FRA_SAMPLES", (dir / "no-pool").c_str(), 1);
    c.run.evalKnnTask = "folder:@samples/tasks/johns-identity";
    c.run.evalLandmarkTask = "";
    EXPECT_FALSE(fra::OnlineEvaluator(c, log).active());
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_EQ(logged[0].first, "warning");
    EXPECT_NE(logged[0].second.find("run.eval_knn_task"), std::string::npos) << logged[0].second;

    const auto errorOf = [&](const fra::FraConfig& bad) {
        try {
            fra::OnlineEvaluator evaluator(bad, log);
        } catch (const fra::FraError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    c.run.evalKnnTask = "folder:" + (dir / "nowhere").string();
    EXPECT_NE(errorOf(c).find("run.eval_knn_task = 'folder:"), std::string::npos) << errorOf(c);
    c.run.evalKnnTask = blobs;  // landmarks where classes are needed
    EXPECT_NE(errorOf(c).find("needs a multi-class one"), std::string::npos) << errorOf(c);
    c.run.evalKnnTask = "";
    c.run.evalLandmarkTask = colours;
    EXPECT_NE(errorOf(c).find("run.eval_landmark_task"), std::string::npos) << errorOf(c);
}
