#pragma once
#include <optional>
#include <string>

namespace fra {

// The torchrun / Slurm / Kubernetes convention: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
// MASTER_PORT in the environment. WORLD_SIZE unset or 1 means a single process without a process
// group, unless FRA_PROCESS_GROUP=1 (a process group of one, to check it on one GPU).
struct DistributedEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;

    // Throws FraError naming the variable when one is malformed or inconsistent.
    static std::optional<DistributedEnv> fromEnvironment();
};

}  // namespace fra
