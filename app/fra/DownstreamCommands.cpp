// `fra datasets`, `fra finetune`, `fra eval`, `fra compare`: downstream evaluation.
#include "Commands.h"
#include "StopSignal.h"
#include "downstream/CheckpointSeries.h"
#include "downstream/ComparisonTable.h"
#include "downstream/DatasetRegistry.h"
#include "downstream/DownstreamEvaluation.h"
#include "downstream/EvalSchema.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cstdio>
#include <functional>
#include <iomanip>
#include <iostream>
#include <thread>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct EvalOptions {
    std::string preset;  // empty: cpu-<protocol>, so one compare can mix lp and ft
    std::vector<std::string> assignments;
    void addTo(CLI::App& cmd) {
        cmd.add_option("--eval-preset", preset,
                       "Evaluation recipe (resources/eval-presets: paper-ft, paper-lp, cpu-ft, cpu-lp); default cpu-<protocol>");
        cmd.add_option("--set", assignments, "Override one evaluation setting, e.g. --set epochs=20 (repeatable)");
    }
    fra::EvalConfig build(const std::string& protocol = "") const {
        const std::string name = !preset.empty() ? preset : protocol == "ft" ? "cpu-ft" : "cpu-lp";
        fra::EvalConfig c = fra::EvalSchema::instance().resolvePreset(name);
        if (!protocol.empty()) fra::EvalSchema::instance().applyAssignment(c, "protocol=" + protocol);
        for (const auto& a : assignments) fra::EvalSchema::instance().applyAssignment(c, a);
        fra::EvalSchema::instance().requireValid(c, "evaluation settings");
        return c;
    }
};

std::string percent(const json& v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", 100.0 * v.get<double>());
    return buf;
}

std::string summary(const json& result) {
    std::string s = result.value("model_name", "") + " on " + result.value("dataset", "") + " (" + result.value("protocol", "") + "): ";
    const json& m = result.at("metrics");
    if (m.contains("top1")) s += "top-1 " + percent(m["top1"]) + " %, mean class accuracy " + percent(m["mean_class_accuracy"]) + " %";
    else if (m.contains("mean_accuracy")) s += "mean attribute accuracy " + percent(m["mean_accuracy"]) + " %";
    else s += "NME " + percent(m["nme"]) + " %, FR@0.1 " + percent(m["fr@0.1"]) + " %, AUC@0.1 " + std::to_string(m["auc@0.1"].get<double>());
    if (m.contains("mean_shape_nme")) s += " (mean-shape floor: NME " + percent(m["mean_shape_nme"]) + " %)";
    return s;
}

// Runs one evaluation, printing its epochs; Ctrl-C stops it.
json runEvaluation(const std::string& model, const std::string& spec, const fra::DownstreamDataset& dataset, const fra::EvalConfig& config,
                   const fs::path& outRoot, bool quiet) {
    fra::DownstreamJob job{model, spec, config, fra::DownstreamEvaluation::evalDirFor(model, dataset, config.protocol, outRoot, config.seed)};
    fra::DownstreamEvaluation evaluation(job, dataset);
    if (!quiet) {
        evaluation.onLog([](const std::string& line) { std::cerr << line << std::endl; });
        evaluation.onRecord([&](const json& r) {
            std::cerr << "epoch " << r["epoch"] << "/" << config.epochs << "  train loss " << std::setprecision(4) << r["train_loss"].get<double>();
            if (r.contains("primary")) std::cerr << "  test " << r["primary"].get<double>();
            std::cerr << std::endl;
        });
    }
    StopSignal::install();
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done) {
            if (StopSignal::requested()) evaluation.requestStop();
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    });
    json result;
    try {
        result = evaluation.run();
    } catch (...) {
        done = true;
        watcher.join();
        throw;
    }
    done = true;
    watcher.join();
    std::cout << summary(result) << "\n  -> " << job.outDir.string() << std::endl;
    return result;
}

const char* kCheckpointsHelp =
    "A series of the run's checkpoints: all (the milestones and the newest periodic ones) or steps separated by commas; "
    "each checkpoint gets its own folder (@ckpt_N, finished ones are reused) and <run>/eval/<format>-<dataset>-<protocol>-series.csv "
    "the primary metric with its interval against the pre-training step";

// `--checkpoints`: one evaluation per selected checkpoint of the run (a finished one is reused),
// then the series file beside the run's evaluation folders.
void evaluateSeries(const std::string& run, const std::string& spec, const fra::DownstreamDataset& dataset, const std::string& protocol,
                    const std::string& out, std::uint64_t seed, const std::function<json(const std::string&)>& evaluate) {
    const fra::RunDirectory runDir = fra::RunDirectory::open(run);
    std::vector<fra::SeriesPoint> points;
    for (const fra::CheckpointFile& checkpoint : fra::selectCheckpoints(runDir, spec)) {
        const fs::path dir = fra::DownstreamEvaluation::evalDirFor(checkpoint.path.string(), dataset, protocol, out, seed);
        if (fs::exists(dir / "result.json")) {
            std::cerr << "reusing " << dir.string() << "\n";
            points.push_back({checkpoint.step, fra::readEvaluationResult(dir.string())});
        } else {
            points.push_back({checkpoint.step, evaluate(checkpoint.path.string())});
        }
    }
    const fs::path series = fra::DownstreamEvaluation::evalDirFor(runDir.root().string(), dataset, protocol, out, seed).string() + "-series.csv";
    std::cout << fra::writeCheckpointSeries(series, points) << "  -> " << series.string() << std::endl;
}

}  // namespace

void addDownstreamCommands(CLI::App& app, CommandAction& action) {
    auto datasetsSpec = std::make_shared<std::string>();
    CLI::App* datasets = app.add_subcommand("datasets", "List the dataset-format plugins, or summarise one dataset");
    datasets->add_option("dataset", *datasetsSpec, "FORMAT:PATH (or a PATH a plugin recognises)");
    auto allowMissing = std::make_shared<bool>(false);
    datasets->add_flag("--allow-missing-images", *allowMissing, "Summarise it even when listed images are missing on disk (they are left out)");
    datasets->callback([datasetsSpec, allowMissing, &action] {
        action = [datasetsSpec, allowMissing] {
            const fra::DatasetRegistry registry;
            if (datasetsSpec->empty()) {
                for (const auto* f : registry.formats())
                    std::cout << std::left << std::setw(16) << f->id() << std::setw(13) << fra::toString(f->task()) << f->description() << "\n";
                for (const auto& p : registry.problems()) std::cerr << "warning: plugin " << p.file << ": " << p.reason << "\n";
                if (registry.formats().empty()) throw fra::FraError("no dataset plugins found (set FRA_PLUGIN_DIR)");
                return 0;
            }
            const fra::DownstreamDataset d = registry.load(*datasetsSpec, *allowMissing);
            std::cout << d.format << " " << d.root << "\n  task: " << fra::toString(d.task) << ", outputs: " << d.outputs() << "\n";
            for (const auto& [name, samples] : d.splits) std::cout << "  " << name << ": " << samples.size() << " faces\n";
            if (!d.classNames.empty()) {
                std::cout << "  " << (d.task == fra::TaskKind::MultiLabel ? "attributes" : "classes") << ":";
                for (const auto& c : d.classNames) std::cout << " " << c;
                std::cout << "\n";
            }
            for (const auto& w : d.warnings) std::cerr << "warning: " << w << "\n";
            return 0;
        };
    });

    struct FinetuneOptions {
        std::string model, dataset, protocol, out, checkpoints;
        EvalOptions eval;
        bool quiet = false;
    };
    auto ft = std::make_shared<FinetuneOptions>();
    CLI::App* finetune = app.add_subcommand("finetune", "Linear probe or fine-tune a pre-trained backbone on a downstream dataset");
    finetune->add_option("model", ft->model, "Run folder, checkpoint, or random:resnet18|34|50")->required();
    finetune->add_option("--dataset", ft->dataset, "FORMAT:PATH (see `fra datasets`)")->required();
    finetune->add_option("--protocol", ft->protocol, "lp or ft (default: the preset's; lp without --eval-preset)")->check(CLI::IsMember({"lp", "ft"}));
    finetune->add_option("--out", ft->out, "Where evaluations of models outside a run folder go");
    finetune->add_flag("--quiet,-q", ft->quiet, "Print only the result");
    finetune->add_option("--checkpoints", ft->checkpoints, kCheckpointsHelp);
    ft->eval.addTo(*finetune);
    finetune->footer("Curves and metrics go to <run>/eval/<format>-<dataset>-<protocol>/ (config.json, metrics.jsonl,\n"
                     "log.txt, result.json). The reported metrics are the last epoch's.");
    finetune->callback([ft, &action] {
        action = [ft] {
            const fra::EvalConfig config = ft->eval.build(ft->protocol);
            const fra::DatasetRegistry registry;
            const fra::DownstreamDataset dataset = registry.load(ft->dataset, config.allowMissingImages);
            if (!ft->checkpoints.empty()) {
                evaluateSeries(ft->model, ft->checkpoints, dataset, config.protocol, ft->out, config.seed, [&](const std::string& checkpoint) {
                    return runEvaluation(checkpoint, ft->dataset, dataset, config, ft->out, ft->quiet);
                });
                return 0;
            }
            runEvaluation(ft->model, ft->dataset, dataset, config, ft->out, ft->quiet);
            return 0;
        };
    });

    struct ReadoutOptions {
        std::string model, dataset, out, checkpoints;
        double ridge = -1, temperature = 0;
        EvalOptions eval;
    };
    auto ro = std::make_shared<ReadoutOptions>();
    CLI::App* eval = app.add_subcommand("eval", "Heatmap quality: regress landmarks from the K heatmap centroids (unsupervised landmark protocol)");
    eval->add_option("model", ro->model, "Run folder or checkpoint of an FRA pre-training")->required();
    eval->add_option("--dataset", ro->dataset, "A landmark dataset, FORMAT:PATH")->required();
    eval->add_option("--ridge", ro->ridge,
                     "Ridge penalty of the linear read-out on standardised centroids (-1: chosen by 5-fold cross-validation on the train split)")
        ->check(CLI::Range(-1.0, 1e6))
        ->capture_default_str();
    eval->add_option("--temperature", ro->temperature,
                     "Read softmax over regions of the cosines / T instead of the model's heatmaps (t_h); 0.1 = L_r's student assignment")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    eval->add_option("--out", ro->out, "Where evaluations of models outside a run folder go");
    eval->add_option("--checkpoints", ro->checkpoints, kCheckpointsHelp);
    ro->eval.addTo(*eval);
    eval->callback([ro, &action] {
        action = [ro] {
            const fra::EvalConfig config = ro->eval.build();
            const fra::DatasetRegistry registry;
            const fra::DownstreamDataset dataset = registry.load(ro->dataset, config.allowMissingImages);
            std::string protocol = "heatmap-regression";
            if (ro->temperature > 0) protocol += "-t" + json(ro->temperature).dump();  // its own folder beside the default read-out
            const auto readout = [&](const std::string& model) {
                const fs::path dir = fra::DownstreamEvaluation::evalDirFor(model, dataset, protocol, ro->out);  // the read-out has no seed
                const json result = fra::runHeatmapQuality(model, ro->dataset, dataset, config, dir, ro->ridge, ro->temperature);
                std::cout << summary(result) << "\n  -> " << dir.string() << std::endl;
                return result;
            };
            if (!ro->checkpoints.empty()) evaluateSeries(ro->model, ro->checkpoints, dataset, protocol, ro->out, 0, readout);
            else readout(ro->model);
            return 0;
        };
    });

    struct CompareOptions {
        std::vector<std::string> models, datasets, results, protocols{"lp"};
        std::vector<std::uint64_t> seeds;
        std::string out, against, clusterBy = "none";
        bool heatmapQuality = false, rerun = false, quiet = false;
        EvalOptions eval;
    };
    auto co = std::make_shared<CompareOptions>();
    CLI::App* compare = app.add_subcommand("compare", "Compare checkpoints on downstream datasets: one table with intervals and paired tests (Markdown, CSV, JSON, LaTeX)");
    compare->add_option("--models", co->models, "Run folders, checkpoints or random:<arch>");
    compare->add_option("--datasets", co->datasets, "FORMAT:PATH of each dataset");
    compare->add_option("--protocols", co->protocols, "lp and/or ft")->check(CLI::IsMember({"lp", "ft"}))->capture_default_str();
    compare->add_option("--seeds", co->seeds,
                        "Evaluation seeds (seed 0 in the usual folder, any other in its own, -seed<N>): the table gives their mean, standard deviation and t interval");
    compare->add_flag("--heatmap-quality", co->heatmapQuality, "Also the heatmap read-out on each landmark dataset (FRA models)");
    compare->add_option("--results", co->results, "Existing evaluation folders (with result.json) to include");
    compare->add_option("--out", co->out, "Folder for table.md, table.csv, table.json, table.tex (and evaluations of models outside runs)")->required();
    compare->add_flag("--rerun", co->rerun, "Evaluate again even where a finished result exists");
    compare->add_option("--against", co->against,
                        "Test every row against this model (its name in the table) instead of against each column's best");
    compare->add_option("--cluster-by", co->clusterBy,
                        "none: intervals and tests resample test samples; folder: they resample whole image folders (the cluster bootstrap), "
                        "for test sets whose faces are not independent (frames of one video, photos of one person, kept in one folder)")
        ->check(CLI::IsMember({"none", "folder"}))
        ->capture_default_str();
    compare->add_flag("--quiet,-q", co->quiet, "Print only the table");
    co->eval.addTo(*compare);
    compare->callback([co, &action] {
        action = [co] {
            if (co->results.empty() && (co->models.empty() || co->datasets.empty()))
                throw fra::FraError("give --models and --datasets, or --results");
            std::vector<json> results;
            for (const auto& dir : co->results) results.push_back(fra::readEvaluationResult(dir));
            // a finished evaluation is read back, also where its checkpoint is no longer here
            const auto reuse = [&](const fs::path& dir) {
                if (co->rerun || !fs::exists(dir / "result.json")) return false;
                results.push_back(fra::readEvaluationResult(dir.string()));
                if (!co->quiet) std::cerr << "reusing " << dir.string() << "\n";
                return true;
            };
            const fra::DatasetRegistry registry;
            for (const auto& spec : co->datasets) {
                const fra::DownstreamDataset dataset = registry.load(spec, co->eval.build().allowMissingImages);
                for (const auto& model : co->models) {
                    for (const auto& protocol : co->protocols) {
                        fra::EvalConfig config = co->eval.build(protocol);
                        const std::vector<std::uint64_t> seeds = co->seeds.empty() ? std::vector<std::uint64_t>{config.seed} : co->seeds;
                        for (const std::uint64_t seed : seeds) {
                            config.seed = seed;
                            const fs::path dir = fra::DownstreamEvaluation::evalDirFor(model, dataset, protocol, co->out, seed);
                            if (!reuse(dir)) results.push_back(runEvaluation(model, spec, dataset, config, co->out, co->quiet));
                        }
                    }
                    const bool isFra = model.rfind("random:", 0) != 0;
                    if (co->heatmapQuality && isFra && dataset.task == fra::TaskKind::Landmarks) {
                        const fs::path dir = fra::DownstreamEvaluation::evalDirFor(model, dataset, "heatmap-regression", co->out);
                        if (!reuse(dir)) {
                            try {
                                results.push_back(fra::runHeatmapQuality(model, spec, dataset, co->eval.build(), dir));
                            } catch (const fra::FraError& e) {
                                std::cerr << "heatmap quality skipped for " << model << ": " << e.what() << "\n";
                            }
                        }
                    }
                }
            }
            const fra::ComparisonTable table = fra::ComparisonTable::fromResults(
                results, co->against, co->clusterBy == "folder" ? fra::ResampleUnit::ImageFolder : fra::ResampleUnit::Sample);
            if (!co->against.empty()) {
                std::string names;
                bool found = false;
                for (const auto& row : table.rows()) {
                    if (row.reference) continue;
                    found = found || row.model == co->against;
                    names += (names.empty() ? "" : ", ") + row.model;
                }
                if (!found) throw fra::FraError("--against: no model named '" + co->against + "' in the table (it has " + names + ")");
            }
            fs::create_directories(co->out);
            fra::writeFileAtomically(fs::path(co->out) / "table.md", table.markdown());
            fra::writeFileAtomically(fs::path(co->out) / "table.csv", table.csv());
            fra::writeFileAtomically(fs::path(co->out) / "table.json", table.json().dump(2) + "\n");
            fra::writeFileAtomically(fs::path(co->out) / "table.tex", table.latex());
            std::cout << table.markdown();
            return 0;
        };
    });
}
