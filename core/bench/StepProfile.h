#pragma once
#include <functional>
#include <nlohmann/json.hpp>

namespace fra {

// Profiles `steps` calls of `step` with LibTorch's Kineto profiler: on CUDA the kernels the device
// ran (launches per step, total and the top kernels by time), on the CPU the operators. What
// `fra bench step --profile N` prints, to see where a step's time goes before and after a change.
nlohmann::json profileSteps(const std::function<void()>& step, int steps, bool cuda, int top = 15);

}  // namespace fra
