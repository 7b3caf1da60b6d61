#include "data/JpegCodec.h"

#include <turbojpeg.h>

#include <algorithm>
#include <cmath>

namespace fra {
namespace jpeg {
namespace {

constexpr int kMaxSide = 16384;
constexpr long long kMaxPixels = 1LL << 28;

// One TurboJPEG handle per thread and direction (handles are not thread-safe; loader workers decode
// in parallel), destroyed with the thread.
struct Handle {
    tjhandle h;
    explicit Handle(tjhandle handle) : h(handle) {}
    ~Handle() {
        if (h) tjDestroy(h);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
};

tjhandle decompressor() {
    thread_local Handle handle(tjInitDecompress());
    return handle.h;
}

tjhandle compressor() {
    thread_local Handle handle(tjInitCompress());
    return handle.h;
}

std::string errorOf(tjhandle h) { return std::string("cannot decode JPEG: ") + tjGetErrorStr2(h); }

// Walks the markers up to the first scan: progressive (SOF2, SOF6, SOF10, SOF14) and arithmetic
// (SOF9-SOF15) frames are what nvJPEG's batched GPU decoder does not take.
bool isProgressiveOrArithmetic(const std::uint8_t* d, std::size_t n) {
    std::size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) return false;
        const std::uint8_t marker = d[i + 1];
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) return false;  // start of scan / end of image
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE || marker >= 0xC9;
        i += 2 + (static_cast<std::size_t>(d[i + 2]) << 8 | d[i + 3]);
    }
    return false;
}

}  // namespace

bool looksLikeJpeg(const std::uint8_t* data, std::size_t bytes) { return bytes >= 3 && data[0] == 0xFF && data[1] == 0xD8; }

bool hasEndMarker(const std::uint8_t* b, std::size_t bytes) {
    std::size_t end = bytes;
    while (end > 2 && (b[end - 1] == '\0' || b[end - 1] == '\n' || b[end - 1] == '\r')) --end;
    for (std::size_t i = end; i >= 2 && end - i < 64; --i)
        if (b[i - 2] == 0xFF && b[i - 1] == 0xD9) return true;
    return false;
}

bool readHeader(const std::uint8_t* data, std::size_t bytes, Header& header, std::string& problem) {
    if (!looksLikeJpeg(data, bytes)) {
        problem = "not a JPEG";
        return false;
    }
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    tjhandle h = decompressor();
    if (!h) {
        problem = "cannot start the JPEG decoder";
        return false;
    }
    if (tjDecompressHeader3(h, data, static_cast<unsigned long>(bytes), &width, &height, &subsampling, &colorspace) != 0) {
        problem = errorOf(h);
        return false;
    }
    if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide || static_cast<long long>(width) * height > kMaxPixels) {
        problem = "JPEG of " + std::to_string(width) + "x" + std::to_string(height) + " px is outside what is decoded (16384 px a side)";
        return false;
    }
    header.width = width;
    header.height = height;
    header.subsampling = subsampling;
    header.rgbCapable = colorspace == TJCS_YCbCr || colorspace == TJCS_GRAY;
    header.progressive = isProgressiveOrArithmetic(data, bytes);
    return true;
}

namespace {

bool decodeScaled(const std::uint8_t* data, std::size_t bytes, int width, int height, std::uint8_t* rgb, std::string& problem) {
    if (!hasEndMarker(data, bytes)) {
        problem = "truncated JPEG (no end marker)";
        return false;
    }
    tjhandle h = decompressor();
    if (tjDecompress2(h, data, static_cast<unsigned long>(bytes), rgb, width, width * 3, height, TJPF_RGB, TJFLAG_LIMITSCANS) != 0 &&
        tjGetErrorCode(h) == TJERR_FATAL) {
        problem = errorOf(h);
        return false;
    }
    return true;
}

}  // namespace

bool decode(const std::uint8_t* data, std::size_t bytes, RgbImage& out, std::string& problem, int minShorterSide) {
    Header header;
    if (!readHeader(data, bytes, header, problem)) return false;
    int width = header.width, height = header.height;
    if (minShorterSide > 0) {
        int count = 0;
        const tjscalingfactor* factors = tjGetScalingFactors(&count);
        for (int i = 0; i < count; ++i) {  // the smallest scaled size that keeps the shorter side
            const int w = TJSCALED(header.width, factors[i]), h = TJSCALED(header.height, factors[i]);
            if (std::min(w, h) >= minShorterSide && w <= width && h <= height) {
                width = w;
                height = h;
            }
        }
    }
    out.width = width;
    out.height = height;
    out.pixels.resize(static_cast<std::size_t>(width) * height * 3);
    return decodeScaled(data, bytes, width, height, out.pixels.data(), problem);
}

bool decodeInto(const std::uint8_t* data, std::size_t bytes, int width, int height, std::uint8_t* rgb, std::string& problem) {
    Header header;
    if (!readHeader(data, bytes, header, problem)) return false;
    if (header.width != width || header.height != height) {
        problem = "JPEG is " + std::to_string(header.width) + "x" + std::to_string(header.height) + ", expected " +
                  std::to_string(width) + "x" + std::to_string(height);
        return false;
    }
    return decodeScaled(data, bytes, width, height, rgb, problem);
}

std::vector<std::uint8_t> encode(const std::uint8_t* rgb, int width, int height, int quality, bool subsample) {
    tjhandle h = compressor();
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    if (!h || tjCompress2(h, rgb, width, width * 3, height, TJPF_RGB, &buffer, &size, subsample ? TJSAMP_420 : TJSAMP_444,
                          std::clamp(quality, 1, 100), TJFLAG_ACCURATEDCT) != 0) {
        if (buffer) tjFree(buffer);
        return {};
    }
    std::vector<std::uint8_t> out(buffer, buffer + size);
    tjFree(buffer);
    return out;
}

}  // namespace jpeg

}  // namespace fra
