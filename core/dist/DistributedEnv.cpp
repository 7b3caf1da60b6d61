#include "dist/DistributedEnv.h"

#include "util/FraError.h"

#include <cstdlib>

namespace fra {

namespace {
int integer(const char* name, int fallback, int min, int max) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    try {
        std::size_t used = 0;
        const int n = std::stoi(v, &used);
        if (used == std::string(v).size() && n >= min && n <= max) return n;
    } catch (const std::exception&) {
    }
    throw FraError(std::string("environment variable ") + name + "='" + v + "' is not an integer in [" + std::to_string(min) + ", " +
                   std::to_string(max) + "]");
}
}  // namespace

std::optional<DistributedEnv> DistributedEnv::fromEnvironment() {
    const int world = integer("WORLD_SIZE", 1, 1, 1 << 20);
    // one process trains without a process group, unless FRA_PROCESS_GROUP=1 asks for one (to check
    // the process group itself, e.g. NCCL on a machine with one GPU)
    const char* forced = std::getenv("FRA_PROCESS_GROUP");
    if (world == 1 && !(forced && std::string(forced) == "1")) return std::nullopt;
    DistributedEnv env;
    env.worldSize = world;
    if (!std::getenv("RANK") && world > 1) throw FraError("WORLD_SIZE is " + std::to_string(world) + " but RANK is not set");
    env.rank = integer("RANK", 0, 0, world - 1);
    env.localRank = integer("LOCAL_RANK", env.rank, 0, 1 << 20);
    if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) env.masterAddress = addr;
    env.masterPort = integer("MASTER_PORT", 29500, 1, 65535);
    return env;
}

}  // namespace fra
