#pragma once
// The one place that knows which LibTorch it is built against: Debian's 1.13 (CPU, CI and
// desktop machines) or a 2.x from a Python install (CUDA machines). Everything else in the
// code base uses these helpers instead of version checks of its own.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

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

// TF32 off for matrix products and convolutions while it lives (exact fp32 comparisons).
class Tf32Off {
public:
    Tf32Off() : cublas_(at::globalContext().allowTF32CuBLAS()), cudnn_(at::globalContext().allowTF32CuDNN()) {
        at::globalContext().setAllowTF32CuBLAS(false);
        at::globalContext().setAllowTF32CuDNN(false);
    }
    ~Tf32Off() {
        at::globalContext().setAllowTF32CuBLAS(cublas_);
        at::globalContext().setAllowTF32CuDNN(cudnn_);
    }
    Tf32Off(const Tf32Off&) = delete;
    Tf32Off& operator=(const Tf32Off&) = delete;

private:
    bool cublas_, cudnn_;
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

// c10d (torch's distributed library) is used through these two templates, instantiated by the
// .cpp files that include its headers, so this header needs none of them. The c10d types are
// template parameters: the branches a version lacks are never compiled.

// Waits on the host until a device event has completed: c10::Event::synchronize() since 2.x; up to
// 1.13 it can only be queried (only CUDA runs record events, and those use a 2.x LibTorch).
template <typename Event, typename = void>
struct EventHasSynchronize : std::false_type {};
template <typename Event>
struct EventHasSynchronize<Event, std::void_t<decltype(std::declval<const Event&>().synchronize())>> : std::true_type {};

template <typename Event>
void waitForEvent(const Event& event) {
    if constexpr (EventHasSynchronize<Event>::value) {
        event.synchronize();
    } else {
        while (!event.query()) std::this_thread::yield();
    }
}

// A profiler event's duration in microseconds: KinetoEvent::durationUs() up to 1.13, durationNs() since.
template <typename Event, typename = void>
struct EventHasDurationNs : std::false_type {};
template <typename Event>
struct EventHasDurationNs<Event, std::void_t<decltype(std::declval<const Event&>().durationNs())>> : std::true_type {};

template <typename Event>
double eventDurationUs(const Event& event) {
    if constexpr (EventHasDurationNs<Event>::value) return static_cast<double>(event.durationNs()) / 1000.0;
    else return static_cast<double>(event.durationUs());
}

enum class GroupBackend { Gloo, Nccl };

// Up to 1.13 a process group (Gloo's, NCCL's) was itself the c10d::ProcessGroup that collectives
// and the Reducer take. Since 2.0 it is a Backend inside a ProcessGroup: wrap it, serving the
// devices it reduces (Gloo: CPU and CUDA tensors; NCCL: CUDA). The ProcessGroup's constructor lost
// its Options argument in 2.x.
template <typename ProcessGroup, typename Store, typename BackendPtr>
c10::intrusive_ptr<ProcessGroup> asProcessGroup(const c10::intrusive_ptr<Store>& store, int rank, int size, const BackendPtr& backend,
                                                std::chrono::milliseconds timeout, GroupBackend kind) {
    using BackendImpl = typename BackendPtr::element_type;
    if constexpr (std::is_base_of_v<ProcessGroup, BackendImpl>) {
        (void)store, (void)rank, (void)size, (void)timeout, (void)kind;
        return backend;
    } else {
        const bool nccl = kind == GroupBackend::Nccl;
        const auto type = nccl ? ProcessGroup::BackendType::NCCL : ProcessGroup::BackendType::GLOO;
        c10::intrusive_ptr<ProcessGroup> group;
        if constexpr (std::is_constructible_v<ProcessGroup, c10::intrusive_ptr<Store>, int, int>) {
            group = c10::make_intrusive<ProcessGroup>(store, rank, size);
            group->setDefaultBackend(type);
        } else {
            group = c10::make_intrusive<ProcessGroup>(store, rank, size,
                                                      c10::make_intrusive<typename ProcessGroup::Options>(nccl ? "nccl" : "gloo", timeout));
        }
        using Backend = typename decltype(std::declval<ProcessGroup&>().getDefaultBackend())::element_type;
        const c10::intrusive_ptr<Backend> base = backend;
        if (!nccl) group->setBackend(c10::DeviceType::CPU, type, base);
        group->setBackend(c10::DeviceType::CUDA, type, base);
        return group;
    }
}

// c10d::Reducer (bucketed gradient all-reduce overlapped with backward, as in DDP) gained and
// lost constructor arguments across versions; every form gets the same buckets and settings.
template <typename Reducer, typename Group>
std::unique_ptr<Reducer> makeReducer(std::vector<at::Tensor> params, std::vector<std::vector<size_t>> buckets, const std::vector<size_t>& limits,
                                     const Group& group, const std::vector<bool>& sparse, int64_t bucketCap, bool findUnused,
                                     const std::unordered_map<size_t, std::string>& names, int64_t firstBucketCap) {
    using Params = std::vector<at::Tensor>;
    using Buckets = std::vector<std::vector<size_t>>;
    using Names = std::unordered_map<size_t, std::string>;
    using Sparse = std::vector<bool>;
    constexpr bool asView = false;
    if constexpr (std::is_constructible_v<Reducer, Params, Buckets, const std::vector<size_t>&, Group, Sparse, int64_t, bool, bool, Names, int64_t>) {
        return std::make_unique<Reducer>(std::move(params), std::move(buckets), limits, group, sparse, bucketCap, findUnused, asView, names,
                                         firstBucketCap);
    } else if constexpr (std::is_constructible_v<Reducer, Params, Buckets, Group, Sparse, int64_t, bool, bool, Names, int64_t, bool, bool>) {
        return std::make_unique<Reducer>(std::move(params), std::move(buckets), group, sparse, bucketCap, findUnused, asView, names,
                                         firstBucketCap, /*skip_all_reduce_unused_params=*/false, /*use_python_reducer=*/false);
    } else {
        static_assert(std::is_constructible_v<Reducer, Params, Buckets, Group, Sparse, int64_t, bool, bool, Names, int64_t, bool, bool,
                                              std::vector<int64_t>>,
                      "unknown c10d::Reducer constructor: add this LibTorch's form to compat::makeReducer");
        return std::make_unique<Reducer>(std::move(params), std::move(buckets), group, sparse, bucketCap, findUnused, asView, names,
                                         firstBucketCap, false, false, /*bucket_bytes_cap_list=*/std::vector<int64_t>{});
    }
}

}  // namespace fra::compat
