#include "data/NvJpegDecoder.h"

#include "util/FraError.h"

#include <nvjpeg.h>

#include <string>

namespace fra {

namespace {

void check(nvjpegStatus_t status, const char* what) {
    if (status != NVJPEG_STATUS_SUCCESS) throw FraError(std::string("nvJPEG: ") + what + " failed (status " + std::to_string(status) + ")");
}

}  // namespace

struct NvJpegDecoder::Impl {
    nvjpegHandle_t handle = nullptr;
    nvjpegJpegState_t state = nullptr;
    int cpuThreads = 1;
    int batch = 0;  // the batch size the decoder state was initialised for
    std::vector<nvjpegImage_t> outputs;
};

NvJpegDecoder::NvJpegDecoder(int cpuThreads) : impl_(std::make_unique<Impl>()) {
    impl_->cpuThreads = cpuThreads > 0 ? cpuThreads : 1;
    check(nvjpegCreateSimple(&impl_->handle), "creating the library handle");
    if (nvjpegJpegStateCreate(impl_->handle, &impl_->state) != NVJPEG_STATUS_SUCCESS) {
        nvjpegDestroy(impl_->handle);
        throw FraError("nvJPEG: creating the decoder state failed");
    }
}

NvJpegDecoder::~NvJpegDecoder() {
    if (impl_->state) nvjpegJpegStateDestroy(impl_->state);
    if (impl_->handle) nvjpegDestroy(impl_->handle);
}

void NvJpegDecoder::decode(const std::vector<const std::uint8_t*>& data, const std::vector<std::size_t>& bytes, int size,
                           std::uint8_t* deviceRgb, CUstream_st* stream) {
    const int count = static_cast<int>(data.size());
    if (count == 0) return;
    if (bytes.size() != data.size()) throw FraError("nvJPEG: one length per JPEG");
    for (int i = 0; i < count; ++i) {  // the output buffer holds size x size faces: anything else would overrun it
        int components = 0;
        nvjpegChromaSubsampling_t subsampling;
        int widths[NVJPEG_MAX_COMPONENT] = {}, heights[NVJPEG_MAX_COMPONENT] = {};
        check(nvjpegGetImageInfo(impl_->handle, data[i], bytes[i], &components, &subsampling, widths, heights), "reading a JPEG header");
        if (widths[0] != size || heights[0] != size)
            throw FraError("nvJPEG: batch slot " + std::to_string(i) + " is " + std::to_string(widths[0]) + "x" + std::to_string(heights[0]) +
                           ", the store's faces are " + std::to_string(size) + "x" + std::to_string(size));
    }
    if (impl_->batch != count) {
        check(nvjpegDecodeBatchedInitialize(impl_->handle, impl_->state, count, impl_->cpuThreads, NVJPEG_OUTPUT_RGBI),
              "initialising the batched decoder");
        impl_->batch = count;
    }
    impl_->outputs.assign(count, nvjpegImage_t{});
    const std::size_t face = static_cast<std::size_t>(size) * size * 3;
    for (int i = 0; i < count; ++i) {
        impl_->outputs[i].channel[0] = deviceRgb + i * face;
        impl_->outputs[i].pitch[0] = static_cast<unsigned int>(size) * 3;
    }
    check(nvjpegDecodeBatched(impl_->handle, impl_->state, data.data(), bytes.data(), impl_->outputs.data(), stream), "decoding a batch");
}

}  // namespace fra
