#pragma once
#include <cstdint>
#include <string>

namespace fra {

// Settings of a downstream evaluation (linear probe or fine-tuning). The spec's fine-tuning
// recipe is the `paper-ft` preset; resources/eval-presets/ has CPU-sized ones.
struct EvalConfig {
    std::string protocol = "ft";   // lp: frozen backbone, train a head | ft: backbone + head
    int imageSize = 224;
    int batchSize = 256;
    int epochs = 100;
    int warmupEpochs = 5;
    double lr = 2e-4;              // head (and, for ft, backbone unless backboneLr is set)
    double backboneLr = 2e-4;
    double weightDecay = 0.05;
    double minLr = 1e-6;           // cosine floor
    double cropMargin = 0.25;      // face box enlarged by this fraction on each side before cropping
    bool augment = true;           // random crop + flip (classification), scale/shift (landmarks)
    double headDropout = 0.2;      // the attribute head's dropout (fine-tuning)
    int headChannels = 256;        // width of the landmark heatmap head
    int outputStride = 0;          // backbone output stride: 0 = the checkpoint's (random: 32), or 8 | 16 | 32
    int workers = 2;
    int threads = 0;               // 0 = all cores
    std::uint64_t seed = 0;
    std::string device = "cpu";
    int evalEvery = 1;             // epochs between test evaluations
    bool allowMissingImages = false;  // leave out listed images missing on disk (warned) instead of stopping
    int probeImages = 8;           // fine-tuning an FRA checkpoint: test faces whose K heatmaps are snapshot every epoch (0 = none)
    std::string preset;
};

}  // namespace fra
