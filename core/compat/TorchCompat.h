#pragma once
// The one place that knows which LibTorch it is built against: Debian's 1.13 (CPU, CI and
// desktop machines) or a 2.x from a Python install (CUDA machines). Everything else in the
// code base uses these helpers instead of version checks of its own.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <sstream>
#include <string>
#include <type_traits>

#define FRA_TORCH_AT_LEAST(major, minor) \
    (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace fra::compat {

inline std::string torchVersion() {
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

// bf16 autocast on `device` for the guard's lifetime (the autocast API was reworked in 2.4).
class AutocastGuard {
public:
    AutocastGuard(torch::Device device, bool enabled) : device_(device), enabled_(enabled) {
        if (!enabled_) return;
#if FRA_TORCH_AT_LEAST(2, 4)
        previous_ = at::autocast::is_autocast_enabled(device_.type());
        at::autocast::set_autocast_dtype(device_.type(), at::kBFloat16);
        at::autocast::set_autocast_enabled(device_.type(), true);
#else
        if (device_.is_cuda()) {
            previous_ = at::autocast::is_enabled();
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(true);
        } else {
            previous_ = at::autocast::is_cpu_enabled();
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            at::autocast::set_cpu_enabled(true);
        }
#endif
        at::autocast::increment_nesting();
    }
    ~AutocastGuard() {
        if (!enabled_) return;
        if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if FRA_TORCH_AT_LEAST(2, 4)
        at::autocast::set_autocast_enabled(device_.type(), previous_);
#else
        if (device_.is_cuda()) at::autocast::set_enabled(previous_);
        else at::autocast::set_cpu_enabled(previous_);
#endif
    }
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

private:
    torch::Device device_;
    bool enabled_;
    bool previous_ = false;
};

// State of the default CPU generator (dropout in the query decoder, initialisation): saved in
// checkpoints so a resumed run draws the same random numbers as an uninterrupted one.
inline torch::Tensor cpuGeneratorState() {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
}

inline void setCpuGeneratorState(const torch::Tensor& state) {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

// Optimisers keep per-parameter state in a map keyed by the parameter's TensorImpl: a string
// of its address up to 2.0, the address itself since.
template <typename Optimizer>
auto optimizerStateKey(Optimizer& optimizer, const torch::Tensor& p) {
    using Key = typename std::decay_t<decltype(optimizer.state())>::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream s;
        s << p.unsafeGetTensorImpl();
        return s.str();
    } else {
        return static_cast<Key>(p.unsafeGetTensorImpl());
    }
}

}  // namespace fra::compat
