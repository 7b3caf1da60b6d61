// `fra bench`: benchmark programs printing one JSON line per result.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "bench/ParityCheck.h"
#include "bench/StepBenchmark.h"
#include "bench/TrainBenchmark.h"
#include "config/ConfigSchema.h"
#ifndef FRA_NO_OPENCV
#include "bench/DataBenchmark.h"
#endif

#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace {
struct BenchOptions {
    ConfigOptions config;
    std::string mode = "fra";
    int iterations = 10;
    int warmup = 3;
    int profile = 0;
    int batches = 20;
    double tolerance = 1e-3;
    std::string data;
    std::string out;
};

void applyCommon(fra::FraConfig& config, const std::string& data) {
    if (!data.empty()) config.data.root = data;
}
}  // namespace

void addBenchCommand(CLI::App& app, CommandAction& action) {
    CLI::App* bench = app.add_subcommand("bench", "Benchmarks (one JSON line per result; bench/compare-cpu.sh sets them beside the Python reference)");
    bench->require_subcommand(1);

    auto s = std::make_shared<BenchOptions>();
    CLI::App* step = bench->add_subcommand("step", "images/s of the FRA training step on synthetic inputs");
    s->config.addTo(*step);
    step->add_option("--mode", s->mode, "fra, byol (GC only) or backbone")->check(CLI::IsMember({"fra", "byol", "backbone"}))->capture_default_str();
    step->add_option("--iters", s->iterations, "Timed iterations")->check(CLI::PositiveNumber)->capture_default_str();
    step->add_option("--warmup", s->warmup, "Untimed iterations first")->check(CLI::NonNegativeNumber)->capture_default_str();
    step->add_option("--profile", s->profile, "Then profile this many steps: kernels per step and the top kernels by time (CUDA), or operators (CPU)")
        ->check(CLI::NonNegativeNumber);
    step->footer("Batch, resolution, backbone and threads come from the preset and --set (data.batch_size,\n"
                   "data.image_size, model.arch, run.threads, run.device, run.precision).");
    step->callback([s, &action] {
        action = [s] {
            fra::StepBenchmarkOptions options;
            options.config = s->config.build();
            options.mode = s->mode;
            options.iterations = s->iterations;
            options.warmup = s->warmup;
            options.profileSteps = s->profile;
            std::cout << fra::runStepBenchmark(options).dump() << std::endl;
            return 0;
        };
    });

    auto p = std::make_shared<BenchOptions>();
    p->iterations = 3;
    CLI::App* parity = bench->add_subcommand("parity", "CPU-vs-CUDA loss parity of the training step (same weights, same inputs)");
    p->config.addTo(*parity);
    parity->add_option("--steps", p->iterations, "Optimiser steps compared")->check(CLI::PositiveNumber)->capture_default_str();
    parity->add_option("--tolerance", p->tolerance, "Largest relative difference of any loss term that passes")->capture_default_str();
    parity->footer("fp32 without TF32 and without decoder dropout. Exit status 1 when a term differs by more than the tolerance.");
    parity->callback([p, &action] {
        action = [p] {
            const nlohmann::json result = fra::runParityCheck(p->config.build(), p->iterations, p->tolerance);
            std::cout << result.dump() << std::endl;
            return result["pass"].get<bool>() ? 0 : 1;
        };
    });

    auto t = std::make_shared<BenchOptions>();
    t->iterations = 30;
    t->warmup = 5;
    CLI::App* train = bench->add_subcommand("train", "images/s end to end: the real trainer on a prepared store or image folder");
    t->config.addTo(*train);
    train->add_option("--data", t->data, "Prepared store (with --set data.format=prepared) or folder of images")->required();
    train->add_option("--steps", t->iterations, "Timed steps")->check(CLI::PositiveNumber)->capture_default_str();
    train->add_option("--warmup", t->warmup, "Untimed steps first")->check(CLI::PositiveNumber)->capture_default_str();
    train->add_option("--out", t->out, "Throw-away run folder (default: a new folder under the temporary directory)");
    train->callback([t, &action] {
        action = [t] {
            fra::FraConfig config = t->config.build();
            config.data.root = std::filesystem::absolute(t->data).lexically_normal().string();
            const std::filesystem::path out = !t->out.empty() ? std::filesystem::path(t->out)
                                                              : std::filesystem::temp_directory_path() /
                                                                    ("fra-bench-train-" + std::to_string(::getpid()));
            std::cout << fra::runTrainBenchmark(config, t->iterations, t->warmup, out).dump() << std::endl;
            return 0;
        };
    });

#ifndef FRA_NO_OPENCV
    auto d = std::make_shared<BenchOptions>();
    CLI::App* data = bench->add_subcommand("data", "images/s of the input pipeline (decode + two augmented views)");
    d->config.addTo(*data);
    data->add_option("--data", d->data, "Folder of images")->required()->check(CLI::ExistingDirectory);
    data->add_option("--batches", d->batches, "Timed batches")->check(CLI::PositiveNumber)->capture_default_str();
    data->add_option("--warmup", d->warmup, "Untimed batches first")->check(CLI::NonNegativeNumber)->capture_default_str();
    data->callback([d, &action] {
        action = [d] {
            fra::FraConfig config = d->config.build();
            applyCommon(config, d->data);
            std::cout << fra::runDataBenchmark(config, d->batches, d->warmup).dump() << std::endl;
            return 0;
        };
    });
#endif
}
