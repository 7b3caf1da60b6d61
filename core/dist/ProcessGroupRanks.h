#pragma once
#include "dist/DistributedEnv.h"
#include "model/CrossRankOps.h"

#include <chrono>
#include <memory>
#include <torch/torch.h>

namespace c10d {
class ProcessGroup;
class Store;
}  // namespace c10d

namespace fra {

// The data-parallel ranks of a run over torch's c10d: a TCPStore at MASTER_ADDR:MASTER_PORT
// (rank 0 serves it) and a process group: Gloo for CPU runs, NCCL for CUDA runs (builds with
// -DFRA_WITH_NCCL=ON; each rank on GPU LOCAL_RANK). It is
// the CrossRankOps of the FRA model: mean() is differentiable (its backward all-reduces too),
// so every cross-rank reduction of the method has the gradients of one process.
class ProcessGroupRanks : public CrossRankOps {
public:
    ProcessGroupRanks(const DistributedEnv& env, std::chrono::milliseconds timeout, bool cuda = false);
    ~ProcessGroupRanks() override;

    int worldSize() const override { return env_.worldSize; }
    int rank() const { return env_.rank; }
    const char* backendName() const { return nccl_ ? "NCCL" : "Gloo"; }
    torch::Tensor mean(const torch::Tensor& perRankMean) const override;
    torch::Tensor sum(const torch::Tensor& value) const override;

    void allReduceSumInPlace(torch::Tensor& t) const;  // no gradient
    void broadcastInPlace(torch::Tensor& t, int root = 0) const;
    void barrier() const;
    c10::intrusive_ptr<c10d::ProcessGroup> processGroup() const;

private:
    DistributedEnv env_;
    c10::intrusive_ptr<c10d::Store> store_;
    c10::intrusive_ptr<c10d::ProcessGroup> group_;
    bool nccl_ = false;
};

}  // namespace fra
