#include "dist/DistributedEnv.h"
#include "support/Process.h"
#include "util/FraError.h"

#include <cstdlib>
#include <gtest/gtest.h>

namespace {
void clear() {
    for (const char* v : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "FRA_PROCESS_GROUP"}) ::unsetenv(v);
}
}  // namespace

TEST(DistributedEnv, TorchrunVariables) {
    clear();
    EXPECT_FALSE(fra::DistributedEnv::fromEnvironment());
    ::setenv("WORLD_SIZE", "1", 1);
    EXPECT_FALSE(fra::DistributedEnv::fromEnvironment());
    ::setenv("FRA_PROCESS_GROUP", "1", 1);  // a process group of one (checking NCCL on one GPU)
    const auto one = fra::DistributedEnv::fromEnvironment();
    ASSERT_TRUE(one);
    EXPECT_EQ(one->worldSize, 1);
    EXPECT_EQ(one->rank, 0);
    ::unsetenv("FRA_PROCESS_GROUP");
    ::setenv("WORLD_SIZE", "4", 1);
    ::setenv("RANK", "2", 1);
    ::setenv("MASTER_ADDR", "node7", 1);
    ::setenv("MASTER_PORT", "29600", 1);
    const auto env = fra::DistributedEnv::fromEnvironment();
    ASSERT_TRUE(env);
    EXPECT_EQ(env->rank, 2);
    EXPECT_EQ(env->worldSize, 4);
    EXPECT_EQ(env->localRank, 2);
    EXPECT_EQ(env->masterAddress, "node7");
    EXPECT_EQ(env->masterPort, 29600);
    ::setenv("RANK", "4", 1);
    EXPECT_THROW(fra::DistributedEnv::fromEnvironment(), fra::FraError);  // rank outside the world
    ::setenv("RANK", "1", 1);
    ::setenv("MASTER_PORT", "http", 1);
    try {
        fra::DistributedEnv::fromEnvironment();
        FAIL();
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("MASTER_PORT='http'"), std::string::npos);
    }
    ::unsetenv("RANK");
    ::setenv("MASTER_PORT", "29600", 1);
    EXPECT_THROW(fra::DistributedEnv::fromEnvironment(), fra::FraError);  // WORLD_SIZE without RANK
    clear();
}

namespace {
void clearSlurm() {
    clear();
    for (const char* v : {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NODEID", "SLURM_JOB_NUM_NODES", "SLURM_NNODES",
                          "SLURM_JOB_NODELIST", "SLURM_NODELIST", "SLURM_JOB_ID", "SLURM_RESTART_COUNT", "GROUP_RANK"})
        ::unsetenv(v);
}
}  // namespace

TEST(DistributedEnv, SlurmHostlistsExpandAsSlurmWritesThem) {
    using V = std::vector<std::string>;
    EXPECT_EQ(fra::expandHostlist("gpu[01-03,07],cpu5"), (V{"gpu01", "gpu02", "gpu03", "gpu07", "cpu5"}));
    EXPECT_EQ(fra::expandHostlist("node7"), (V{"node7"}));
    EXPECT_EQ(fra::expandHostlist("rack[1-2]-n[8-9]"), (V{"rack1-n8", "rack1-n9", "rack2-n8", "rack2-n9"}));
    EXPECT_EQ(fra::expandHostlist("a[098-101]"), (V{"a098", "a099", "a100", "a101"}));
    EXPECT_EQ(fra::expandHostlist("x[5],y[1,3]z"), (V{"x5", "y1z", "y3z"}));
    for (const char* bad : {"gpu[01-", "gpu]01[", "gpu[3-1]", "gpu[a-b]", "gpu[]", "a,,b", "", "gpu[1-2[3]]", "gpu[1-]", "x y"}) {
        try {
            fra::expandHostlist(bad, "SLURM_JOB_NODELIST");
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const fra::FraError& e) {
            EXPECT_NE(std::string(e.what()).find("SLURM_JOB_NODELIST"), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
        }
    }
}

TEST(DistributedEnv, SlurmVariablesWhenTorchrunsAreAbsent) {
    clearSlurm();
    ::setenv("SLURM_JOB_ID", "4242", 1);
    ::setenv("SLURM_PROCID", "5", 1);
    ::setenv("SLURM_NTASKS", "8", 1);
    ::setenv("SLURM_LOCALID", "1", 1);
    ::setenv("SLURM_NODEID", "1", 1);
    ::setenv("SLURM_JOB_NUM_NODES", "2", 1);
    ::setenv("SLURM_JOB_NODELIST", "gpu[07-08]", 1);
    auto env = fra::DistributedEnv::fromEnvironment();
    ASSERT_TRUE(env);
    EXPECT_EQ(env->launcher, "slurm");
    EXPECT_EQ(env->rank, 5);
    EXPECT_EQ(env->worldSize, 8);
    EXPECT_EQ(env->localRank, 1);
    EXPECT_EQ(env->node, 1);
    EXPECT_EQ(env->masterAddress, "gpu07");
    EXPECT_EQ(env->masterPort, 15000 + 4242);
    EXPECT_EQ(fra::describeLauncher(), "slurm (job 4242, task 5 of 8, node 1)");
    ::setenv("MASTER_PORT", "29611", 1);  // the user's own choice wins
    EXPECT_EQ(fra::DistributedEnv::fromEnvironment()->masterPort, 29611);
    ::unsetenv("MASTER_PORT");

    // inconsistent values are one line before any process group is formed
    ::setenv("SLURM_NTASKS", "7", 1);
    ::setenv("SLURM_PROCID", "3", 1);
    try {
        fra::DistributedEnv::fromEnvironment();
        ADD_FAILURE() << "7 tasks on 2 nodes accepted";
    } catch (const fra::FraError& e) {
        EXPECT_NE(std::string(e.what()).find("does not divide"), std::string::npos) << e.what();
    }
    ::setenv("SLURM_NTASKS", "8", 1);
    ::setenv("SLURM_JOB_NODELIST", "gpu[07-", 1);
    EXPECT_THROW(fra::DistributedEnv::fromEnvironment(), fra::FraError);
    ::setenv("SLURM_JOB_NODELIST", "gpu[07-09]", 1);  // three hosts for a job of two nodes
    EXPECT_THROW(fra::DistributedEnv::fromEnvironment(), fra::FraError);
    ::setenv("SLURM_JOB_NODELIST", "gpu[07-08]", 1);

    // torchrun's variables take precedence (torchrun inside a Slurm allocation)
    ::setenv("WORLD_SIZE", "2", 1);
    ::setenv("RANK", "1", 1);
    env = fra::DistributedEnv::fromEnvironment();
    EXPECT_EQ(env->launcher, "torchrun");
    EXPECT_EQ(env->worldSize, 2);
    EXPECT_EQ(fra::describeLauncher(), "torchrun (rank 1 of 2)");

    // one task: no process group, but the launcher is still recorded
    clearSlurm();
    ::setenv("SLURM_JOB_ID", "77", 1);
    ::setenv("SLURM_PROCID", "0", 1);
    ::setenv("SLURM_NTASKS", "1", 1);
    EXPECT_FALSE(fra::DistributedEnv::fromEnvironment());
    EXPECT_EQ(fra::describeLauncher(), "slurm (job 77, task 0 of 1)");
    clearSlurm();
    EXPECT_EQ(fra::describeLauncher(), "none");
}

TEST(DistributedEnv, AMalformedSlurmNodelistIsOneLineFromTheBinary) {
    clearSlurm();
    ::setenv("SLURM_JOB_ID", "9", 1);
    ::setenv("SLURM_PROCID", "0", 1);
    ::setenv("SLURM_NTASKS", "2", 1);
    ::setenv("SLURM_JOB_NUM_NODES", "1", 1);
    ::setenv("SLURM_JOB_NODELIST", "node[1-", 1);
    const ProcessResult r = runProcess({FRA_CLI, "pretrain", "--data", "/nonexistent-faces", "--out", "/tmp/fra-never-made"});
    clearSlurm();
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("SLURM_JOB_NODELIST"), std::string::npos) << r.err;
    const ProcessResult version = runProcess({FRA_CLI, "--version"});
    EXPECT_NE(version.out.find("launcher: none"), std::string::npos) << version.out;
}
