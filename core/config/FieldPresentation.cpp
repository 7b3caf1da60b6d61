#include "config/FieldPresentation.h"

#include <cstring>

namespace fra {

// References name their source: "fra-spec, <section>" is ../shared/docs/fra-spec.md (the method as
// the authors' public code does it, with the paper's differences), "Table N" the paper's table,
// "preset X" resources/presets/X.json or resources/eval-presets/X.json, "our measurement"
// docs/method.md. Only values found there are stated.

const std::vector<FieldPresentation>& trainingPresentation() {
    static const std::vector<FieldPresentation> table = {
        // Model
        {"model.arch", "Backbone", "Model", false,
         "paper and authors' code: resnet50 (fra-spec, shapes); cpu-r18 presets: resnet18"},
        {"model.num_regions", "Number of facial regions (K)", "Model", false,
         "paper and authors' code: 8 (fra-spec, shapes); the paper's ablation: 8, 32, 64 (Tables 5-8)"},
        {"model.decoder_layers", "Query decoder layers", "Model", false,
         "authors' code: 2; paper: 1 (Table 8; preset paper); the paper's ablation: 1-3 (Table 8's 0-layer row is BYOL)"},
        {"model.query_init", "Decoder's initial queries", "Model", false,
         "authors' code: zeros (DETR; fra-spec, query decoder); cpu-r18 presets: learned (Mask2Former; fra-spec, known behaviour at small scale)"},
        {"model.output_stride", "Backbone output stride", "Model", false,
         "authors' code: 32 (torchvision ResNet, 7x7 map at 224 px; fra-spec, shapes); cpu-r18 presets: 16"},
        {"model.embed_dim", "Embedding width (D)", "Model", false, "authors' code: 256 (fra-spec, shapes)"},
        {"model.hidden_dim", "Projector and predictor hidden width", "Model", false,
         "authors' code: 4096 (fra-spec, heads); preset cpu-r18-demo: 1024"},
        {"model.share_pixel_region_projector", "One projector for pixels and regions", "Model", true,
         "authors' code: off (separate weights); paper: on (fra-spec, heads; preset paper)"},
        {"model.decoder_heads", "Decoder attention heads", "Model", true, "authors' code: 8 (fra-spec, query decoder)"},
        {"model.decoder_feedforward", "Decoder feed-forward width", "Model", true, "authors' code: 256 (fra-spec, query decoder)"},
        {"model.decoder_dropout", "Decoder dropout", "Model", true, "authors' code: 0.1 (fra-spec, query decoder)"},
        {"model.heatmap_temperature", "Heatmap temperature (t_h)", "Model", true, "authors' code: 1.0 (fra-spec, heatmaps)"},
        {"model.proto_momentum", "Inference prototype momentum", "Model", true, "authors' code: 0.9 (fra-spec, heatmaps)"},

        // Method and losses
        {"loss.local_consistency", "Local consistency (LC)", "Method and losses", false,
         "paper and authors' code: on; off with SR off = BYOL, Table 5's GC row (preset paper-r50-byol)"},
        {"loss.semantic_relation", "Semantic relation loss (SR)", "Method and losses", false,
         "paper and authors' code: on; off = Table 5's GC+LC row (preset cpu-r18-gc-lc)"},
        {"loss.lambda_c", "Global against local weight (lambda_c)", "Method and losses", false,
         "authors' code: 0.5 (fra-spec, losses); ablated in the paper (Tables 5-8)"},
        {"loss.lambda_r", "Semantic relation weight (lambda_r)", "Method and losses", false,
         "paper and authors' code: 0.1 (fra-spec, losses); ablated in the paper (Tables 5-8); cpu-r18 presets: 1.0 (our measurement)"},
        {"loss.teacher_temperature", "Teacher temperature of L_r", "Method and losses", false,
         "authors' code: 0.04 (fra-spec, losses); cpu-r18 presets: 0.02 (our measurement)"},
        {"loss.decorrelation_weight", "Region decorrelation weight", "Method and losses", false,
         "authors' code: 0.02; paper: 0 (fra-spec, losses; preset paper)"},
        {"momentum.base", "Momentum branch base momentum", "Method and losses", false,
         "authors' code: 0.996, cosine to 1 (fra-spec, momentum branch)"},
        {"loss.student_temperature", "Student temperature of L_r", "Method and losses", true, "authors' code: 0.1 (fra-spec, losses)"},
        {"loss.sinkhorn_iterations", "Sinkhorn iterations", "Method and losses", true, "authors' code: 3 (fra-spec, losses)"},
        {"loss.memax_weight", "Mean-entropy maximisation weight", "Method and losses", true, "authors' code: 1.0 (fra-spec, losses)"},
        {"loss.relation_targets", "Semantic relation targets", "Method and losses", true,
         "authors' code: same_view (fra-spec, losses); other_view: targets from the other view through the crops, no preset uses it "
         "(measured in docs/method.md)"},
        {"momentum.average_buffers", "Average BN statistics into the momentum branch", "Method and losses", true,
         "authors' code: off, parameters only (fra-spec, momentum branch)"},

        // Schedule
        {"optim.epochs", "Epochs", "Schedule", false, "authors' code: 50 (fra-spec, optimiser); cpu-r18 presets: 30"},
        {"optim.warmup_epochs", "Warm-up epochs", "Schedule", false, "authors' code: 10 (fra-spec, optimiser); cpu-r18 presets: 2"},
        {"data.batch_size", "Batch size", "Schedule", false,
         "authors' code: 512 (fra-spec, optimiser; preset paper-r50); cpu-r18 presets: 32"},
        {"optim.lr", "Learning rate (LARS)", "Schedule", false, "authors' code: 0.9 at batch 512 (fra-spec, optimiser)"},
        {"optim.reference_batch", "Batch of the base learning rate", "Schedule", false,
         "authors' code: 512, linear scaling (fra-spec, optimiser; their main.py has the scaling commented out); cpu-r18 presets: 64"},
        {"optim.cosine_granularity", "Cosine decay step", "Schedule", false,
         "authors' code: epoch; paper: iteration (fra-spec, optimiser; preset paper)"},
        {"optim.weight_decay", "Weight decay", "Schedule", false, "authors' code: 1e-6 (fra-spec, optimiser)"},
        {"optim.momentum", "LARS momentum", "Schedule", true, "authors' code: 0.9 (fra-spec, optimiser)"},
        {"optim.trust_coefficient", "LARS trust coefficient", "Schedule", true, "authors' code: 1e-3 (fra-spec, optimiser)"},
        {"optim.eps", "LARS epsilon", "Schedule", true, "authors' code: 1e-8 (fra-spec, optimiser)"},

        // Data
        {"data.root", "Face images", "Data", false, ""},
        {"data.format", "Data format", "Data", false, ""},
        {"data.augment", "Where folder views are made", "Data", true, ""},
        {"data.decode_size", "Decoded square side (device views)", "Data", true, ""},
        {"data.jpeg_decoder", "JPEG store decoder", "Data", true, ""},
        {"data.image_size", "Image size", "Data", false, "authors' code: 224 (fra-spec, augmentations); cpu-r18 presets: 112"},
        {"data.workers", "Loader threads", "Data", true, ""},
        {"data.prefetch_batches", "Batches prepared ahead", "Data", true, ""},
        {"data.min_image_side", "Smallest usable image side", "Data", true, ""},
        {"data.crop_scale_min", "Crop area, smallest", "Data", true, "authors' code: 0.2 (fra-spec, augmentations)"},
        {"data.crop_scale_max", "Crop area, largest", "Data", true, "authors' code: 1.0 (fra-spec, augmentations)"},
        {"data.crop_ratio_min", "Crop aspect ratio, smallest", "Data", true, "authors' code: 3/4 (fra-spec, augmentations)"},
        {"data.crop_ratio_max", "Crop aspect ratio, largest", "Data", true, "authors' code: 4/3 (fra-spec, augmentations)"},
        {"data.flip_probability", "Horizontal flip probability", "Data", true, "authors' code: 0.5 (fra-spec, augmentations)"},
        {"data.jitter_probability", "Colour jitter probability", "Data", true, "authors' code: 0.8 (fra-spec, augmentations)"},
        {"data.brightness", "Colour jitter brightness", "Data", true, "authors' code: 0.4 (fra-spec, augmentations)"},
        {"data.contrast", "Colour jitter contrast", "Data", true, "authors' code: 0.4 (fra-spec, augmentations)"},
        {"data.saturation", "Colour jitter saturation", "Data", true, "authors' code: 0.2 (fra-spec, augmentations)"},
        {"data.hue", "Colour jitter hue", "Data", true, "authors' code: 0.1 (fra-spec, augmentations)"},
        {"data.grayscale_probability", "Grayscale probability", "Data", true, "authors' code: 0.2 (fra-spec, augmentations)"},
        {"data.blur_sigma_min", "Blur sigma, smallest", "Data", true, "authors' code: 0.1 (fra-spec, augmentations)"},
        {"data.blur_sigma_max", "Blur sigma, largest", "Data", true, "authors' code: 2.0 (fra-spec, augmentations)"},
        {"data.solarize_threshold", "Solarize threshold", "Data", true, "authors' code: 128 (fra-spec, augmentations)"},
        {"data.view1.blur_probability", "View 1 blur probability", "Data", true, "authors' code: 1.0 (fra-spec, augmentations)"},
        {"data.view1.solarize_probability", "View 1 solarize probability", "Data", true, "authors' code: 0 (fra-spec, augmentations)"},
        {"data.view2.blur_probability", "View 2 blur probability", "Data", true, "authors' code: 0.1 (fra-spec, augmentations)"},
        {"data.view2.solarize_probability", "View 2 solarize probability", "Data", true, "authors' code: 0.2 (fra-spec, augmentations)"},
        {"data.mean", "Normalisation mean", "Data", true, "authors' code: VGGFace2's 0.5231, 0.4044, 0.3489 (fra-spec, augmentations)"},
        {"data.std", "Normalisation standard deviation", "Data", true,
         "authors' code: VGGFace2's 0.2536, 0.2194, 0.2070 (fra-spec, augmentations)"},

        // Run
        {"run.device", "Compute device", "Run", false, ""},
        {"run.precision", "Precision", "Run", false,
         "authors' code: mixed precision, fp16 with a loss scaler (fra-spec, optimiser; docs/method.md); preset paper-r50: bf16"},
        {"run.seed", "Random seed", "Run", false, ""},
        {"run.max_steps", "Stop after steps", "Run", false, ""},
        {"run.heatmap_every", "Heatmap snapshot every (steps)", "Run", false, ""},
        {"run.probe_images", "Probe faces", "Run", false, ""},
        {"run.eval_every", "Online evaluation every", "Run", false, ""},
        {"run.eval_knn_task", "Online kNN task", "Run", true, ""},
        {"run.eval_landmark_task", "Online read-out task", "Run", true, ""},
        {"run.eval_images", "Online evaluation faces per split", "Run", true, ""},
        {"run.checkpoint_every", "Checkpoint every (steps)", "Run", false, ""},
        {"run.checkpoint_minutes", "Checkpoint every (minutes)", "Run", false, ""},
        {"run.channels_last", "Channels-last layout", "Run", true, ""},
        {"run.cuda_graph", "Replay the step as a CUDA graph", "Run", true, ""},
        {"run.async_loss_read", "Read losses one step late", "Run", true, ""},
        {"run.threads", "Compute threads", "Run", true, ""},
        {"run.keep_checkpoints", "Periodic checkpoints kept", "Run", true, ""},
        {"run.milestone_every", "Milestone checkpoints every", "Run", true, ""},
        {"run.tensorboard", "TensorBoard event files", "Run", true, ""},
        {"run.distributed_timeout_s", "Multi-process timeout (seconds)", "Run", true, ""},
        {"run.heartbeat_s", "Heartbeat every (seconds)", "Run", true, ""},
        {"run.slurm_max_timeouts", "Slurm time-limit requeues", "Run", true, ""},
    };
    return table;
}

const std::vector<FieldPresentation>& evaluationPresentation() {
    static const std::vector<FieldPresentation> table = {
        // Protocol
        {"protocol", "Protocol", "Protocol", false,
         "paper: linear probe and fine-tuning; its reported results are fine-tuning (fra-spec, downstream)"},

        // Schedule
        {"epochs", "Epochs", "Schedule", false, "paper's fine-tuning recipe: 100 (fra-spec, downstream; preset paper-ft)"},
        {"warmup_epochs", "Warm-up epochs", "Schedule", false, "paper's fine-tuning recipe: 5 (fra-spec, downstream; preset paper-ft)"},
        {"batch_size", "Batch size", "Schedule", false, "paper's fine-tuning recipe: 256 (fra-spec, downstream; preset paper-ft)"},
        {"lr", "Head learning rate (AdamW)", "Schedule", false,
         "paper's fine-tuning recipe: 2e-4 (fra-spec, downstream; preset paper-ft); linear probe: 1e-3, ours (preset paper-lp; the spec gives no recipe)"},
        {"backbone_lr", "Backbone learning rate (AdamW)", "Schedule", false,
         "paper's fine-tuning recipe: 2e-4 (fra-spec, downstream; preset paper-ft)"},
        {"weight_decay", "Weight decay", "Schedule", false,
         "paper's fine-tuning recipe: 0.05 (fra-spec, downstream; preset paper-ft); linear probe: 0, ours (preset paper-lp)"},
        {"min_lr", "Final learning rate", "Schedule", false, "paper's fine-tuning recipe: cosine to 1e-6 (fra-spec, downstream; preset paper-ft)"},
        {"eval_every", "Test evaluation every (epochs)", "Schedule", true, ""},

        // Data
        {"image_size", "Image size", "Data", false, "paper's fine-tuning recipe: 224 (fra-spec, downstream; preset paper-ft)"},
        {"augment", "Training augmentation", "Data", false, ""},
        {"crop_margin", "Face box margin", "Data", true, ""},
        {"allow_missing_images", "Leave out missing images", "Data", true, ""},
        {"workers", "Loader threads", "Data", true, ""},

        // Model
        {"output_stride", "Backbone output stride", "Model", false, ""},
        {"head_channels", "Landmark head channels", "Model", false, ""},
        {"head_dropout", "Attribute head dropout", "Model", true, "paper's CelebA head (2048-512-256-40): 0.2 (fra-spec, downstream)"},

        // Run
        {"device", "Compute device", "Run", false, ""},
        {"seed", "Random seed", "Run", false, ""},
        {"probe_images", "Region snapshot faces", "Run", false, ""},
        {"threads", "Compute threads", "Run", true, ""},
    };
    return table;
}

const std::vector<std::string>& trainingGroups() {
    static const std::vector<std::string> groups = {"Model", "Method and losses", "Schedule", "Data", "Run"};
    return groups;
}

const std::vector<std::string>& evaluationGroups() {
    static const std::vector<std::string> groups = {"Protocol", "Schedule", "Data", "Model", "Run"};
    return groups;
}

bool presentField(FieldSpec& field, const std::vector<FieldPresentation>& table) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        const FieldPresentation& p = table[i];
        if (field.key != p.key) continue;
        field.label = p.label;
        field.group = p.group;
        field.advanced = p.advanced;
        field.reference = p.reference;
        field.order = static_cast<int>(i);
        return true;
    }
    return false;
}

}  // namespace fra
