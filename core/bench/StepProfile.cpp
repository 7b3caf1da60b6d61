#include "bench/StepProfile.h"

#include "compat/TorchCompat.h"

#include <torch/csrc/autograd/profiler_kineto.h>

#include <algorithm>
#include <map>

namespace fra {

nlohmann::json profileSteps(const std::function<void()>& step, int steps, bool cuda, int top) {
    namespace prof = torch::autograd::profiler;
    using torch::profiler::impl::ActivityType;
    const torch::profiler::impl::ProfilerConfig config(torch::profiler::impl::ProfilerState::KINETO);
    std::set<ActivityType> activities{ActivityType::CPU};
    if (cuda) activities.insert(ActivityType::CUDA);
    prof::prepareProfiler(config, activities);
    prof::enableProfiler(config, activities);
    for (int i = 0; i < steps; ++i) step();
    if (cuda) torch::cuda::synchronize();
    const std::unique_ptr<prof::ProfilerResult> result = prof::disableProfiler();

    struct Total {
        std::int64_t count = 0;
        double microseconds = 0;
    };
    std::map<std::string, Total> byName;
    std::int64_t events = 0;
    double microseconds = 0;
    for (const auto& e : result->events()) {
        // CUDA: the kernels (and copies) the device ran; CPU: the operators at the top of the stack
        const bool counted = cuda ? e.deviceType() == c10::DeviceType::CUDA : e.deviceType() == c10::DeviceType::CPU;
        if (!counted) continue;
        const double us = compat::eventDurationUs(e);
        Total& t = byName[e.name()];
        ++t.count;
        t.microseconds += us;
        ++events;
        microseconds += us;
    }
    std::vector<std::pair<std::string, Total>> sorted(byName.begin(), byName.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.microseconds > b.second.microseconds; });
    nlohmann::json topList = nlohmann::json::array();
    for (std::size_t i = 0; i < sorted.size() && static_cast<int>(i) < top; ++i)
        topList.push_back({{"name", sorted[i].first.substr(0, 120)},
                           {"per_step", static_cast<double>(sorted[i].second.count) / steps},
                           {"ms_per_step", sorted[i].second.microseconds / 1000.0 / steps},
                           {"share", microseconds > 0 ? sorted[i].second.microseconds / microseconds : 0.0}});
    return {{"profiled_steps", steps},
            {"counted", cuda ? "cuda kernels and copies" : "cpu operators (nested ones too)"},
            {"events_per_step", static_cast<double>(events) / steps},
            {"distinct", byName.size()},
            {"busy_ms_per_step", microseconds / 1000.0 / steps},
            {"top", topList}};
}

}  // namespace fra
