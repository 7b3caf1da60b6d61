#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

struct CUstream_st;

namespace fra {

// nvJPEG's batched decoder (CUDA builds with -DFRA_WITH_NVJPEG=ON): a batch of same-size baseline
// JPEGs, decoded on the GPU straight into one interleaved RGB buffer on the device, where the device
// augmentation takes it. No LibTorch here: the trainer passes the tensor's memory and its stream.
class NvJpegDecoder {
public:
    explicit NvJpegDecoder(int cpuThreads);  // throws FraError when nvJPEG cannot start
    ~NvJpegDecoder();
    NvJpegDecoder(const NvJpegDecoder&) = delete;
    NvJpegDecoder& operator=(const NvJpegDecoder&) = delete;

    // Decodes every JPEG (each exactly size x size) into deviceRgb: count x size x size x 3 bytes on the
    // current device, enqueued on `stream`. Throws FraError naming the batch slot of a JPEG it refuses.
    void decode(const std::vector<const std::uint8_t*>& data, const std::vector<std::size_t>& bytes, int size, std::uint8_t* deviceRgb,
                CUstream_st* stream);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fra
