#pragma once
#include <cstdint>
#include <initializer_list>

namespace fra {

// Derives independent 64-bit seeds from a run seed and a tuple of coordinates (epoch, sample,
// view, ...). Every random decision of the input pipeline is a pure function of such a seed,
// so a batch is identical whatever thread built it and whether or not the run was resumed.
std::uint64_t splitMix64(std::uint64_t x);
std::uint64_t deriveSeed(std::uint64_t base, std::initializer_list<std::uint64_t> coordinates);

}  // namespace fra
