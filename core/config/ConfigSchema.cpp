#include "config/ConfigSchema.h"

#include "config/FieldPresentation.h"

#include "util/FraError.h"

using nlohmann::json;

namespace fra {

#define FRA_CONFIG_FIELD(key, member, ...) \
    makeField<FraConfig>(key, [](FraConfig& c) -> auto& { return c.member; }, __VA_ARGS__)

const ConfigSchema& ConfigSchema::instance() {
    static const ConfigSchema schema;
    return schema;
}

ConfigSchema::ConfigSchema() {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const Range prob{0.0, 1.0};
    const Range positive{1e-12, kInf};
    fields_ = {
        FRA_CONFIG_FIELD("model.arch", model.arch, "Backbone (torchvision ResNet layout)", {}, {"resnet18", "resnet34", "resnet50"}),
        FRA_CONFIG_FIELD("model.num_regions", model.numRegions, "K: number of facial queries / heatmaps", {1, 256}),
        FRA_CONFIG_FIELD("model.embed_dim", model.embedDim, "D: embedding width of projectors and decoder", {8, 4096}),
        FRA_CONFIG_FIELD("model.hidden_dim", model.hiddenDim, "Hidden width of projector and predictor MLPs", {8, 16384}),
        FRA_CONFIG_FIELD("model.decoder_layers", model.decoderLayers, "Query decoder layers (code 2, paper 1; 0 = a variant of ours without decoder: K learnable mask embeddings, not Table 8's 0-layer row, which is BYOL)", {0, 12}),
        FRA_CONFIG_FIELD("model.query_init", model.queryInit,
                         "Decoder's initial queries: zeros (DETR, authors' code; the K regions start identical and collapse at small scale) "
                         "or learned per-query features (Mask2Former; the regions form)", {}, {"zeros", "learned"}),
        FRA_CONFIG_FIELD("model.output_stride", model.outputStride,
                         "Backbone output stride: 32 (torchvision; 4x4 map at 112 px), 16 (layer4 without stride, dilated; 7x7 at 112 px) "
                         "or 8 (layer3 too; 14x14 at 112 px)", {8, 32}),
        FRA_CONFIG_FIELD("model.decoder_heads", model.decoderHeads, "Attention heads of the query decoder", {1, 64}),
        FRA_CONFIG_FIELD("model.decoder_feedforward", model.decoderFeedForward, "Feed-forward width of the query decoder", {1, 16384}),
        FRA_CONFIG_FIELD("model.decoder_dropout", model.decoderDropout, "Dropout inside the query decoder", {0.0, 0.9}),
        FRA_CONFIG_FIELD("model.heatmap_temperature", model.heatmapTemperature, "t_h: softmax temperature over regions", positive),
        FRA_CONFIG_FIELD("model.proto_momentum", model.protoMomentum, "EMA momentum of the inference prototypes (proto)", prob),
        FRA_CONFIG_FIELD("model.share_pixel_region_projector", model.sharePixelRegionProjector, "One projector for pixels and regions (paper) instead of two (code)"),

        FRA_CONFIG_FIELD("loss.local_consistency", loss.localConsistency, "LC: region-level consistency (off with SR off = BYOL)"),
        FRA_CONFIG_FIELD("loss.semantic_relation", loss.semanticRelation, "SR: semantic relation loss L_r"),
        FRA_CONFIG_FIELD("loss.lambda_c", loss.lambdaC, "lambda_c: weight of L_g against L_l in L_c", prob),
        FRA_CONFIG_FIELD("loss.lambda_r", loss.lambdaR, "lambda_r: weight of L_r in the total loss", {0.0, 100.0}),
        FRA_CONFIG_FIELD("loss.decorrelation_weight", loss.decorrelationWeight, "Weight of the region decorrelation term (code 0.02, paper 0)", {0.0, 100.0}),
        FRA_CONFIG_FIELD("loss.student_temperature", loss.studentTemperature, "Temperature of the online assignment", positive),
        FRA_CONFIG_FIELD("loss.teacher_temperature", loss.teacherTemperature, "Temperature of the momentum assignment", positive),
        FRA_CONFIG_FIELD("loss.sinkhorn_iterations", loss.sinkhornIterations, "Sinkhorn-Knopp iterations on the teacher assignment", {0, 100}),
        FRA_CONFIG_FIELD("loss.memax_weight", loss.memaxWeight, "Weight of the mean-entropy maximisation term", {0.0, 100.0}),
        FRA_CONFIG_FIELD("loss.relation_targets", loss.relationTargets,
                         "Whose assignment L_r teaches each view's pixels: same_view (authors' code: the momentum branch's of the same "
                         "view, which the crop position alone can satisfy) or other_view (the momentum branch's of the same face point "
                         "in the other view, through the two crops; points outside it are left out)", {}, {"same_view", "other_view"}),

        FRA_CONFIG_FIELD("momentum.base", momentum.base, "Base EMA momentum of the momentum branch (cosine to 1)", prob),
        FRA_CONFIG_FIELD("momentum.average_buffers", momentum.averageBuffers, "Also average BN running statistics into the momentum branch"),

        FRA_CONFIG_FIELD("optim.lr", optim.lr, "LARS learning rate at the reference batch", {0.0, 100.0}),
        FRA_CONFIG_FIELD("optim.reference_batch", optim.referenceBatch, "Batch size at which optim.lr applies (linear scaling)", {1, 1 << 20}),
        FRA_CONFIG_FIELD("optim.momentum", optim.momentum, "SGD momentum of LARS", {0.0, 0.999999}),
        FRA_CONFIG_FIELD("optim.weight_decay", optim.weightDecay, "Weight decay (not on BN parameters and biases)", {0.0, 1.0}),
        FRA_CONFIG_FIELD("optim.trust_coefficient", optim.trustCoefficient, "LARS trust coefficient eta", {0.0, 1.0}),
        FRA_CONFIG_FIELD("optim.eps", optim.eps, "LARS epsilon", {0.0, 1.0}),
        FRA_CONFIG_FIELD("optim.warmup_epochs", optim.warmupEpochs, "Linear warm-up epochs (per iteration)", {0, 100000}),
        FRA_CONFIG_FIELD("optim.epochs", optim.epochs, "Total epochs of the schedule", {1, 100000}),
        FRA_CONFIG_FIELD("optim.cosine_granularity", optim.cosineGranularity, "Cosine decay per 'epoch' (code) or per 'iteration' (paper)", {}, {"epoch", "iteration"}),

        FRA_CONFIG_FIELD("data.root", data.root, "Folder of face images (searched recursively), or a prepared store file"),
        FRA_CONFIG_FIELD("data.format", data.format, "folder: decode and augment on CPU threads; prepared: a `fra prepare` store, augmented on the device", {},
                         {"folder", "prepared"}),
        FRA_CONFIG_FIELD("data.augment", data.augment,
                         "Where the views of an image folder are made: cpu (OpenCV threads), device (JPEGs decoded to a square by "
                         "libjpeg-turbo threads, views made on the compute device), auto (cpu when this build has OpenCV)", {},
                         {"auto", "cpu", "device"}),
        FRA_CONFIG_FIELD("data.decode_size", data.decodeSize,
                         "data.augment = device: side of the square each image is decoded to before the views are cropped "
                         "(0: 8/7 of data.image_size)", {0, 4096}),
        FRA_CONFIG_FIELD("data.jpeg_decoder", data.jpegDecoder,
                         "JPEG prepared stores: cpu (libjpeg-turbo on the loader threads), nvjpeg (nvJPEG's batched decoder on the "
                         "GPU, CUDA builds with nvJPEG), auto (nvjpeg on CUDA when the build has it)", {}, {"auto", "cpu", "nvjpeg"}),
        FRA_CONFIG_FIELD("data.image_size", data.imageSize, "Side of the square training views in pixels", {32, 1024}),
        FRA_CONFIG_FIELD("data.batch_size", data.batchSize, "Images per step (each seen as two views)", {2, 65536}),
        FRA_CONFIG_FIELD("data.workers", data.workers, "Decoding and augmentation threads", {1, 256}),
        FRA_CONFIG_FIELD("data.prefetch_batches", data.prefetchBatches, "Batches prepared ahead of the training step", {1, 64}),
        FRA_CONFIG_FIELD("data.min_image_side", data.minImageSide, "Images with a smaller side are skipped and logged", {1, 4096}),
        FRA_CONFIG_FIELD("data.crop_scale_min", data.cropScaleMin, "RandomResizedCrop: smallest area fraction", {0.01, 1.0}),
        FRA_CONFIG_FIELD("data.crop_scale_max", data.cropScaleMax, "RandomResizedCrop: largest area fraction", {0.01, 1.0}),
        FRA_CONFIG_FIELD("data.crop_ratio_min", data.cropRatioMin, "RandomResizedCrop: smallest aspect ratio", {0.1, 10.0}),
        FRA_CONFIG_FIELD("data.crop_ratio_max", data.cropRatioMax, "RandomResizedCrop: largest aspect ratio", {0.1, 10.0}),
        FRA_CONFIG_FIELD("data.flip_probability", data.flipProbability, "Horizontal flip probability", prob),
        FRA_CONFIG_FIELD("data.jitter_probability", data.jitterProbability, "Colour jitter probability", prob),
        FRA_CONFIG_FIELD("data.brightness", data.brightness, "Colour jitter: brightness strength", {0.0, 1.0}),
        FRA_CONFIG_FIELD("data.contrast", data.contrast, "Colour jitter: contrast strength", {0.0, 1.0}),
        FRA_CONFIG_FIELD("data.saturation", data.saturation, "Colour jitter: saturation strength", {0.0, 1.0}),
        FRA_CONFIG_FIELD("data.hue", data.hue, "Colour jitter: hue shift (fraction of the circle)", {0.0, 0.5}),
        FRA_CONFIG_FIELD("data.grayscale_probability", data.grayscaleProbability, "Grayscale probability", prob),
        FRA_CONFIG_FIELD("data.blur_sigma_min", data.blurSigmaMin, "Gaussian blur: smallest sigma (pixels)", {0.0, 100.0}),
        FRA_CONFIG_FIELD("data.blur_sigma_max", data.blurSigmaMax, "Gaussian blur: largest sigma (pixels)", {0.0, 100.0}),
        FRA_CONFIG_FIELD("data.solarize_threshold", data.solarizeThreshold, "Solarize threshold on 8-bit values", {0, 256}),
        FRA_CONFIG_FIELD("data.view1.blur_probability", data.view1.blurProbability, "View 1: Gaussian blur probability", prob),
        FRA_CONFIG_FIELD("data.view1.solarize_probability", data.view1.solarizeProbability, "View 1: solarize probability", prob),
        FRA_CONFIG_FIELD("data.view2.blur_probability", data.view2.blurProbability, "View 2: Gaussian blur probability", prob),
        FRA_CONFIG_FIELD("data.view2.solarize_probability", data.view2.solarizeProbability, "View 2: solarize probability", prob),
        FRA_CONFIG_FIELD("data.mean", data.mean, "Normalisation mean (RGB, 0-1)", {0.0, 1.0}),
        FRA_CONFIG_FIELD("data.std", data.std, "Normalisation standard deviation (RGB)", {1e-6, 10.0}),

        FRA_CONFIG_FIELD("run.seed", run.seed, "Seed of initialisation, data order and augmentations"),
        FRA_CONFIG_FIELD("run.threads", run.threads, "Compute threads (0 = all cores)", {0, 1024}),
        FRA_CONFIG_FIELD("run.device", run.device, "Compute device", {}, {"cpu", "cuda"}),
        FRA_CONFIG_FIELD("run.precision", run.precision, "fp32, or bf16 autocast (mixed precision)", {}, {"fp32", "bf16"}),
        FRA_CONFIG_FIELD("run.channels_last", run.channelsLast, "Channels-last (NHWC) backbone and inputs: faster bf16 convolutions on GPUs"),
        FRA_CONFIG_FIELD("run.cuda_graph", run.cudaGraph,
                         "Capture the whole training step (both views, forward, backward, LARS, EMA) in a CUDA graph after 3 eager "
                         "steps and replay it: one launch per step instead of thousands (cuda, one process)"),
        FRA_CONFIG_FIELD("run.async_loss_read", run.asyncLossRead,
                         "Read each step's losses after the next step is launched (a non-blocking copy, no host wait between "
                         "steps): on, off, or auto (on for cuda)", {}, {"auto", "on", "off"}),
        FRA_CONFIG_FIELD("run.max_steps", run.maxSteps, "Stop after this many steps (0 = the whole schedule)", {0, 1e15}),
        FRA_CONFIG_FIELD("run.heatmap_every", run.heatmapEvery, "M: heatmap snapshot of the probe faces every M steps (0 = never)", {0, 1e9}),
        FRA_CONFIG_FIELD("run.checkpoint_every", run.checkpointEvery, "Checkpoint every this many steps (0 = only at the end)", {0, 1e9}),
        FRA_CONFIG_FIELD("run.checkpoint_minutes", run.checkpointMinutes,
                         "Also checkpoint when this many minutes have passed since the last checkpoint, whichever comes first (0 = only by steps)",
                         {0.0, 1e6}),
        FRA_CONFIG_FIELD("run.keep_checkpoints", run.keepCheckpoints, "How many periodic checkpoints to keep (milestones are never deleted)", {1, 1000}),
        FRA_CONFIG_FIELD("run.milestone_every", run.milestoneEvery,
                         "Milestone checkpoints, kept for comparing checkpoints along the run: every N steps (N >= 1), or that fraction of the "
                         "schedule (0.1 = ten along the schedule), 0 = none",
                         {0.0, 1e12}),
        FRA_CONFIG_FIELD("run.probe_images", run.probeImages, "Fixed probe faces for heatmap snapshots", {0, 64}),
        FRA_CONFIG_FIELD("run.eval_every", run.evalEvery,
                         "Online evaluation of the momentum encoder (kNN top-1, region read-out NME) every N steps (N >= 1), or that "
                         "fraction of the schedule (0.1 = ten along the schedule), 0 = never",
                         {0.0, 1e12}),
        FRA_CONFIG_FIELD("run.eval_knn_task", run.evalKnnTask,
                         "Online evaluation: a labelled classification dataset (FORMAT:PATH, e.g. folder:/data/ids; @samples/ is the "
                         "sample pool) for weighted kNN top-1 on the momentum encoder's features; empty = none"),
        FRA_CONFIG_FIELD("run.eval_landmark_task", run.evalLandmarkTask,
                         "Online evaluation: a landmark dataset (FORMAT:PATH, e.g. pts:/data/300w; @samples/ is the sample pool) for the "
                         "NME of the region read-out on the momentum encoder's heatmaps; empty = none"),
        FRA_CONFIG_FIELD("run.eval_images", run.evalImages, "Online evaluation: at most this many faces per split of each task", {10, 1000000}),
        FRA_CONFIG_FIELD("run.tensorboard", run.tensorboard,
                         "Also write the losses, region diagnostics, lr, speed and heatmap snapshots as TensorBoard event files "
                         "in RUN/tensorboard/ (tensorboard --logdir RUNS)"),
        FRA_CONFIG_FIELD("run.distributed_timeout_s", run.distributedTimeoutSeconds,
                         "Multi-process runs: a collective waiting longer than this fails the run (a lost rank)", {5, 86400}),
        FRA_CONFIG_FIELD("run.heartbeat_s", run.heartbeatSeconds,
                         "The training process rewrites heartbeat.json this often, also during long steps and checkpoints; "
                         "readers on other machines call the run late after three missed beats", {0.2, 30.0}),
        FRA_CONFIG_FIELD("run.slurm_max_timeouts", run.slurmMaxTimeouts,
                         "A Slurm job that reaches its time limit requeues itself at most this many times (preemptions always requeue)",
                         {0, 1000}),
    };
    presentFields(fields_, trainingPresentation());  // label, group, advanced, reference
}

#undef FRA_CONFIG_FIELD

void ConfigSchema::crossFieldIssues(const FraConfig& c, std::vector<ConfigIssue>& issues) const {
    if (c.data.cropScaleMin > c.data.cropScaleMax)
        issues.push_back({"data.crop_scale_min", "must not exceed data.crop_scale_max"});
    if (c.data.cropRatioMin > c.data.cropRatioMax)
        issues.push_back({"data.crop_ratio_min", "must not exceed data.crop_ratio_max"});
    if (c.data.blurSigmaMin > c.data.blurSigmaMax)
        issues.push_back({"data.blur_sigma_min", "must not exceed data.blur_sigma_max"});
    if (c.optim.warmupEpochs >= c.optim.epochs)
        issues.push_back({"optim.warmup_epochs", "must be smaller than optim.epochs"});
    if (c.model.decoderLayers > 0 && c.model.embedDim % c.model.decoderHeads != 0)
        issues.push_back({"model.decoder_heads", "must divide model.embed_dim (" + std::to_string(c.model.embedDim) + ")"});
    if (c.model.outputStride != 8 && c.model.outputStride != 16 && c.model.outputStride != 32)
        issues.push_back({"model.output_stride", "must be 8, 16 or 32"});
    if (c.model.embedDim % 2 != 0)
        issues.push_back({"model.embed_dim", "must be even (half of it encodes each image axis)"});
    if (!c.loss.localConsistency && c.loss.semanticRelation)
        issues.push_back({"loss.semantic_relation", "needs loss.local_consistency (the regions it relates)"});
    if (c.run.precision == "bf16" && c.run.device == "cpu")
        issues.push_back({"run.precision", "bf16 autocast is for cuda; use fp32 on cpu"});
    if (c.run.cudaGraph && c.run.device != "cuda")
        issues.push_back({"run.cuda_graph", "CUDA graphs need run.device = cuda"});
    if (c.run.cudaGraph && c.loss.relationTargets == "other_view")
        issues.push_back({"loss.relation_targets", "other_view changes the step's inputs (the crops) every step, which a CUDA graph "
                                                   "does not capture: use run.cuda_graph = false"});
}

}  // namespace fra
