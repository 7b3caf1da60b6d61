#pragma once
// What the representation is worth while it trains: every run.eval_every steps the trainer reads
// the momentum encoder on labelled faces, as solo-learn's and lightly's kNN callbacks do.
#include "config/FraConfig.h"
#include "train/StepRecord.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fra {

class FraModelImpl;

// Weighted kNN (Wu et al. 2018, as solo-learn and DINO compute it): features are L2-normalised,
// each query's k most cosine-similar bank rows vote for their class with weight
// exp(similarity / temperature), and the class with the largest vote wins. k is capped at the bank
// size. Queries go through in chunks of `chunk`, so a bank of any size needs chunk x n similarities
// at a time. bank: n x dim and queries: m x dim, row-major; labels in [0, classes).
std::vector<int> weightedKnnPredict(const std::vector<float>& bank, const std::vector<int>& bankLabels, const std::vector<float>& queries,
                                    int dim, int classes, int k, double temperature, int chunk = 256);

// The online evaluation of a run: weighted kNN top-1 on a classification task (k = 20, T = 0.07,
// and k = 200, T = 0.1 as a second reading; the bank is the train split's features, rebuilt each
// time) and the region read-out NME on a landmark task (heatmap centroids -> ridge regression
// chosen by 5-fold cross-validation on the train faces -> NME by the outer eye corners on the test
// faces), both from the momentum encoder in inference mode. The faces are cropped once, at
// data.image_size; at most run.eval_images per split, spread evenly over it.
class OnlineEvaluator {
public:
    using Log = std::function<void(const std::string& level, const std::string& text)>;
    // Loads config.run's tasks ("@samples/" paths resolved to the sample pool). A task given with a
    // path of its own that cannot be used throws FraError naming the setting; a sample-pool task
    // that is not there is left out with a warning (the pool is optional).
    OnlineEvaluator(const FraConfig& config, const Log& log);
    ~OnlineEvaluator();
    OnlineEvaluator(const OnlineEvaluator&) = delete;
    OnlineEvaluator& operator=(const OnlineEvaluator&) = delete;

    bool active() const;               // at least one task loaded
    std::string description() const;  // the tasks and their face counts, for the run's log
    // Fills record's online fields (knnTop1, knnTop1K200, knnCorrect, knnTestFaces, readoutNme,
    // onlineEvalSeconds). The model's modes, buffers and gradients are left as they were.
    void evaluate(FraModelImpl& model, StepRecord& record) const;

    struct Task;

private:
    DataConfig data_;
    std::unique_ptr<Task> knn_, landmarks_;
};

}  // namespace fra
