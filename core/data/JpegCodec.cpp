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

namespace {

// Taps of a 1-D resampling from `from` samples to `to`: the source indices and weights of each output.
struct Taps {
    std::vector<int> start, count;
    std::vector<float> weights;  // count[i] weights from offset[i]
    std::vector<int> offset;
};

Taps resamplingTaps(int from, int to, int firstSource) {
    Taps t;
    const double scale = static_cast<double>(from) / to;
    for (int i = 0; i < to; ++i) {
        t.offset.push_back(static_cast<int>(t.weights.size()));
        if (scale >= 1.0) {  // box filter: the source interval [i*scale, (i+1)*scale) with partial coverage
            const double a = i * scale, b = (i + 1) * scale;
            const int first = static_cast<int>(std::floor(a)), last = std::min(from - 1, static_cast<int>(std::ceil(b)) - 1);
            t.start.push_back(firstSource + first);
            t.count.push_back(last - first + 1);
            for (int s = first; s <= last; ++s)
                t.weights.push_back(static_cast<float>((std::min(b, s + 1.0) - std::max(a, static_cast<double>(s))) / scale));
        } else {  // bilinear between pixel centres
            const double x = std::clamp((i + 0.5) * scale - 0.5, 0.0, from - 1.0);
            const int first = std::min(static_cast<int>(x), from - 1), second = std::min(first + 1, from - 1);
            const float frac = static_cast<float>(x - first);
            t.start.push_back(firstSource + first);
            t.count.push_back(second - first + 1);
            t.weights.push_back(second == first ? 1.0f : 1.0f - frac);
            if (second != first) t.weights.push_back(frac);
        }
    }
    return t;
}

}  // namespace

void centreSquareResize(const jpeg::RgbImage& in, int size, std::uint8_t* out) {
    const int side = std::min(in.width, in.height);
    const Taps xs = resamplingTaps(side, size, (in.width - side) / 2);
    const Taps ys = resamplingTaps(side, size, (in.height - side) / 2);
    // horizontal pass over the rows the vertical pass needs, then the vertical pass
    std::vector<float> rows(static_cast<std::size_t>(in.height) * size * 3, 0.0f);
    const int rowFirst = (in.height - side) / 2;
    for (int y = rowFirst; y < rowFirst + side; ++y) {
        const std::uint8_t* src = in.pixels.data() + static_cast<std::size_t>(y) * in.width * 3;
        float* dst = rows.data() + static_cast<std::size_t>(y) * size * 3;
        for (int x = 0; x < size; ++x) {
            float acc[3] = {0, 0, 0};
            for (int k = 0; k < xs.count[x]; ++k) {
                const float w = xs.weights[xs.offset[x] + k];
                const std::uint8_t* p = src + static_cast<std::size_t>(xs.start[x] + k) * 3;
                acc[0] += w * p[0];
                acc[1] += w * p[1];
                acc[2] += w * p[2];
            }
            std::copy(acc, acc + 3, dst + x * 3);
        }
    }
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size * 3; ++x) {
            float acc = 0;
            for (int k = 0; k < ys.count[y]; ++k)
                acc += ys.weights[ys.offset[y] + k] * rows[static_cast<std::size_t>(ys.start[y] + k) * size * 3 + x];
            out[static_cast<std::size_t>(y) * size * 3 + x] = static_cast<std::uint8_t>(std::clamp(std::lround(acc), 0L, 255L));
        }
    }
}

}  // namespace fra
