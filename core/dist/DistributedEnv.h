#pragma once
#include <optional>
#include <string>
#include <vector>

namespace fra {

// Where the ranks of a data-parallel run come from:
//  * torchrun (and Kubernetes' PyTorchJob): RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT;
//  * Slurm, when none of torchrun's are set and SLURM_PROCID is: RANK = SLURM_PROCID, WORLD_SIZE =
//    SLURM_NTASKS, LOCAL_RANK = SLURM_LOCALID, the node from SLURM_NODEID, MASTER_ADDR the first host
//    of SLURM_JOB_NODELIST (Slurm's hostlist syntax), MASTER_PORT derived from the job id unless set.
// A world of 1 means a single process without a process group, unless FRA_PROCESS_GROUP=1 (a
// process group of one, to check it on one GPU).
struct DistributedEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int node = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    std::string launcher = "torchrun";  // torchrun | slurm

    // Throws FraError (one line naming the variable) when a value is malformed or inconsistent,
    // before any process group is formed.
    static std::optional<DistributedEnv> fromEnvironment();
};

// What started this process, as `fra --version` and run.json record it: "torchrun (rank 2 of 8)",
// "slurm (job 4242, task 2 of 8, node 1)", or "none".
std::string describeLauncher();

// Slurm's hostlist syntax expanded: "gpu[01-03,07],cpu5" -> gpu01 gpu02 gpu03 gpu07 cpu5 (zero
// padding kept, several bracket groups multiply out). Throws FraError naming `what` when malformed.
std::vector<std::string> expandHostlist(const std::string& hostlist, const std::string& what = "hostlist");

}  // namespace fra
