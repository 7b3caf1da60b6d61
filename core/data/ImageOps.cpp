#include "data/ImageOps.h"

#include "data/PngCodec.h"
#include "util/AtomicFile.h"
#ifndef FRA_NO_OPENCV
#include "data/ImageDecoder.h"
#endif

#include <algorithm>
#include <cmath>

namespace fra {

namespace {

// Taps of a 1-D resampling from `from` samples (starting at `firstSource`) to `to`: the source
// indices and weights of each output.
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

std::uint8_t toByte(float v) { return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// The region [x0, x0 + w0) x [y0, y0 + h0) of `in` resampled to outW x outH into `out` (outW * outH * 3 bytes).
void resampleRegion(const jpeg::RgbImage& in, int x0, int y0, int w0, int h0, int outW, int outH, std::uint8_t* out) {
    const Taps xs = resamplingTaps(w0, outW, x0);
    const Taps ys = resamplingTaps(h0, outH, y0);
    // horizontal pass over the rows the vertical pass needs, then the vertical pass
    std::vector<float> rows(static_cast<std::size_t>(in.height) * outW * 3, 0.0f);
    for (int y = y0; y < y0 + h0; ++y) {
        const std::uint8_t* src = in.pixels.data() + static_cast<std::size_t>(y) * in.width * 3;
        float* dst = rows.data() + static_cast<std::size_t>(y) * outW * 3;
        for (int x = 0; x < outW; ++x) {
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
    for (int y = 0; y < outH; ++y) {
        for (int x = 0; x < outW * 3; ++x) {
            float acc = 0;
            for (int k = 0; k < ys.count[y]; ++k)
                acc += ys.weights[ys.offset[y] + k] * rows[static_cast<std::size_t>(ys.start[y] + k) * outW * 3 + x];
            out[static_cast<std::size_t>(y) * outW * 3 + x] = toByte(acc);
        }
    }
}

}  // namespace

void centreSquareResize(const jpeg::RgbImage& in, int size, std::uint8_t* out) {
    const int side = std::min(in.width, in.height);
    resampleRegion(in, (in.width - side) / 2, (in.height - side) / 2, side, side, size, size, out);
}

jpeg::RgbImage resizeRgb(const jpeg::RgbImage& in, int width, int height) {
    jpeg::RgbImage out;
    out.width = width;
    out.height = height;
    out.pixels.resize(static_cast<std::size_t>(width) * height * 3);
    resampleRegion(in, 0, 0, in.width, in.height, width, height, out.pixels.data());
    return out;
}

jpeg::RgbImage cropSquare(const jpeg::RgbImage& in, double x, double y, double side, int size, bool flip) {
    const jpeg::RgbImage* source = &in;
    jpeg::RgbImage shrunk;
    double s = size / side;
    if (s < 0.75) {
        shrunk = resizeRgb(in, std::max(1, static_cast<int>(std::lround(in.width * s))), std::max(1, static_cast<int>(std::lround(in.height * s))));
        const double f = static_cast<double>(shrunk.width) / in.width;
        x *= f, y *= f, side *= f;
        s = size / side;
        source = &shrunk;
    }
    const int w = source->width, h = source->height;
    jpeg::RgbImage out;
    out.width = out.height = size;
    out.pixels.resize(static_cast<std::size_t>(size) * size * 3);
    for (int v = 0; v < size; ++v) {
        const double sy = y + v / s;
        const int y0 = static_cast<int>(std::floor(sy));
        const float fy = static_cast<float>(sy - y0);
        const int ya = std::clamp(y0, 0, h - 1), yb = std::clamp(y0 + 1, 0, h - 1);
        for (int u = 0; u < size; ++u) {
            const double sx = x + (flip ? size - 1 - u : u) / s;
            const int x0 = static_cast<int>(std::floor(sx));
            const float fx = static_cast<float>(sx - x0);
            const int xa = std::clamp(x0, 0, w - 1), xb = std::clamp(x0 + 1, 0, w - 1);
            const std::uint8_t* p00 = source->pixels.data() + (static_cast<std::size_t>(ya) * w + xa) * 3;
            const std::uint8_t* p01 = source->pixels.data() + (static_cast<std::size_t>(ya) * w + xb) * 3;
            const std::uint8_t* p10 = source->pixels.data() + (static_cast<std::size_t>(yb) * w + xa) * 3;
            const std::uint8_t* p11 = source->pixels.data() + (static_cast<std::size_t>(yb) * w + xb) * 3;
            std::uint8_t* o = out.pixels.data() + (static_cast<std::size_t>(v) * size + u) * 3;
            for (int c = 0; c < 3; ++c)
                o[c] = toByte((1 - fy) * ((1 - fx) * p00[c] + fx * p01[c]) + fy * ((1 - fx) * p10[c] + fx * p11[c]));
        }
    }
    return out;
}

jpeg::RgbImage greyToRgb(const std::uint8_t* grey, int width, int height) {
    jpeg::RgbImage out;
    out.width = width;
    out.height = height;
    out.pixels.resize(static_cast<std::size_t>(width) * height * 3);
    for (std::size_t i = 0; i < static_cast<std::size_t>(width) * height; ++i) out.pixels[3 * i] = out.pixels[3 * i + 1] = out.pixels[3 * i + 2] = grey[i];
    return out;
}

jpeg::RgbImage toGreyRgb(const jpeg::RgbImage& in) {
    jpeg::RgbImage out = in;
    for (std::size_t i = 0; i + 2 < out.pixels.size(); i += 3) {
        // BT.601 in 14-bit fixed point, rounded, as OpenCV's RGB2GRAY
        const int luma = (in.pixels[i] * 4899 + in.pixels[i + 1] * 9617 + in.pixels[i + 2] * 1868 + 8192) >> 14;
        out.pixels[i] = out.pixels[i + 1] = out.pixels[i + 2] = static_cast<std::uint8_t>(luma);
    }
    return out;
}

FloatPlane resizeBilinear(const float* plane, int planeWidth, int planeHeight, int width, int height) {
    auto taps = [](int from, int to) {
        std::vector<std::pair<int, float>> t(to);
        const double scale = static_cast<double>(from) / to;
        for (int i = 0; i < to; ++i) {
            const double x = (i + 0.5) * scale - 0.5;
            int first = static_cast<int>(std::floor(x));
            float frac = static_cast<float>(x - first);
            if (first < 0) first = 0, frac = 0;
            if (first >= from - 1) first = from - 1, frac = 0;
            t[i] = {first, frac};
        }
        return t;
    };
    const auto xs = taps(planeWidth, width), ys = taps(planeHeight, height);
    FloatPlane out{width, height, std::vector<float>(static_cast<std::size_t>(width) * height)};
    for (int y = 0; y < height; ++y) {
        const auto [y0, fy] = ys[y];
        const float* r0 = plane + static_cast<std::size_t>(y0) * planeWidth;
        const float* r1 = plane + static_cast<std::size_t>(std::min(y0 + 1, planeHeight - 1)) * planeWidth;
        for (int x = 0; x < width; ++x) {
            const auto [x0, fx] = xs[x];
            const int x1 = std::min(x0 + 1, planeWidth - 1);
            out.values[static_cast<std::size_t>(y) * width + x] =
                (1 - fy) * ((1 - fx) * r0[x0] + fx * r0[x1]) + fy * ((1 - fx) * r1[x0] + fx * r1[x1]);
        }
    }
    return out;
}

Rgb hsvToRgb(double hue, double saturation, double value) {
    const double c = value * saturation, h = std::fmod(std::fmod(hue, 360.0) + 360.0, 360.0) / 60.0;
    const double x = c * (1 - std::fabs(std::fmod(h, 2.0) - 1)), m = value - c;
    double r = 0, g = 0, b = 0;
    switch (static_cast<int>(h)) {
    case 0: r = c, g = x; break;
    case 1: r = x, g = c; break;
    case 2: g = c, b = x; break;
    case 3: g = x, b = c; break;
    case 4: r = x, b = c; break;
    default: r = c, b = x; break;
    }
    return {toByte(static_cast<float>((r + m) * 255)), toByte(static_cast<float>((g + m) * 255)), toByte(static_cast<float>((b + m) * 255))};
}

bool readRgbImage(const std::filesystem::path& file, jpeg::RgbImage& out, std::string& problem, int minSide) {
    std::string bytes;
    if (!tryReadWholeFile(file, bytes, problem)) return false;
    if (bytes.empty()) {
        problem = "empty file";
        return false;
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    bool decoded = false;
    if (jpeg::looksLikeJpeg(data, bytes.size())) {
        decoded = jpeg::decode(data, bytes.size(), out, problem);
    } else if (png::looksLikePng(data, bytes.size())) {
        decoded = png::decode(data, bytes.size(), out, problem);
    } else {
#ifndef FRA_NO_OPENCV
        const DecodedImage image = ImageDecoder(minSide).decodeBytes(bytes, file.string());
        if (!image.ok()) {
            problem = image.problem;
            return false;
        }
        const cv::Mat rgb = image.rgb.isContinuous() ? image.rgb : image.rgb.clone();
        out.width = rgb.cols;
        out.height = rgb.rows;
        out.pixels.assign(rgb.data, rgb.data + static_cast<std::size_t>(rgb.cols) * rgb.rows * 3);
        decoded = true;
#else
        problem = "not a JPEG or PNG file (this build reads no other format)";
#endif
    }
    if (!decoded) return false;
    if (out.width < minSide || out.height < minSide) {
        problem = std::to_string(out.width) + "x" + std::to_string(out.height) + " is smaller than " + std::to_string(minSide) + " px";
        return false;
    }
    return true;
}

}  // namespace fra
