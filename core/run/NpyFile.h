#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

namespace fra {

// float32 arrays in NumPy's .npy format (version 1.0, little endian, C order): heatmap
// snapshots are read by the GUI without LibTorch and by Python with numpy.load.
struct NpyArray {
    std::vector<std::int64_t> shape;
    std::vector<float> data;
};

void writeNpy(const std::filesystem::path& file, const std::vector<std::int64_t>& shape, const float* data);
// Throws FraError naming the file when it is not a float32 C-order .npy array.
NpyArray readNpy(const std::filesystem::path& file);

}  // namespace fra
