// `fra bench`: benchmark programs printing one JSON line per result.
#include "Commands.h"
#include "ConfigAssembly.h"
#include "bench/DataBenchmark.h"
#include "bench/StepBenchmark.h"
#include "config/ConfigSchema.h"

#include <iostream>

namespace {
struct BenchOptions {
    ConfigOptions config;
    std::string mode = "fra";
    int iterations = 10;
    int warmup = 3;
    int batches = 20;
    std::string data;
};

void applyCommon(fra::FraConfig& config, const std::string& data) {
    if (!data.empty()) config.data.root = data;
}
}  // namespace

void addBenchCommand(CLI::App& app, CommandAction& action) {
    CLI::App* bench = app.add_subcommand("bench", "Benchmarks (one JSON line per result; compare against ../shared/bench)");
    bench->require_subcommand(1);

    auto s = std::make_shared<BenchOptions>();
    CLI::App* step = bench->add_subcommand("step", "images/s of the FRA training step on synthetic inputs");
    s->config.addTo(*step);
    step->add_option("--mode", s->mode, "fra, byol (GC only) or backbone")->check(CLI::IsMember({"fra", "byol", "backbone"}))->capture_default_str();
    step->add_option("--iters", s->iterations, "Timed iterations")->check(CLI::PositiveNumber)->capture_default_str();
    step->add_option("--warmup", s->warmup, "Untimed iterations first")->check(CLI::NonNegativeNumber)->capture_default_str();
    step->footer("Batch, resolution, backbone and threads come from the preset and --set (data.batch_size,\n"
                   "data.image_size, model.arch, run.threads, run.device, run.precision).");
    step->callback([s, &action] {
        action = [s] {
            fra::StepBenchmarkOptions options;
            options.config = s->config.build();
            options.mode = s->mode;
            options.iterations = s->iterations;
            options.warmup = s->warmup;
            std::cout << fra::runStepBenchmark(options).dump() << std::endl;
            return 0;
        };
    });

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
}
