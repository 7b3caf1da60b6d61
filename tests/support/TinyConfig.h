#pragma once
#include "config/FraConfig.h"

#include <string>
#include <vector>

// A complete FRA configuration small enough that a training step takes well under a second
// on two cores: ResNet-18 at 32 px, batch 4, narrow heads, K = 4.
inline fra::FraConfig tinyTrainingConfig(const std::string& dataRoot) {
    fra::FraConfig c;
    c.preset = "tiny-test";
    c.model.arch = "resnet18";
    c.model.numRegions = 4;
    c.model.embedDim = 16;
    c.model.hiddenDim = 32;
    c.model.decoderHeads = 2;
    c.model.decoderFeedForward = 16;
    c.data.root = dataRoot;
    c.data.imageSize = 32;
    c.data.batchSize = 4;
    c.data.workers = 2;
    c.data.minImageSide = 16;
    c.optim.epochs = 20;
    c.optim.warmupEpochs = 1;
    c.run.threads = 2;
    c.run.heatmapEvery = 2;
    c.run.checkpointEvery = 3;
    c.run.probeImages = 3;
    return c;
}

// The same settings as `fra pretrain --set` arguments.
inline std::vector<std::string> tinyTrainingArgs() {
    return {"--set", "model.arch=resnet18", "--set", "model.num_regions=4", "--set", "model.embed_dim=16",
            "--set", "model.hidden_dim=32", "--set", "model.decoder_heads=2", "--set", "model.decoder_feedforward=16",
            "--set", "data.image_size=32", "--set", "data.batch_size=4", "--set", "data.workers=2",
            "--set", "data.min_image_side=16", "--set", "optim.epochs=20", "--set", "optim.warmup_epochs=1",
            "--set", "run.threads=2", "--set", "run.heatmap_every=2", "--set", "run.probe_images=3", "--set", "run.milestone_every=0", "--set", "run.eval_every=0"};
}
