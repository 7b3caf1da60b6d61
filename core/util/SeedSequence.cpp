#include "util/SeedSequence.h"

namespace fra {

std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t deriveSeed(std::uint64_t base, std::initializer_list<std::uint64_t> coordinates) {
    std::uint64_t h = splitMix64(base);
    for (std::uint64_t c : coordinates) h = splitMix64(h ^ splitMix64(c + 0x632BE59BD9B4E019ull));
    return h;
}

}  // namespace fra
