#include "downstream/EvalSchema.h"

#include "config/FieldPresentation.h"
#include "config/PresetLibrary.h"
#include "util/ResourceLocator.h"

using nlohmann::json;

namespace fra {

#define FRA_EVAL_FIELD(key, member, ...) \
    makeField<EvalConfig>(key, [](EvalConfig& c) -> auto& { return c.member; }, __VA_ARGS__)

const EvalSchema& EvalSchema::instance() {
    static const EvalSchema schema;
    return schema;
}

EvalSchema::EvalSchema() {
    fields_ = {
        FRA_EVAL_FIELD("protocol", protocol, "lp: linear probe on the frozen backbone; ft: fine-tune backbone and head", {}, {"lp", "ft"}),
        FRA_EVAL_FIELD("image_size", imageSize, "Side of the face crops in pixels", {32, 1024}),
        FRA_EVAL_FIELD("batch_size", batchSize, "Images per step", {1, 65536}),
        FRA_EVAL_FIELD("epochs", epochs, "Training epochs", {1, 100000}),
        FRA_EVAL_FIELD("warmup_epochs", warmupEpochs, "Linear warm-up epochs (per iteration)", {0, 100000}),
        FRA_EVAL_FIELD("lr", lr, "AdamW learning rate of the head", {0.0, 10.0}),
        FRA_EVAL_FIELD("backbone_lr", backboneLr, "AdamW learning rate of the backbone (fine-tuning)", {0.0, 10.0}),
        FRA_EVAL_FIELD("weight_decay", weightDecay, "AdamW weight decay", {0.0, 10.0}),
        FRA_EVAL_FIELD("min_lr", minLr, "Floor of the cosine decay", {0.0, 10.0}),
        FRA_EVAL_FIELD("crop_margin", cropMargin, "Face box enlarged by this fraction on each side", {0.0, 2.0}),
        FRA_EVAL_FIELD("augment", augment, "Training augmentation (crop + flip; landmarks: scale + shift)"),
        FRA_EVAL_FIELD("head_dropout", headDropout, "Dropout of the attribute head", {0.0, 0.9}),
        FRA_EVAL_FIELD("head_channels", headChannels, "Channels of the landmark heatmap head", {8, 2048}),
        FRA_EVAL_FIELD("probe_images", probeImages,
                       "Fine-tuning an FRA checkpoint: test faces whose K heatmaps (pre-trained region heads over the fine-tuned backbone) are snapshot every epoch; 0 = none",
                       {0, 64}),
        FRA_EVAL_FIELD("output_stride", outputStride,
                       "Backbone output stride: 0 = the pre-training's model.output_stride (32 for random:), or 8 | 16 | 32", {0, 32}),
        FRA_EVAL_FIELD("allow_missing_images", allowMissingImages,
                       "Leave out annotated images that are missing on disk (with a warning) instead of stopping with an error; "
                       "results then differ from the full dataset's"),
        FRA_EVAL_FIELD("workers", workers, "Image loading threads", {1, 256}),
        FRA_EVAL_FIELD("threads", threads, "Compute threads (0 = all cores)", {0, 1024}),
        FRA_EVAL_FIELD("seed", seed, "Seed of head initialisation, order and augmentation"),
        FRA_EVAL_FIELD("device", device, "Compute device", {}, {"cpu", "cuda"}),
        FRA_EVAL_FIELD("eval_every", evalEvery, "Epochs between test evaluations", {1, 100000}),
    };
    presentFields(fields_, evaluationPresentation());  // label, group, advanced, reference
}

#undef FRA_EVAL_FIELD

void EvalSchema::crossFieldIssues(const EvalConfig& c, std::vector<ConfigIssue>& issues) const {
    if (c.warmupEpochs >= c.epochs) issues.push_back({"warmup_epochs", "must be smaller than epochs"});
    if (c.minLr > c.lr) issues.push_back({"min_lr", "must not exceed lr"});
    if (c.outputStride != 0 && c.outputStride != 8 && c.outputStride != 16 && c.outputStride != 32)
        issues.push_back({"output_stride", "must be 0 (the checkpoint's), 8, 16 or 32"});
}

EvalConfig EvalSchema::resolvePreset(const std::string& name) const {
    const PresetLibrary library(ResourceLocator::find("eval-presets"));
    EvalConfig config;
    for (const auto& [file, patch] : library.chain(name)) apply(config, patch, file);
    config.preset = name;
    return config;
}

}  // namespace fra
