#include "train/DeviceJpegDecode.h"

#include "data/Batch.h"
#include "data/NvJpegDecoder.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

namespace fra {

DeviceJpegDecode::DeviceJpegDecode(int cpuThreads) : decoder_(std::make_unique<NvJpegDecoder>(cpuThreads)) {}

DeviceJpegDecode::~DeviceJpegDecode() = default;

torch::Tensor DeviceJpegDecode::operator()(const Batch& batch, torch::Device device) {
    const c10::cuda::CUDAGuard onDevice(device);  // nvJPEG decodes on the current device
    torch::Tensor out = torch::empty({batch.size, batch.rawSize, batch.rawSize, 3}, torch::TensorOptions().dtype(torch::kUInt8).device(device));
    decoder_->decode(batch.jpegData, batch.jpegBytes, batch.rawSize, out.data_ptr<std::uint8_t>(),
                     c10::cuda::getCurrentCUDAStream(device.index()).stream());
    return out;
}

}  // namespace fra
