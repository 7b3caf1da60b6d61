#include "dist/DistributedEnv.h"

#include "util/FraError.h"

#include <cctype>
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

bool isSet(const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool torchrunVariables() { return isSet("RANK") || isSet("WORLD_SIZE") || isSet("LOCAL_RANK"); }

bool forcedGroup() { return env("FRA_PROCESS_GROUP") == "1"; }

// "01-03" or "7": the numbers of one range with their zero padding.
void expandRange(const std::string& range, std::vector<std::string>& out, const std::string& what, const std::string& whole) {
    const auto dash = range.find('-');
    const std::string first = range.substr(0, dash), last = dash == std::string::npos ? first : range.substr(dash + 1);
    auto digits = [](const std::string& s) {
        if (s.empty() || s.size() > 9) return false;
        for (const char c : s)
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        return true;
    };
    if (!digits(first) || !digits(last)) throw FraError(what + " '" + whole + "': '" + range + "' is not a number or a range of numbers");
    const long lo = std::stol(first), hi = std::stol(last);
    if (hi < lo) throw FraError(what + " '" + whole + "': the range '" + range + "' runs backwards");
    if (hi - lo > 100000) throw FraError(what + " '" + whole + "': the range '" + range + "' is too long");
    for (long n = lo; n <= hi; ++n) {
        std::string s = std::to_string(n);
        if (s.size() < first.size()) s.insert(0, first.size() - s.size(), '0');
        out.push_back(s);
    }
}

// One host expression (no top-level commas): prefix[ranges]middle[ranges]suffix...
std::vector<std::string> expandHost(const std::string& item, const std::string& what, const std::string& whole) {
    std::vector<std::string> names = {""};
    std::size_t i = 0;
    while (i < item.size()) {
        if (item[i] == ']') throw FraError(what + " '" + whole + "': ']' without '['");
        if (item[i] != '[') {
            const auto next = item.find_first_of("[]", i);
            const std::string text = item.substr(i, next == std::string::npos ? std::string::npos : next - i);
            for (auto& n : names) n += text;
            i = next == std::string::npos ? item.size() : next;
            continue;
        }
        const auto close = item.find(']', i);
        if (close == std::string::npos) throw FraError(what + " '" + whole + "': '[' without ']'");
        const std::string inside = item.substr(i + 1, close - i - 1);
        if (inside.empty() || inside.find('[') != std::string::npos) throw FraError(what + " '" + whole + "': empty or nested brackets");
        std::vector<std::string> numbers;
        std::size_t start = 0;
        for (;;) {
            const auto comma = inside.find(',', start);
            expandRange(inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start), numbers, what, whole);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        std::vector<std::string> next;
        for (const auto& n : names)
            for (const auto& number : numbers) next.push_back(n + number);
        if (next.size() > 100000) throw FraError(what + " '" + whole + "' names too many hosts");
        names = std::move(next);
        i = close + 1;
    }
    return names;
}

}  // namespace

std::vector<std::string> expandHostlist(const std::string& hostlist, const std::string& what) {
    std::vector<std::string> hosts;
    if (hostlist.empty()) throw FraError(what + " is empty");
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= hostlist.size(); ++i) {
        const char c = i < hostlist.size() ? hostlist[i] : ',';
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (depth < 0 || depth > 1) throw FraError(what + " '" + hostlist + "': unbalanced or nested brackets");
        if (c == ',' && depth == 0) {
            const std::string item = hostlist.substr(start, i - start);
            if (item.empty()) throw FraError(what + " '" + hostlist + "': an empty host name");
            if (item.find_first_of(" \t") != std::string::npos) throw FraError(what + " '" + hostlist + "': a host name with a space");
            for (auto& h : expandHost(item, what, hostlist)) hosts.push_back(std::move(h));
            start = i + 1;
        }
    }
    if (depth != 0) throw FraError(what + " '" + hostlist + "': '[' without ']'");
    return hosts;
}

std::optional<DistributedEnv> DistributedEnv::fromEnvironment() {
    DistributedEnv e;
    if (!torchrunVariables() && isSet("SLURM_PROCID")) {
        e.launcher = "slurm";
        e.worldSize = integer("SLURM_NTASKS", 1, 1, 1 << 20);
        if (e.worldSize == 1 && !forcedGroup()) return std::nullopt;
        e.rank = integer("SLURM_PROCID", 0, 0, e.worldSize - 1);
        e.localRank = integer("SLURM_LOCALID", 0, 0, e.worldSize - 1);
        const int nodes = integer("SLURM_JOB_NUM_NODES", integer("SLURM_NNODES", 1, 1, 1 << 20), 1, 1 << 20);
        e.node = integer("SLURM_NODEID", 0, 0, nodes - 1);
        if (e.worldSize % nodes != 0)
            throw FraError("SLURM_NTASKS=" + std::to_string(e.worldSize) + " does not divide into SLURM_JOB_NUM_NODES=" + std::to_string(nodes) +
                           " nodes: give every node the same number of tasks (one per GPU)");
        const char* listName = isSet("SLURM_JOB_NODELIST") ? "SLURM_JOB_NODELIST" : "SLURM_NODELIST";
        if (isSet("MASTER_ADDR")) {
            e.masterAddress = env("MASTER_ADDR");
        } else {
            if (!isSet(listName)) throw FraError("a Slurm job of " + std::to_string(e.worldSize) + " tasks without SLURM_JOB_NODELIST (and no MASTER_ADDR)");
            const auto hosts = expandHostlist(env(listName), listName);
            if (static_cast<int>(hosts.size()) != nodes)
                throw FraError(std::string(listName) + " names " + std::to_string(hosts.size()) + " hosts but the job has " + std::to_string(nodes) +
                               " nodes");
            e.masterAddress = hosts.front();
        }
        if (isSet("MASTER_PORT")) {
            e.masterPort = integer("MASTER_PORT", 29500, 1, 65535);
        } else {
            // the same port for every task of a job, different ones for jobs sharing a node (as Lightning does)
            const int job = integer("SLURM_JOB_ID", 0, 0, 2147483647);
            e.masterPort = 15000 + job % 20000;
        }
        return e;
    }
    e.worldSize = integer("WORLD_SIZE", 1, 1, 1 << 20);
    // one process trains without a process group, unless FRA_PROCESS_GROUP=1 asks for one (to check
    // the process group itself, e.g. NCCL on a machine with one GPU)
    if (e.worldSize == 1 && !forcedGroup()) return std::nullopt;
    if (!std::getenv("RANK") && e.worldSize > 1) throw FraError("WORLD_SIZE is " + std::to_string(e.worldSize) + " but RANK is not set");
    e.rank = integer("RANK", 0, 0, e.worldSize - 1);
    e.localRank = integer("LOCAL_RANK", e.rank, 0, 1 << 20);
    e.node = integer("GROUP_RANK", 0, 0, 1 << 20);
    if (isSet("MASTER_ADDR")) e.masterAddress = env("MASTER_ADDR");
    e.masterPort = integer("MASTER_PORT", 29500, 1, 65535);
    return e;
}

std::string describeLauncher() {
    if (torchrunVariables())
        return "torchrun (rank " + (isSet("RANK") ? env("RANK") : std::string("0")) + " of " +
               (isSet("WORLD_SIZE") ? env("WORLD_SIZE") : std::string("1")) + ")";
    if (isSet("SLURM_JOB_ID") || isSet("SLURM_PROCID")) {
        std::string s = "slurm (job " + (isSet("SLURM_JOB_ID") ? env("SLURM_JOB_ID") : std::string("?"));
        if (isSet("SLURM_PROCID")) s += ", task " + env("SLURM_PROCID") + " of " + (isSet("SLURM_NTASKS") ? env("SLURM_NTASKS") : std::string("1"));
        if (isSet("SLURM_NODEID")) s += ", node " + env("SLURM_NODEID");
        if (isSet("SLURM_RESTART_COUNT")) s += ", restart " + env("SLURM_RESTART_COUNT");
        return s + ")";
    }
    return "none";
}

}  // namespace fra
