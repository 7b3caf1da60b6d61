// fra-region-probe: a diagnostic of why the K facial regions do (not) separate. One batch of
// the data folder through a freshly initialised cpu-r18 model (or a run's newest checkpoint):
//   A. the query decoder: how different the K outputs are at every stage, how peaked and how
//      query-specific the cross-attention is, how much the attended pixel values vary;
//   B. the pixel projections: how much the cosine maps can vary over a face;
//   C. the gradients of L_r, of (1 - lambda_c) L_l and of the total with respect to the K
//      batch-mean mask embeddings E, at E and at slightly asymmetric points: their size, the part
//      that changes the differences between the K embeddings, and whether a descent step
//      separates the embeddings (lowers their mean pairwise cosine);
//   D. LARS: the decoder's gradient norms by loss term, trust ratios and relative steps.
//   fra-region-probe DATA_FOLDER [RUN_DIR] [--seed N] [--lambda-r X]
// Everything printed is measured on this one batch; nothing is written.
#include "config/PresetLibrary.h"
#include "data/BatchLoader.h"
#include "data/ImageFolder.h"
#include "loss/CrossViewAlignment.h"
#include "loss/FraLosses.h"
#include "model/CrossRankOps.h"
#include "model/FraModel.h"
#include "model/Mlp1d.h"
#include "model/QueryDecoder.h"
#include "optim/ParameterGroups.h"
#include "run/RunDirectory.h"
#include "train/Checkpoint.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace F = torch::nn::functional;
using torch::Tensor;

namespace {

const fra::CrossRankOps& one() { return fra::CrossRankOps::singleProcess(); }

Tensor normalize(const Tensor& t, int64_t dim) { return F::normalize(t, F::NormalizeFuncOptions().dim(dim)); }

// differentiable mean pairwise cosine of K x D rows
Tensor pairwiseCosine(const Tensor& e) {
    const Tensor n = normalize(e, -1);
    const Tensor c = torch::matmul(n, n.t());
    const auto k = e.size(0);
    return (c.sum() - c.diagonal().sum()) / static_cast<double>(k * (k - 1));
}

// mean over images of the pairwise cosine between the K rows of each B x K x D slice
double perImageCosine(const Tensor& e) {
    double s = 0;
    for (int64_t b = 0; b < e.size(0); ++b) s += pairwiseCosine(e[b]).item<double>();
    return s / static_cast<double>(e.size(0));
}

// share of the energy of B x K x D rows that is common to the K rows of an image
double commonShare(const Tensor& e) {
    const Tensor mean = e.mean(1, true);
    return (mean.pow(2).sum() * e.size(1) / e.pow(2).sum()).item<double>();
}

// B x N x D vectors: mean cosine between different rows of the same image, and the share of
// their energy that is not the image's mean row
std::pair<double, double> rowSpread(const Tensor& x) {
    const Tensor n = normalize(x, -1);
    const Tensor c = torch::bmm(n, n.transpose(1, 2));
    const auto rows = x.size(1);
    const double cos = ((c.sum({1, 2}) - rows) / static_cast<double>(rows * (rows - 1))).mean().item<double>();
    const double spread = ((x - x.mean(1, true)).pow(2).sum() / x.pow(2).sum()).item<double>();
    return {cos, spread};
}

template <class T>
T* child(torch::nn::Module& m, const std::string& name) {
    for (const auto& item : m.named_modules("", /*include_self=*/false))
        if (item.key() == name) return item.value()->as<T>();
    throw std::runtime_error("no module " + name);
}

struct Projected {
    Tensor dots, regions;
};

// FraBranchImpl::project for given K x D embeddings (the same arithmetic, from the outside)
Projected project(fra::FraBranchImpl& branch, const Tensor& features, const Tensor& embeddings, double heatT) {
    auto* pixelProj = child<fra::Mlp1dImpl>(branch, "pixel_projector");
    auto* regionProj = child<fra::Mlp1dImpl>(branch, "region_projector");
    const Tensor flat = features.flatten(2);
    const Tensor p = normalize(pixelProj->forward(flat), 1);
    const Tensor dots = torch::matmul(normalize(embeddings, -1).unsqueeze(0), p);
    const Tensor heat = torch::softmax(dots / heatT, 1) + 1e-7;
    const Tensor w = heat / heat.sum(-1, true);
    Projected out;
    out.regions = regionProj->forward(torch::bmm(flat, w.transpose(1, 2))).transpose(1, 2);
    out.dots = dots.view({features.size(0), -1, features.size(2), features.size(3)});
    return out;
}

void decoderStages(fra::FraBranchImpl& branch, const Tensor& features, const fra::ModelConfig& mc) {
    auto& dec = *child<fra::QueryDecoderImpl>(branch, "decoder");
    auto* inputProj = child<torch::nn::Conv2dImpl>(dec, "input_proj");
    auto* queryEmbed = child<torch::nn::EmbeddingImpl>(dec, "query_embed");
    const auto batch = features.size(0);
    Tensor memory = inputProj->forward(features);
    const auto h = memory.size(2), w = memory.size(3), d = memory.size(1);
    const Tensor pos =
        fra::sinePositionEncoding(h, w, d / 2, memory.options()).flatten(1).t().unsqueeze(1).expand({h * w, batch, d});
    memory = memory.flatten(2).permute({2, 0, 1});
    const Tensor queryPos = queryEmbed->weight.unsqueeze(1).expand({-1, batch, -1});
    Tensor tgt = torch::zeros_like(queryPos);
    std::printf("A. query decoder (eval mode: no dropout), B=%lld, map %lldx%lld, K=%lld\n", (long long)batch, (long long)h,
                (long long)w, (long long)queryPos.size(0));
    std::printf("   query embedding: pairwise cosine %.4f, row norm %.2f\n", pairwiseCosine(queryEmbed->weight).item<double>(),
                queryEmbed->weight.norm(2, 1).mean().item<double>());
    const auto [memCos, memSpread] = rowSpread(memory.transpose(0, 1));
    std::printf("   memory (input_proj of F): mean cosine between pixels of an image %.4f, non-mean energy share %.4f\n", memCos,
                memSpread);
    for (int i = 0; i < mc.decoderLayers; ++i) {
        const std::string prefix = "layers." + std::to_string(i) + ".";
        auto* selfAttn = child<torch::nn::MultiheadAttentionImpl>(dec, prefix + "self_attn");
        auto* crossAttn = child<torch::nn::MultiheadAttentionImpl>(dec, prefix + "cross_attn");
        auto* norm1 = child<torch::nn::LayerNormImpl>(dec, prefix + "norm1");
        auto* norm2 = child<torch::nn::LayerNormImpl>(dec, prefix + "norm2");
        auto* norm3 = child<torch::nn::LayerNormImpl>(dec, prefix + "norm3");
        auto* linear1 = child<torch::nn::LinearImpl>(dec, prefix + "linear1");
        auto* linear2 = child<torch::nn::LinearImpl>(dec, prefix + "linear2");
        const Tensor q = tgt + queryPos;
        const Tensor sa = std::get<0>(selfAttn->forward(q, q, tgt, {}, false));
        tgt = norm1->forward(tgt + sa);
        const double afterSelf = tgt.abs().max().item<double>() == 0 ? 1.0 : perImageCosine(tgt.transpose(0, 1));
        auto [attended, weights] = crossAttn->forward(tgt + queryPos, memory + pos, memory, {}, true);  // weights B x K x HW
        const Tensor logw = torch::log(weights.clamp_min(1e-12));
        const double entropy = (-(weights * logw).sum(-1)).mean().item<double>() / std::log(static_cast<double>(h * w));
        // how query-specific: mean total-variation distance between the attention of two queries
        const Tensor diff = (weights.unsqueeze(1) - weights.unsqueeze(2)).abs().sum(-1) / 2;  // B x K x K
        const auto k = weights.size(1);
        const double tv = (diff.sum() / static_cast<double>(batch * k * (k - 1))).item<double>();
        const double attendedCos = perImageCosine(attended.transpose(0, 1));
        tgt = norm2->forward(tgt + attended);
        const double afterCross = perImageCosine(tgt.transpose(0, 1));
        tgt = norm3->forward(tgt + linear2->forward(torch::relu(linear1->forward(tgt))));
        std::printf("   layer %d: after self-attn+LN cos %.4f%s | cross-attn entropy/log(HW) %.4f, mean TV distance between "
                    "queries' attention %.4f, attended outputs cos %.5f | after LN %.5f | after FFN+LN %.5f\n",
                    i, afterSelf, tgt.defined() && i == 0 && sa.abs().max().item<double>() == 0 ? " (all zero)" : "", entropy, tv,
                    attendedCos, afterCross, perImageCosine(tgt.transpose(0, 1)));
    }
    const Tensor e = dec.forward(features);
    std::printf("   decoder output E (per image): pairwise cosine %.5f, common share %.5f | batch mean: pairwise cosine %.5f\n",
                perImageCosine(e), commonShare(e), fra::meanPairwiseCosine(e.mean(0)).item<double>());
}

void gradientsAtE(fra::FraModelImpl& model, const fra::FraConfig& c, const Tensor& f1, const Tensor& f2, const Tensor& e1,
                  const Tensor& e2, double eps) {
    auto& online = *model.online;
    auto& momentum = *model.momentum;
    auto* regionPred = child<fra::Mlp1dImpl>(model, "region_predictor");
    torch::manual_seed(99);
    const auto perturb = [&](const Tensor& e) {
        return (e + eps * e.norm(2, 1, true) * torch::randn_like(e) / std::sqrt(static_cast<double>(e.size(1)))).detach();
    };
    Tensor a1 = perturb(e1).requires_grad_(true), a2 = perturb(e2).requires_grad_(true);
    const Projected o1 = project(online, f1, a1, c.model.heatmapTemperature), o2 = project(online, f2, a2, c.model.heatmapTemperature);
    Projected t1, t2;
    {
        torch::NoGradGuard noGrad;  // teacher: the momentum branch with the same (perturbed) embeddings
        t1 = project(momentum, f1, a1.detach(), c.model.heatmapTemperature);
        t2 = project(momentum, f2, a2.detach(), c.model.heatmapTemperature);
    }
    const auto pred = [&](const Projected& o) { return regionPred->forward(o.regions.transpose(1, 2)).transpose(1, 2); };
    const Tensor lossL = fra::regionConsistency(pred(o1), t2.regions, c.loss.decorrelationWeight) +
                         fra::regionConsistency(pred(o2), t1.regions, c.loss.decorrelationWeight);
    const Tensor lossR = 0.5 * (fra::semanticRelation(o1.dots, t1.dots, c.loss, one()) + fra::semanticRelation(o2.dots, t2.dots, c.loss, one()));
    const Tensor sep = 0.5 * (pairwiseCosine(a1) + pairwiseCosine(a2));
    const auto grads = [&](const Tensor& loss) {
        auto g = torch::autograd::grad({loss}, {a1, a2}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true);
        return torch::cat({g[0].unsqueeze(0), g[1].unsqueeze(0)});
    };
    const Tensor gR = grads(lossR), gL = grads((1.0 - c.loss.lambdaC) * lossL), gC = grads(sep);
    const Tensor gT = gL + c.loss.lambdaR * gR;
    const double cos0 = sep.item<double>();
    std::printf("   eps %.2f: E pairwise cosine %.5f, L_r %.6f (log K %.6f), student entropy/logK %.5f\n", eps, cos0,
                lossR.item<double>(), std::log(static_cast<double>(c.model.numRegions)),
                0.5 * (fra::normalisedAssignmentEntropy(o1.dots, 0.1) + fra::normalisedAssignmentEntropy(o2.dots, 0.1)).item<double>());
    const auto report = [&](const char* name, const Tensor& g) {
        const Tensor diff = g - g.mean(1, true);  // the part that changes the differences between the K embeddings
        const double gn = g.norm().item<double>(), dn = diff.norm().item<double>();
        // cosine between the descent direction -g and the direction that lowers the pairwise cosine (-gC)
        const double align = gn > 0 ? (g * gC).sum().item<double>() / (gn * gC.norm().item<double>()) : 0.0;
        std::printf("      %-22s |g| %.3e  |g - mean_k g| %.3e (%.3f of |g|)  cos(-g, -grad pairwise cos) %+.4f\n", name, gn, dn,
                    gn > 0 ? dn / gn : 0.0, align);
    };
    report("L_r", gR);
    report("(1-lambda_c) L_l", gL);
    report("total (L_l + lr*L_r)", gT);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: fra-region-probe DATA_FOLDER [RUN_DIR] [--seed N] [--lambda-r X]\n");
        return 2;
    }
    std::string data = argv[1], runDir;
    std::uint64_t seed = 0;
    double lambdaR = -1;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seed" && i + 1 < argc) seed = std::stoull(argv[++i]);
        else if (a == "--lambda-r" && i + 1 < argc) lambdaR = std::stod(argv[++i]);
        else runDir = a;
    }
    at::set_num_threads(2);
    fra::FraConfig c = runDir.empty() ? fra::PresetLibrary::installed().resolve("cpu-r18")
                                      : fra::loadConfigFile(fra::RunDirectory::open(runDir).configFile());
    if (lambdaR >= 0) c.loss.lambdaR = lambdaR;
    c.data.root = data;
    torch::manual_seed(seed);
    fra::FraModel model(c);
    if (!runDir.empty()) {
        const auto latest = fra::RunDirectory::open(runDir).latestCheckpoint();
        if (!latest) throw std::runtime_error("no checkpoint in " + runDir);
        const auto ts = fra::Checkpoint::load(latest->path, *model, nullptr, torch::kCPU);
        std::printf("checkpoint %s (step %lld)\n", latest->path.c_str(), (long long)ts.step);
    } else {
        std::printf("fresh cpu-r18 model, seed %llu\n", (unsigned long long)seed);
    }
    fra::BatchLoader loader(fra::ImageFolder(data), c.data, seed, 0);
    const auto batch = loader.next();
    const auto b = c.data.batchSize, s = c.data.imageSize;
    const Tensor v1 = torch::from_blob(batch->view1.data(), {b, 3, s, s}, torch::kFloat32).clone();
    const Tensor v2 = torch::from_blob(batch->view2.data(), {b, 3, s, s}, torch::kFloat32).clone();
    model->train();

    Tensor f1, f2, e1, e2;
    {
        torch::NoGradGuard noGrad;
        f1 = model->online->backbone->forward(v1);
        f2 = model->online->backbone->forward(v2);
        auto& dec = *child<fra::QueryDecoderImpl>(*model->online, "decoder");
        dec.eval();
        decoderStages(*model->online, f1, c.model);
        e1 = dec.forward(f1).mean(0);
        e2 = dec.forward(f2).mean(0);
        dec.train();
        auto* pixelProj = child<fra::Mlp1dImpl>(*model->online, "pixel_projector");
        const Tensor p = pixelProj->forward(f1.flatten(2)).transpose(1, 2);  // B x HW x D
        const auto [pc, ps] = rowSpread(p);
        const auto [fc, fs] = rowSpread(f1.flatten(2).transpose(1, 2));
        std::printf("B. backbone map F: mean cosine between pixels of an image %.4f (non-mean energy %.4f); pixel projections P: %.4f "
                    "(non-mean energy %.4f)\n",
                    fc, fs, pc, ps);
        const Tensor dots = torch::matmul(normalize(e1, -1).unsqueeze(0), normalize(p.transpose(1, 2), 1));  // B x K x HW
        const Tensor centred = dots - dots.mean(1, true);
        std::printf("   dots with the batch-mean E: spread over k at a pixel (std) %.3e, of which constant over pixels %.3e; "
                    "spread over pixels for a fixed k (std) %.3e\n",
                    centred.std().item<double>(), centred.mean(2).std().item<double>(), dots.std(2).mean().item<double>());
    }

    std::printf("C. gradients with respect to the K batch-mean mask embeddings (lambda_c %.2f, lambda_r %.2f)\n", c.loss.lambdaC,
                c.loss.lambdaR);
    for (double eps : {0.0, 0.05, 0.2, 1.0}) gradientsAtE(*model, c, f1, f2, e1, e2, eps);

    // D. LARS on the decoder: one full training forward, the gradient of each term separately
    const fra::FraLossTerms terms = model->forward(v1, v2, one(), fra::viewCrops(batch->params1, batch->params2, torch::kCPU));
    std::vector<std::pair<std::string, Tensor>> decoderParams;
    for (const auto& [name, p] : model->trainableParameters())
        if (name.find("online.decoder.") == 0) decoderParams.emplace_back(name, p);
    std::vector<Tensor> ps;
    for (const auto& item : decoderParams) ps.push_back(item.second);
    auto gr = torch::autograd::grad({c.loss.lambdaR * terms.lossR}, ps, {}, true, false, true);
    auto gc = torch::autograd::grad({terms.lossC}, ps, {}, true, false, true);
    const double lr = c.optim.lr * c.data.batchSize / c.optim.referenceBatch;
    const fra::ParameterSplit split = fra::splitForLars(*model);
    std::printf("D. decoder gradients by term and LARS (peak lr %.4g = %.2f x %d / %d, trust %.0e, wd %.0e); losses L_c %.4f L_r %.5f\n",
                lr, c.optim.lr, c.data.batchSize, c.optim.referenceBatch, c.optim.trustCoefficient, c.optim.weightDecay,
                terms.lossC.item<double>(), terms.lossR.item<double>());
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const auto& name = decoderParams[i].first;
        const bool adapted = std::find(split.adaptedNames.begin(), split.adaptedNames.end(), name) != split.adaptedNames.end();
        const double w = ps[i].norm().item<double>();
        const double nr = gr[i].defined() ? gr[i].norm().item<double>() : 0.0, nc = gc[i].defined() ? gc[i].norm().item<double>() : 0.0;
        const Tensor g = (gr[i].defined() ? gr[i] : torch::zeros_like(ps[i])) + (gc[i].defined() ? gc[i] : torch::zeros_like(ps[i]));
        const double gn = g.norm().item<double>();
        const double trust = adapted && w > 0 && gn > 0 ? c.optim.trustCoefficient * w / (gn + c.optim.weightDecay * w + c.optim.eps) : 1.0;
        const double relStep = w > 0 ? lr * trust * gn / w : 0.0;
        const double sgdRel = w > 0 ? lr * gn / w : 0.0;
        std::printf("   %-44s %s |w| %.3e |g_r| %.3e |g_c| %.3e  step/|w| %.2e (plain SGD would be %.2e)\n", name.c_str() + 15,
                    adapted ? "LARS" : "excl", w, nr, nc, relStep, sgdRel);
    }
    return 0;
}
