#include "config/ConfigSchema.h"

#include "util/FraError.h"

#include <cmath>
#include <sstream>
#include <type_traits>

using nlohmann::json;

namespace fra {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Range {
    double min = -kInf;
    double max = kInf;
};

template <typename T>
FieldType fieldTypeOf() {
    if constexpr (std::is_same_v<T, bool>) return FieldType::Bool;
    else if constexpr (std::is_same_v<T, std::uint64_t>) return FieldType::UInt64;
    else if constexpr (std::is_integral_v<T>) return FieldType::Int;
    else if constexpr (std::is_floating_point_v<T>) return FieldType::Double;
    else if constexpr (std::is_same_v<T, std::string>) return FieldType::String;
    else return FieldType::DoubleTriple;
}

template <typename Access>
ConfigField makeField(std::string key, Access access, std::string help, Range range = {},
                      std::vector<std::string> choices = {}) {
    using T = std::remove_reference_t<decltype(access(std::declval<FraConfig&>()))>;
    ConfigField f;
    f.key = std::move(key);
    f.type = choices.empty() ? fieldTypeOf<T>() : FieldType::Choice;
    f.help = std::move(help);
    f.min = range.min;
    f.max = range.max;
    f.choices = std::move(choices);
    f.get = [access](const FraConfig& c) { return json(access(const_cast<FraConfig&>(c))); };
    f.set = [access](FraConfig& c, const json& v) { access(c) = v.get<T>(); };
    return f;
}

#define FRA_FIELD(key, member, ...) makeField(key, [](FraConfig& c) -> auto& { return c.member; }, __VA_ARGS__)

std::string describeRange(const ConfigField& f) {
    std::ostringstream s;
    if (std::isfinite(f.min) && std::isfinite(f.max)) s << " in [" << f.min << ", " << f.max << "]";
    else if (std::isfinite(f.min)) s << " >= " << f.min;
    else if (std::isfinite(f.max)) s << " <= " << f.max;
    return s.str();
}

std::string typeName(const ConfigField& f) {
    switch (f.type) {
    case FieldType::Bool: return "true or false";
    case FieldType::Int: return "an integer" + describeRange(f);
    case FieldType::UInt64: return "a non-negative integer";
    case FieldType::Double: return "a number" + describeRange(f);
    case FieldType::String: return "a string";
    case FieldType::Choice: {
        std::string s = "one of";
        for (const auto& c : f.choices) s += " '" + c + "'";
        return s;
    }
    case FieldType::DoubleTriple: return "a list of 3 numbers" + describeRange(f);
    }
    return "a value";
}

bool inRange(const ConfigField& f, double v) { return std::isfinite(v) && v >= f.min && v <= f.max; }

}  // namespace

const ConfigSchema& ConfigSchema::instance() {
    static const ConfigSchema schema;
    return schema;
}

ConfigSchema::ConfigSchema() {
    const Range prob{0.0, 1.0};
    const Range positive{1e-12, kInf};
    fields_ = {
        FRA_FIELD("model.arch", model.arch, "Backbone (torchvision ResNet layout)", {}, {"resnet18", "resnet34", "resnet50"}),
        FRA_FIELD("model.num_regions", model.numRegions, "K: number of facial queries / heatmaps", {1, 256}),
        FRA_FIELD("model.embed_dim", model.embedDim, "D: embedding width of projectors and decoder", {8, 4096}),
        FRA_FIELD("model.hidden_dim", model.hiddenDim, "Hidden width of projector and predictor MLPs", {8, 16384}),
        FRA_FIELD("model.decoder_layers", model.decoderLayers, "Query decoder layers (code 2, paper 1; 0 = plain learnable prototypes)", {0, 12}),
        FRA_FIELD("model.decoder_heads", model.decoderHeads, "Attention heads of the query decoder", {1, 64}),
        FRA_FIELD("model.decoder_feedforward", model.decoderFeedForward, "Feed-forward width of the query decoder", {1, 16384}),
        FRA_FIELD("model.decoder_dropout", model.decoderDropout, "Dropout inside the query decoder", {0.0, 0.9}),
        FRA_FIELD("model.heatmap_temperature", model.heatmapTemperature, "t_h: softmax temperature over regions", positive),
        FRA_FIELD("model.proto_momentum", model.protoMomentum, "EMA momentum of the inference prototypes (proto)", prob),
        FRA_FIELD("model.share_pixel_region_projector", model.sharePixelRegionProjector, "One projector for pixels and regions (paper) instead of two (code)"),

        FRA_FIELD("loss.local_consistency", loss.localConsistency, "LC: region-level consistency (off with SR off = BYOL)"),
        FRA_FIELD("loss.semantic_relation", loss.semanticRelation, "SR: semantic relation loss L_r"),
        FRA_FIELD("loss.lambda_c", loss.lambdaC, "lambda_c: weight of L_g against L_l in L_c", prob),
        FRA_FIELD("loss.lambda_r", loss.lambdaR, "lambda_r: weight of L_r in the total loss", {0.0, 100.0}),
        FRA_FIELD("loss.decorrelation_weight", loss.decorrelationWeight, "Weight of the region decorrelation term (code 0.02, paper 0)", {0.0, 100.0}),
        FRA_FIELD("loss.student_temperature", loss.studentTemperature, "Temperature of the online assignment", positive),
        FRA_FIELD("loss.teacher_temperature", loss.teacherTemperature, "Temperature of the momentum assignment", positive),
        FRA_FIELD("loss.sinkhorn_iterations", loss.sinkhornIterations, "Sinkhorn-Knopp iterations on the teacher assignment", {0, 100}),
        FRA_FIELD("loss.memax_weight", loss.memaxWeight, "Weight of the mean-entropy maximisation term", {0.0, 100.0}),

        FRA_FIELD("momentum.base", momentum.base, "Base EMA momentum of the momentum branch (cosine to 1)", prob),
        FRA_FIELD("momentum.average_buffers", momentum.averageBuffers, "Also average BN running statistics into the momentum branch"),

        FRA_FIELD("optim.lr", optim.lr, "LARS learning rate at the reference batch", {0.0, 100.0}),
        FRA_FIELD("optim.reference_batch", optim.referenceBatch, "Batch size at which optim.lr applies (linear scaling)", {1, 1 << 20}),
        FRA_FIELD("optim.momentum", optim.momentum, "SGD momentum of LARS", {0.0, 0.999999}),
        FRA_FIELD("optim.weight_decay", optim.weightDecay, "Weight decay (not on BN parameters and biases)", {0.0, 1.0}),
        FRA_FIELD("optim.trust_coefficient", optim.trustCoefficient, "LARS trust coefficient eta", {0.0, 1.0}),
        FRA_FIELD("optim.eps", optim.eps, "LARS epsilon", {0.0, 1.0}),
        FRA_FIELD("optim.warmup_epochs", optim.warmupEpochs, "Linear warm-up epochs (per iteration)", {0, 100000}),
        FRA_FIELD("optim.epochs", optim.epochs, "Total epochs of the schedule", {1, 100000}),
        FRA_FIELD("optim.cosine_granularity", optim.cosineGranularity, "Cosine decay per 'epoch' (code) or per 'iteration' (paper)", {}, {"epoch", "iteration"}),

        FRA_FIELD("data.root", data.root, "Folder of face images (searched recursively)"),
        FRA_FIELD("data.image_size", data.imageSize, "Side of the square training views in pixels", {32, 1024}),
        FRA_FIELD("data.batch_size", data.batchSize, "Images per step (each seen as two views)", {2, 65536}),
        FRA_FIELD("data.workers", data.workers, "Decoding and augmentation threads", {1, 256}),
        FRA_FIELD("data.prefetch_batches", data.prefetchBatches, "Batches prepared ahead of the training step", {1, 64}),
        FRA_FIELD("data.min_image_side", data.minImageSide, "Images with a smaller side are skipped and logged", {1, 4096}),
        FRA_FIELD("data.crop_scale_min", data.cropScaleMin, "RandomResizedCrop: smallest area fraction", {0.01, 1.0}),
        FRA_FIELD("data.crop_scale_max", data.cropScaleMax, "RandomResizedCrop: largest area fraction", {0.01, 1.0}),
        FRA_FIELD("data.crop_ratio_min", data.cropRatioMin, "RandomResizedCrop: smallest aspect ratio", {0.1, 10.0}),
        FRA_FIELD("data.crop_ratio_max", data.cropRatioMax, "RandomResizedCrop: largest aspect ratio", {0.1, 10.0}),
        FRA_FIELD("data.flip_probability", data.flipProbability, "Horizontal flip probability", prob),
        FRA_FIELD("data.jitter_probability", data.jitterProbability, "Colour jitter probability", prob),
        FRA_FIELD("data.brightness", data.brightness, "Colour jitter: brightness strength", {0.0, 1.0}),
        FRA_FIELD("data.contrast", data.contrast, "Colour jitter: contrast strength", {0.0, 1.0}),
        FRA_FIELD("data.saturation", data.saturation, "Colour jitter: saturation strength", {0.0, 1.0}),
        FRA_FIELD("data.hue", data.hue, "Colour jitter: hue shift (fraction of the circle)", {0.0, 0.5}),
        FRA_FIELD("data.grayscale_probability", data.grayscaleProbability, "Grayscale probability", prob),
        FRA_FIELD("data.blur_sigma_min", data.blurSigmaMin, "Gaussian blur: smallest sigma (pixels)", {0.0, 100.0}),
        FRA_FIELD("data.blur_sigma_max", data.blurSigmaMax, "Gaussian blur: largest sigma (pixels)", {0.0, 100.0}),
        FRA_FIELD("data.solarize_threshold", data.solarizeThreshold, "Solarize threshold on 8-bit values", {0, 256}),
        FRA_FIELD("data.view1.blur_probability", data.view1.blurProbability, "View 1: Gaussian blur probability", prob),
        FRA_FIELD("data.view1.solarize_probability", data.view1.solarizeProbability, "View 1: solarize probability", prob),
        FRA_FIELD("data.view2.blur_probability", data.view2.blurProbability, "View 2: Gaussian blur probability", prob),
        FRA_FIELD("data.view2.solarize_probability", data.view2.solarizeProbability, "View 2: solarize probability", prob),
        FRA_FIELD("data.mean", data.mean, "Normalisation mean (RGB, 0-1)", {0.0, 1.0}),
        FRA_FIELD("data.std", data.std, "Normalisation standard deviation (RGB)", {1e-6, 10.0}),

        FRA_FIELD("run.seed", run.seed, "Seed of initialisation, data order and augmentations"),
        FRA_FIELD("run.threads", run.threads, "Compute threads (0 = all cores)", {0, 1024}),
        FRA_FIELD("run.device", run.device, "Compute device", {}, {"cpu", "cuda"}),
        FRA_FIELD("run.precision", run.precision, "fp32, or bf16 autocast (mixed precision)", {}, {"fp32", "bf16"}),
        FRA_FIELD("run.max_steps", run.maxSteps, "Stop after this many steps (0 = the whole schedule)", {0, 1e15}),
        FRA_FIELD("run.heatmap_every", run.heatmapEvery, "M: heatmap snapshot of the probe faces every M steps (0 = never)", {0, 1e9}),
        FRA_FIELD("run.checkpoint_every", run.checkpointEvery, "Checkpoint every this many steps (0 = only at the end)", {0, 1e9}),
        FRA_FIELD("run.keep_checkpoints", run.keepCheckpoints, "How many periodic checkpoints to keep", {1, 1000}),
        FRA_FIELD("run.probe_images", run.probeImages, "Fixed probe faces for heatmap snapshots", {0, 64}),
    };
}

#undef FRA_FIELD

const ConfigField* ConfigSchema::find(const std::string& key) const {
    for (const auto& f : fields_)
        if (f.key == key) return &f;
    return nullptr;
}

json ConfigSchema::toJson(const FraConfig& config) const {
    json out = json::object();
    for (const auto& f : fields_) out[json::json_pointer("/" + [&] {
        std::string p = f.key;
        for (auto& ch : p)
            if (ch == '.') ch = '/';
        return p;
    }())] = f.get(config);
    if (!config.preset.empty()) out["preset"] = config.preset;
    return out;
}

std::string ConfigSchema::checkValue(const ConfigField& f, const json& v) const {
    const std::string expected = "expected " + typeName(f) + ", got " + v.dump();
    switch (f.type) {
    case FieldType::Bool:
        return v.is_boolean() ? "" : expected;
    case FieldType::Int:
        if (!v.is_number_integer()) return expected;
        return inRange(f, v.get<double>()) ? "" : expected;
    case FieldType::UInt64:
        return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ? "" : expected;
    case FieldType::Double:
        if (!v.is_number()) return expected;
        return inRange(f, v.get<double>()) ? "" : expected;
    case FieldType::String:
        return v.is_string() ? "" : expected;
    case FieldType::Choice:
        if (!v.is_string()) return expected;
        for (const auto& c : f.choices)
            if (c == v.get<std::string>()) return "";
        return expected;
    case FieldType::DoubleTriple:
        if (!v.is_array() || v.size() != 3) return expected;
        for (const auto& x : v)
            if (!x.is_number() || !inRange(f, x.get<double>())) return expected;
        return "";
    }
    return expected;
}

json ConfigSchema::parseValue(const ConfigField& f, const std::string& text) const {
    auto fail = [&] { throw FraError("--set " + f.key + ": expected " + typeName(f) + ", got '" + text + "'"); };
    auto number = [&](const std::string& s) {
        std::size_t used = 0;
        double d = 0;
        try {
            d = std::stod(s, &used);
        } catch (const std::exception&) {
            fail();
        }
        if (used != s.size()) fail();
        return d;
    };
    switch (f.type) {
    case FieldType::Bool:
        if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
        if (text == "false" || text == "0" || text == "no" || text == "off") return false;
        fail();
        break;
    case FieldType::Int:
    case FieldType::UInt64: {
        std::size_t used = 0;
        long long n = 0;
        try {
            n = std::stoll(text, &used);
        } catch (const std::exception&) {
            fail();
        }
        if (used != text.size()) fail();
        if (f.type == FieldType::UInt64) {
            if (n < 0) fail();
            return static_cast<std::uint64_t>(n);
        }
        return n;
    }
    case FieldType::Double:
        return number(text);
    case FieldType::String:
    case FieldType::Choice:
        return text;
    case FieldType::DoubleTriple: {
        json arr = json::array();
        std::stringstream ss(text);
        std::string part;
        while (std::getline(ss, part, ',')) arr.push_back(number(part));
        return arr;
    }
    }
    fail();
    return {};
}

void ConfigSchema::applyFlattened(FraConfig& config, const json& patch, const std::string& prefix,
                                  const std::string& source) const {
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (key == "preset") {
            if (!it.value().is_string()) throw FraError(source + ": field 'preset' must be a string");
            config.preset = it.value().get<std::string>();
            continue;
        }
        const ConfigField* field = find(key);
        if (!field) {
            if (it.value().is_object()) {
                applyFlattened(config, it.value(), key, source);
                continue;
            }
            throw FraError(source + ": unknown field '" + key + "'");
        }
        const std::string problem = checkValue(*field, it.value());
        if (!problem.empty()) throw FraError(source + ": field '" + key + "': " + problem);
        field->set(config, it.value());
    }
}

void ConfigSchema::apply(FraConfig& config, const json& patch, const std::string& source) const {
    if (!patch.is_object()) throw FraError(source + ": expected a JSON object of settings");
    applyFlattened(config, patch, "", source);
}

void ConfigSchema::applyAssignment(FraConfig& config, const std::string& assignment) const {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw FraError("--set '" + assignment + "': expected key=value, e.g. model.arch=resnet18");
    const std::string key = assignment.substr(0, eq);
    const ConfigField* field = find(key);
    if (!field) throw FraError("--set: unknown field '" + key + "'");
    const json value = parseValue(*field, assignment.substr(eq + 1));
    const std::string problem = checkValue(*field, value);
    if (!problem.empty()) throw FraError("--set " + key + ": " + problem);
    field->set(config, value);
}

std::vector<ConfigIssue> ConfigSchema::validate(const FraConfig& c) const {
    std::vector<ConfigIssue> issues;
    for (const auto& f : fields_) {
        const std::string problem = checkValue(f, f.get(c));
        if (!problem.empty()) issues.push_back({f.key, problem});
    }
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
    if (c.model.embedDim % 2 != 0)
        issues.push_back({"model.embed_dim", "must be even (half of it encodes each image axis)"});
    if (!c.loss.localConsistency && c.loss.semanticRelation)
        issues.push_back({"loss.semantic_relation", "needs loss.local_consistency (the regions it relates)"});
    if (c.run.precision == "bf16" && c.run.device == "cpu")
        issues.push_back({"run.precision", "bf16 autocast is for cuda; use fp32 on cpu"});
    return issues;
}

void ConfigSchema::requireValid(const FraConfig& config, const std::string& source) const {
    const auto issues = validate(config);
    if (issues.empty()) return;
    std::string message = source + ": ";
    for (std::size_t i = 0; i < issues.size(); ++i)
        message += (i ? "; " : "") + std::string("field '") + issues[i].key + "' " + issues[i].message;
    throw FraError(message);
}

}  // namespace fra
