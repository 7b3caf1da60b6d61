#include "dist/DistributedEnv.h"
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
