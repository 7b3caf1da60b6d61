#include "train/Checkpoint.h"

#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <map>
#include <nlohmann/json.hpp>

namespace fra {
namespace {
std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }
constexpr std::int64_t kFormatVersion = 1;
}

void Checkpoint::save(const std::filesystem::path& file, FraModelImpl& model, const torch::optim::Optimizer& optimizer,
                      const TrainingState& state) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive modelArchive, optimizerArchive;
    model.save(modelArchive);
    optimizer.save(optimizerArchive);
    archive.write("model", modelArchive);
    archive.write("optimizer", optimizerArchive);
    archive.write("format", c10::IValue(kFormatVersion));
    archive.write("step", c10::IValue(state.step));
    archive.write("config", c10::IValue(state.configJson));
    archive.write("cpu_generator_state", state.cpuGeneratorState, /*is_buffer=*/true);
    archive.write("skipped_images", c10::IValue(nlohmann::json(state.skippedImages).dump()));
    archive.write("training_seconds", c10::IValue(state.trainingSeconds));
    const auto tmp = temporarySibling(file);
    try {
        archive.save_to(tmp.string());
    } catch (const c10::Error& e) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw FraError("cannot write checkpoint '" + file.string() + "': " + e.what_without_backtrace());
    }
    commitFile(tmp, file);
}

namespace {
torch::serialize::InputArchive openArchive(const std::filesystem::path& file, torch::Device device) {
    if (!std::filesystem::exists(file)) throw FraError("checkpoint '" + file.string() + "' does not exist");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(file.string(), device);
    } catch (const c10::Error& e) {
        throw FraError("checkpoint '" + file.string() + "' is unreadable: " + e.what_without_backtrace());
    } catch (const std::exception& e) {  // TorchScript's own errors (a foreign archive) are not c10::Errors
        throw FraError("checkpoint '" + file.string() + "' is unreadable: " + firstLine(e.what()));
    }
    return archive;
}
}  // namespace

std::string Checkpoint::readConfigJson(const std::filesystem::path& file) {
    auto archive = openArchive(file, torch::kCPU);
    c10::IValue v;
    if (!archive.try_read("config", v) || !v.isString()) throw FraError("checkpoint '" + file.string() + "' holds no config");
    return v.toStringRef();
}

TrainingState Checkpoint::load(const std::filesystem::path& file, FraModelImpl& model, torch::optim::Optimizer* optimizer,
                               torch::Device device) {
    auto archive = openArchive(file, device);
    TrainingState state;
    try {
        c10::IValue v;
        archive.read("format", v);
        if (v.toInt() != kFormatVersion)
            throw FraError("checkpoint '" + file.string() + "' has format " + std::to_string(v.toInt()) + ", expected " +
                           std::to_string(kFormatVersion));
        torch::serialize::InputArchive modelArchive;
        archive.read("model", modelArchive);
        // Module::load replaces tensors whatever their shape; a checkpoint of another
        // architecture must be refused, not silently adopted.
        std::map<std::string, std::vector<int64_t>> expected;
        for (const auto& item : model.named_parameters()) expected[item.key()] = item.value().sizes().vec();
        for (const auto& item : model.named_buffers()) expected[item.key()] = item.value().sizes().vec();
        model.load(modelArchive);
        auto check = [&](const std::string& name, const torch::Tensor& t) {
            if (t.sizes().vec() != expected[name])
                throw FraError("checkpoint '" + file.string() + "' does not match this model: '" + name + "' has shape " +
                               c10::str(t.sizes()) + ", the model expects " + c10::str(c10::IntArrayRef(expected[name])));
        };
        for (const auto& item : model.named_parameters()) check(item.key(), item.value());
        for (const auto& item : model.named_buffers()) check(item.key(), item.value());
        if (optimizer) {
            torch::serialize::InputArchive optimizerArchive;
            archive.read("optimizer", optimizerArchive);
            optimizer->load(optimizerArchive);
        }
        archive.read("step", v);
        state.step = v.toInt();
        archive.read("config", v);
        state.configJson = v.toStringRef();
        archive.read("cpu_generator_state", state.cpuGeneratorState, /*is_buffer=*/true);
        archive.read("skipped_images", v);
        state.skippedImages = nlohmann::json::parse(v.toStringRef()).get<std::vector<std::string>>();
        archive.read("training_seconds", v);
        state.trainingSeconds = v.toDouble();
    } catch (const c10::Error& e) {
        throw FraError("checkpoint '" + file.string() + "' does not match this model: " + e.what_without_backtrace());
    } catch (const std::exception& e) {  // torch::jit::ObjectAttributeError (not a checkpoint of ours), bad JSON inside
        throw FraError("checkpoint '" + file.string() + "' is not a checkpoint of this model: " + firstLine(e.what()));
    }
    return state;
}

}  // namespace fra
