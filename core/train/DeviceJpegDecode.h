#pragma once
#include <torch/torch.h>

#include <memory>

namespace fra {

struct Batch;
class NvJpegDecoder;

// A JPEG store's batch (Batch::decodeOnDevice) decoded by nvJPEG into a uint8 (B, S, S, 3) RGB
// tensor on a CUDA device, on its current stream: what TensorAugmenter takes. CUDA builds with
// -DFRA_WITH_NVJPEG=ON only.
class DeviceJpegDecode {
public:
    explicit DeviceJpegDecode(int cpuThreads);
    ~DeviceJpegDecode();
    torch::Tensor operator()(const Batch& batch, torch::Device device);

private:
    std::unique_ptr<NvJpegDecoder> decoder_;
};

}  // namespace fra
