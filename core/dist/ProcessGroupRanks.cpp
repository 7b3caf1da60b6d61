#include "dist/ProcessGroupRanks.h"

#include "compat/TorchCompat.h"
#include "util/FraError.h"

#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
// FRA_WITH_GLOO comes from the CMake option of that name, which fails the configure when Gloo's
// headers (libgloo-dev) are missing; pip's torch ships c10d's headers but not Gloo's.
#ifdef FRA_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
// FRA_WITH_NCCL (with USE_C10D_NCCL, which the header is wrapped in) comes from the CMake option.
#ifdef FRA_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

namespace fra {

namespace {

void allReduce(c10d::ProcessGroup& group, torch::Tensor& t) {
    std::vector<torch::Tensor> tensors{t};
    group.allreduce(tensors)->wait();
}

// y = mean over ranks of x; the backward all-reduces the incoming gradient the same way
// (with the trainer's gradient averaging this gives the single-process gradient).
struct AllReduceMean : public torch::autograd::Function<AllReduceMean> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, int64_t groupAddress, int64_t world) {
        ctx->saved_data["group"] = groupAddress;
        ctx->saved_data["world"] = world;
        torch::Tensor y = x.detach().clone().contiguous();
        allReduce(*reinterpret_cast<c10d::ProcessGroup*>(groupAddress), y);
        return y.div_(static_cast<double>(world));
    }
    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
        auto* group = reinterpret_cast<c10d::ProcessGroup*>(ctx->saved_data["group"].toInt());
        torch::Tensor g = grads[0].contiguous().clone();
        allReduce(*group, g);
        g.div_(static_cast<double>(ctx->saved_data["world"].toInt()));
        return {g, torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

namespace {

c10::intrusive_ptr<c10d::Store> connectStore(const DistributedEnv& env, std::chrono::milliseconds timeout) {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(env.masterPort);
    options.isServer = env.rank == 0;
    options.numWorkers = env.worldSize;
    options.timeout = timeout;
    return c10::make_intrusive<c10d::TCPStore>(env.masterAddress, options);
}

}  // namespace

ProcessGroupRanks::ProcessGroupRanks(const DistributedEnv& env, std::chrono::milliseconds timeout, bool cuda) : env_(env), nccl_(cuda) {
    try {
        if (cuda) {
#ifdef FRA_WITH_NCCL
            store_ = connectStore(env, timeout);
            auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
            ncclOptions->timeout = timeout;
            group_ = compat::asProcessGroup<c10d::ProcessGroup>(store_, env.rank, env.worldSize,
                                                                c10::make_intrusive<c10d::ProcessGroupNCCL>(store_, env.rank, env.worldSize, ncclOptions),
                                                                timeout, compat::GroupBackend::Nccl);
            return;
#else
            throw FraError("this build of fra has no NCCL process group (configured with -DFRA_WITH_NCCL=OFF): several CUDA ranks need a "
                           "build with it (a CUDA LibTorch with NCCL; scripts/gpu-check.sh shows how)");
#endif
        }
#ifndef FRA_WITH_GLOO
        throw FraError("this build of fra has no Gloo process group (configured with -DFRA_WITH_GLOO=OFF): "
                       "multi-process CPU training needs a build with it (Debian: libgloo-dev)");
#else
        store_ = connectStore(env, timeout);
        auto glooOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        // One machine (loopback master): talk over loopback. Several: the interface named by
        // GLOO_SOCKET_IFNAME, as with torchrun, else the one this host's name resolves to.
        const bool loopback = env.masterAddress == "localhost" || env.masterAddress.rfind("127.", 0) == 0;
        const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
        glooOptions->devices.push_back(loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                       : ifname && *ifname ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                                           : c10d::ProcessGroupGloo::createDefaultDevice());
        group_ = compat::asProcessGroup<c10d::ProcessGroup>(
            store_, env.rank, env.worldSize, c10::make_intrusive<c10d::ProcessGroupGloo>(store_, env.rank, env.worldSize, glooOptions), timeout,
            compat::GroupBackend::Gloo);
#endif
    } catch (const FraError&) {
        throw;
    } catch (const std::exception& e) {
        throw FraError("cannot join the " + std::string(backendName()) + " process group at " + env.masterAddress + ":" +
                       std::to_string(env.masterPort) + " as rank " + std::to_string(env.rank) + " of " + std::to_string(env.worldSize) +
                       ": " + std::string(e.what()).substr(0, std::string(e.what()).find('\n')));
    }
}

ProcessGroupRanks::~ProcessGroupRanks() = default;

torch::Tensor ProcessGroupRanks::mean(const torch::Tensor& perRankMean) const {
    return AllReduceMean::apply(perRankMean, reinterpret_cast<int64_t>(group_.get()), static_cast<int64_t>(env_.worldSize));
}

torch::Tensor ProcessGroupRanks::sum(const torch::Tensor& value) const {
    torch::Tensor t = value.detach().clone().contiguous();
    allReduce(*group_, t);
    return t;
}

void ProcessGroupRanks::allReduceSumInPlace(torch::Tensor& t) const { allReduce(*group_, t); }

void ProcessGroupRanks::broadcastInPlace(torch::Tensor& t, int root) const {
    std::vector<torch::Tensor> tensors{t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(tensors, options)->wait();
}

void ProcessGroupRanks::barrier() const { group_->barrier()->wait(); }

c10::intrusive_ptr<c10d::ProcessGroup> ProcessGroupRanks::processGroup() const { return group_; }

}  // namespace fra
