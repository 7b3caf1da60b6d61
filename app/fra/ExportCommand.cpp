// `fra export`: the backbone under torchvision ResNet key names, for torch.load in Python;
// `fra export tensorboard`: a run's TensorBoard event file, written anew from its files.
#include "Commands.h"
#include "export/TorchvisionExport.h"
#include "run/RunDirectory.h"
#include "tensorboard/RunTensorBoard.h"
#include "train/ModelLoader.h"

#include <iostream>

namespace {
struct ExportOptions {
    std::string model;
    std::string out;
    std::string branch = "online";
};
}  // namespace

void addExportCommand(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<ExportOptions>();
    CLI::App* cmd = app.add_subcommand("export", "Write the pre-trained backbone as a torchvision ResNet state dict");
    cmd->add_option("model", o->model, "Checkpoint file, or a run folder (its newest checkpoint)");
    cmd->add_option("--out", o->out, "Output file (.pth)");
    cmd->add_option("--branch", o->branch, "online or momentum")->check(CLI::IsMember({"online", "momentum"}))->capture_default_str();
    cmd->footer("Python: m = torchvision.models.resnet50(); m.load_state_dict(torch.load(FILE), strict=False)\n"
                  "(only fc.weight and fc.bias are missing: pre-training has no classifier).");
    auto run = std::make_shared<std::string>();
    CLI::App* tensorboard = cmd->add_subcommand(
        "tensorboard", "Write a run's scalars and heatmap snapshots as a TensorBoard event file in RUN/tensorboard/ (for runs trained "
                       "with run.tensorboard off or before it existed; replaces the event files there)");
    tensorboard->add_option("run", *run, "Run folder")->required();
    tensorboard->callback([run, &action] {
        action = [run] {
            const fra::TensorBoardSummary s = fra::exportTensorBoard(fra::RunDirectory::open(*run));
            std::cout << "wrote " << s.steps << " steps and " << s.snapshots << " heatmap snapshots to " << s.file.string()
                      << "\nview with: tensorboard --logdir " << fra::tensorBoardDir(fra::RunDirectory::open(*run)).parent_path().string()
                      << std::endl;
            return 0;
        };
    });
    cmd->callback([o, cmd, tensorboard, &action] {
        if (cmd->got_subcommand(tensorboard)) return;
        if (o->model.empty()) throw CLI::RequiredError("model");
        if (o->out.empty()) throw CLI::RequiredError("--out");
        action = [o] {
            const fra::LoadedModel loaded = fra::loadTrainedModel(o->model);
            const auto keys = fra::exportTorchvisionBackbone(*loaded.model, o->branch, o->out);
            std::cout << "exported " << keys.size() << " tensors of the " << o->branch << " " << loaded.config.model.arch
                      << " backbone (step " << loaded.step << ") to " << o->out << std::endl;
            return 0;
        };
    });
}
