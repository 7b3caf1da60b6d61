// The test suite's driver for the fuzz targets (no libFuzzer): runs every seed, then random
// mutations of them (byte flips, inserts, deletes, truncations, splices, interesting values) for
// a few seconds, deterministically. A crash, an abort or an escaped exception fails the test;
// the coverage-guided, sanitized search is scripts/fuzz.sh.
//   fuzz_<target> [--seconds S] [--seed N] SEED_DIR_OR_FILE...
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

namespace {

std::string readBytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string* current = nullptr;  // the input being run, saved when it crashes

void saveCrashingInput(int sig) {
    if (current) {
        const int fd = ::open("crash-input", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            [[maybe_unused]] auto n = ::write(fd, current->data(), current->size());
            ::close(fd);
        }
        const char note[] = "fuzz smoke: the crashing input is in ./crash-input\n";
        [[maybe_unused]] auto m = ::write(2, note, sizeof note - 1);
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

void runOne(const std::string& input) {
    current = &input;
    // a copy in its own allocation, so reading past the end is at least not hidden by the string's slack
    std::vector<std::uint8_t> bytes(input.begin(), input.end());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

std::string mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& random) {
    auto pick = [&](std::size_t n) { return n ? static_cast<std::size_t>(random() % n) : 0; };
    static const char* interesting[] = {"0", "-1", "65536", "4294967295", "-2147483648", "1e308", "nan", "inf", "\n", "\r\n",
                                        ",", " ", "\"", "{", "}", "[", "]", "@@ ", "\xff\xfe"};
    const int edits = 1 + static_cast<int>(pick(4));
    for (int e = 0; e < edits; ++e) {
        switch (pick(7)) {
        case 0:
            if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
            break;
        case 1:
            s.insert(pick(s.size() + 1), 1, static_cast<char>(random()));
            break;
        case 2:
            if (!s.empty()) s.erase(pick(s.size()), 1 + pick(16));
            break;
        case 3:
            s.resize(pick(s.size() + 1));
            break;
        case 4: {
            const std::string& other = seeds[pick(seeds.size())];
            if (!other.empty()) s.insert(pick(s.size() + 1), other.substr(pick(other.size()), 1 + pick(64)));
            break;
        }
        case 5:
            if (pick(8) == 0) s.insert(pick(s.size() + 1), 1, '\0');
            else s.insert(pick(s.size() + 1), interesting[pick(std::size(interesting))]);
            break;
        default:
            if (s.size() > 1) {
                const std::size_t a = pick(s.size()), n = 1 + pick(std::min<std::size_t>(32, s.size() - a));
                s.insert(pick(s.size() + 1), s.substr(a, n));  // duplicate a chunk
            }
        }
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 3;
    std::uint64_t seed = 1;
    std::vector<std::string> seeds;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
        else if (fs::is_directory(argv[i])) {
            for (const auto& e : fs::directory_iterator(argv[i]))
                if (e.is_regular_file()) seeds.push_back(readBytes(e.path()));
        } else if (fs::is_regular_file(argv[i])) seeds.push_back(readBytes(argv[i]));
        else {
            std::fprintf(stderr, "%s: no seed file or folder '%s'\n", argv[0], argv[i]);
            return 2;
        }
    }
    if (seeds.empty()) {
        std::fprintf(stderr, "%s: give at least one seed\n", argv[0]);
        return 2;
    }
    for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, saveCrashingInput);
    runOne("");
    for (const auto& s : seeds) runOne(s);
    std::mt19937_64 random(seed);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::uint64_t executions = 1 + seeds.size();
    while (std::chrono::steady_clock::now() < end) {
        runOne(mutate(seeds[executions % seeds.size()], seeds, random));
        ++executions;
    }
    std::printf("{\"target\": \"%s\", \"seeds\": %zu, \"executions\": %llu, \"seconds\": %g, \"crashes\": 0}\n",
                fs::path(argv[0]).filename().c_str(), seeds.size(), static_cast<unsigned long long>(executions), seconds);
    return 0;
}
