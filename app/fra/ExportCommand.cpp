// `fra export`: the backbone under torchvision ResNet key names, for torch.load in Python.
#include "Commands.h"
#include "export/TorchvisionExport.h"
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
    cmd->add_option("model", o->model, "Checkpoint file, or a run folder (its newest checkpoint)")->required();
    cmd->add_option("--out", o->out, "Output file (.pth)")->required();
    cmd->add_option("--branch", o->branch, "online or momentum")->check(CLI::IsMember({"online", "momentum"}))->capture_default_str();
    cmd->footer("Python: m = torchvision.models.resnet50(); m.load_state_dict(torch.load(FILE), strict=False)\n"
                  "(only fc.weight and fc.bias are missing: pre-training has no classifier).");
    cmd->callback([o, &action] {
        action = [o] {
            const fra::LoadedModel loaded = fra::loadTrainedModel(o->model);
            const auto keys = fra::exportTorchvisionBackbone(*loaded.model, o->branch, o->out);
            std::cout << "exported " << keys.size() << " tensors of the " << o->branch << " " << loaded.config.model.arch
                      << " backbone (step " << loaded.step << ") to " << o->out << std::endl;
            return 0;
        };
    });
}
