#include "export/TorchvisionExport.h"

#include "model/FraModel.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <torch/serialize.h>

namespace fra {

std::vector<std::string> exportTorchvisionBackbone(FraModelImpl& model, const std::string& branch,
                                                   const std::filesystem::path& output) {
    if (branch != "online" && branch != "momentum") throw FraError("branch must be 'online' or 'momentum', got '" + branch + "'");
    ResNet& backbone = branch == "online" ? model.online->backbone : model.momentum->backbone;
    c10::Dict<std::string, torch::Tensor> state;
    std::vector<std::string> keys;
    for (const auto& item : backbone->named_parameters()) {
        state.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
        keys.push_back(item.key());
    }
    for (const auto& item : backbone->named_buffers()) {
        state.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
        keys.push_back(item.key());
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(state));
    writeFileAtomically(output, std::string_view(bytes.data(), bytes.size()));
    return keys;
}

}  // namespace fra
