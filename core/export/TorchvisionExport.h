#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

class FraModelImpl;

// Writes the backbone of `branch` ("online" or "momentum") as a torchvision ResNet state dict
// (conv1.weight, layer1.0.bn1.running_mean, ...; no fc), in the pickle format torch.load reads:
//   model = torchvision.models.resnet50(); model.load_state_dict(torch.load(f), strict=False)
// Returns the exported keys.
std::vector<std::string> exportTorchvisionBackbone(FraModelImpl& model, const std::string& branch,
                                                   const std::filesystem::path& output);

}  // namespace fra
