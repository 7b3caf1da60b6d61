#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace fra {

// Every setting of an FRA run. Defaults are the authors' public code (see ../shared/docs/fra-spec.md);
// each paper-vs-code difference and each ablation of the paper's Tables 5-8 is a field here.
// ConfigSchema lists the fields (key, range, help) for parsing, validation and the GUI form.

struct ModelConfig {
    std::string arch = "resnet50";            // resnet18 | resnet34 | resnet50
    int numRegions = 8;                        // K facial queries
    int embedDim = 256;                        // D
    int hiddenDim = 4096;                      // MLP hidden width
    int decoderLayers = 2;                     // paper text: 1 (Table 8); 0 = our no-decoder variant (K learnable mask embeddings)
    std::string queryInit = "zeros";           // decoder's initial queries: zeros (DETR, authors' code) | learned (Mask2Former query features)
    int outputStride = 32;                     // 32 (torchvision) | 16: layer4 without its stride, dilated 3x3 convs (segmentation backbones) | 8: layer3 too
    int decoderHeads = 8;
    int decoderFeedForward = 256;
    double decoderDropout = 0.1;
    double heatmapTemperature = 1.0;           // t_h
    double protoMomentum = 0.9;                // EMA of the batch-mean mask embeddings used at inference
    bool sharePixelRegionProjector = false;    // paper text: true (one projector for pixels and regions)
};

struct LossConfig {
    bool localConsistency = true;              // LC: region-level BYOL term (off = BYOL, "GC only")
    bool semanticRelation = true;              // SR: L_r (pixel-to-region assignment)
    double lambdaC = 0.5;                      // weight of L_g against L_l inside L_c
    double lambdaR = 0.1;                      // weight of L_r in the total
    double decorrelationWeight = 0.02;         // code only; paper text: 0
    double studentTemperature = 0.1;
    double teacherTemperature = 0.04;
    int sinkhornIterations = 3;
    double memaxWeight = 1.0;
    // Whose assignment each view's pixels learn in L_r: same_view (authors' code: the momentum
    // branch's assignment of the same view) or other_view (the momentum branch's assignment of the
    // same face point in the other view, found through the two crops; points outside the other
    // view's crop are left out). Position alone satisfies same_view; other_view needs content.
    std::string relationTargets = "same_view";
};

struct MomentumConfig {
    double base = 0.996;                       // cosine from base to 1 over all iterations
    bool averageBuffers = false;               // also EMA the BN running statistics
};

struct OptimConfig {
    double lr = 0.9;                           // at referenceBatch, scaled linearly with the batch
    int referenceBatch = 512;
    double momentum = 0.9;
    double weightDecay = 1e-6;
    double trustCoefficient = 1e-3;
    double eps = 1e-8;
    int warmupEpochs = 10;
    int epochs = 50;
    std::string cosineGranularity = "epoch";   // code: per epoch; paper text: "iteration"
};

struct ViewAugmentConfig {
    double blurProbability = 1.0;
    double solarizeProbability = 0.0;
};

struct DataConfig {
    std::string root;                          // image folder (searched recursively), or a prepared store file
    std::string format = "folder";             // folder | prepared (`fra prepare`: augmentation on the device)
    std::string augment = "auto";              // folder: cpu (OpenCV) | device (decode to a square, augment on the device) | auto
    int decodeSize = 0;                        // folder with augment = device: side of the decoded square (0: 8/7 x image_size)
    std::string jpegDecoder = "auto";          // JPEG stores: cpu (libjpeg-turbo threads) | nvjpeg (on the GPU) | auto
    int imageSize = 224;
    int batchSize = 256;
    int workers = 2;
    int prefetchBatches = 2;
    int minImageSide = 32;                     // smaller images are skipped and logged
    double cropScaleMin = 0.2;
    double cropScaleMax = 1.0;
    double cropRatioMin = 3.0 / 4.0;
    double cropRatioMax = 4.0 / 3.0;
    double flipProbability = 0.5;
    double jitterProbability = 0.8;
    double brightness = 0.4;
    double contrast = 0.4;
    double saturation = 0.2;
    double hue = 0.1;
    double grayscaleProbability = 0.2;
    double blurSigmaMin = 0.1;
    double blurSigmaMax = 2.0;
    int solarizeThreshold = 128;
    ViewAugmentConfig view1{1.0, 0.0};
    ViewAugmentConfig view2{0.1, 0.2};
    std::array<double, 3> mean{0.5231, 0.4044, 0.3489};   // VGGFace2, RGB
    std::array<double, 3> std{0.2536, 0.2194, 0.2070};
};

struct RunConfig {
    std::uint64_t seed = 0;
    int threads = 0;                           // 0 = all cores
    std::string device = "cpu";                // cpu | cuda
    std::string precision = "fp32";            // fp32 | bf16 (autocast)
    bool channelsLast = false;                 // NHWC convolutions (cuDNN's fast layout for bf16 on GPUs)
    bool cudaGraph = false;                    // capture the whole training step in a CUDA graph and replay it (cuda, one rank)
    std::string asyncLossRead = "auto";        // read a step's losses after launching the next: on | off | auto (on for cuda)
    std::int64_t maxSteps = 0;                 // stop after this many steps (0 = the full schedule)
    int heatmapEvery = 100;                    // M: heatmap snapshot of the probe images every M steps
    int checkpointEvery = 500;
    double checkpointMinutes = 10;             // also checkpoint when this long has passed since the last one (0 = never)
    int keepCheckpoints = 3;
    double milestoneEvery = 0;                 // milestone checkpoints, never pruned: >= 1 steps, (0, 1) that fraction of the schedule, 0 none (the presets: 0.1)
    int probeImages = 8;
    // Online evaluation of the momentum encoder while training (train/OnlineEvaluation.h)
    double evalEvery = 0;                      // >= 1 steps, (0, 1) that fraction of the schedule, 0 never
    std::string evalKnnTask;                   // dataset spec of a classification task for weighted kNN ("" = none)
    std::string evalLandmarkTask;              // dataset spec of a landmark task for the region read-out ("" = none)
    int evalImages = 256;                      // at most this many faces per split of each task (a fixed, spread subset)
    bool tensorboard = true;                   // also write RUN/tensorboard/ event files (scalars, heatmap images)
    int distributedTimeoutSeconds = 300;       // a collective that waits longer fails the run (lost rank)
    int slurmMaxTimeouts = 3;                  // time-limit requeues of a Slurm job (preemptions are not counted)
    double heartbeatSeconds = 10;              // heartbeat.json is rewritten this often (readers on other machines judge liveness by it)
};

struct FraConfig {
    ModelConfig model;
    LossConfig loss;
    MomentumConfig momentum;
    OptimConfig optim;
    DataConfig data;
    RunConfig run;
    std::string preset;                        // the preset this config started from, for the record
};

}  // namespace fra
