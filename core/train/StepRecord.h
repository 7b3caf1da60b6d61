#pragma once
#include <cstdint>
#include <limits>

namespace fra {

// One line of the metrics log: what a training step reports.
struct StepRecord {
    std::int64_t step = 0;         // 1-based: the number of optimiser steps done
    std::int64_t epoch = 0;
    double time = 0;               // seconds since the Unix epoch
    double loss = 0;               // L = L_c + lambda_r L_r
    double lossC = 0;              // consistency L_c
    double lossR = 0;              // semantic relation L_r (0 when SR is off)
    double lossG = 0;              // global BYOL terms, summed over both view pairs, unweighted
    double lossL = 0;              // local (region) terms, summed over both view pairs, unweighted
    double lr = 0;
    double momentum = 0;           // EMA momentum used after this step
    double imagesPerSecond = 0;    // images (each seen as two views) per second of this step
    double dataWaitSeconds = 0;    // time this step waited for its batch
    // Region diagnostics (NaN when the run has no regions, i.e. LC off, or the log predates them):
    double regionCosine = std::numeric_limits<double>::quiet_NaN();    // mean pairwise cosine of the K batch-mean mask embeddings (1 = identical)
    double heatmapEntropy = std::numeric_limits<double>::quiet_NaN();  // mean per-pixel entropy of L_r's student assignment / log K (1 = uniform)
    double regionContiguity = std::numeric_limits<double>::quiet_NaN();  // neighbouring map cells in the same arg-max region (1/K = noise)
    // Online evaluation of the momentum encoder after this step (NaN on the steps without one; run.eval_every):
    double knnTop1 = std::numeric_limits<double>::quiet_NaN();       // weighted kNN top-1, k = 20, T = 0.07 (fraction of the test faces)
    double knnTop1K200 = std::numeric_limits<double>::quiet_NaN();   // the same with k = 200, T = 0.1
    double knnCorrect = std::numeric_limits<double>::quiet_NaN();    // test faces right at k = 20 (a count: small test sets move in big steps)
    double knnTestFaces = std::numeric_limits<double>::quiet_NaN();  // test faces of the kNN task
    double readoutNme = std::numeric_limits<double>::quiet_NaN();    // region read-out NME (outer eye corners) on the landmark task
    double onlineEvalSeconds = std::numeric_limits<double>::quiet_NaN();  // wall time of this evaluation (not in the step's time)
};

}  // namespace fra
