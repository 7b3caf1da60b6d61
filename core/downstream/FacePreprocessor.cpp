#include "downstream/FacePreprocessor.h"

#include "data/ImageOps.h"
#include "util/SeedSequence.h"

#include <algorithm>
#include <cmath>

namespace fra {

FacePreprocessor::FacePreprocessor(int imageSize, double cropMargin, std::array<double, 3> mean, std::array<double, 3> std)
    : size_(imageSize), margin_(cropMargin), mean_(mean), std_(std) {}

bool FacePreprocessor::load(const DownstreamSample& sample, jpeg::RgbImage& rgb, std::string* problem) const {
    if (sample.pixels) {
        const InlineImage& in = *sample.pixels;
        if ((in.channels != 1 && in.channels != 3) || in.width < 1 || in.height < 1 ||
            in.pixels.size() != static_cast<std::size_t>(in.width) * in.height * in.channels) {
            if (problem) *problem = "inline image (" + sample.where + "): " + std::to_string(in.pixels.size()) + " bytes for " +
                                    std::to_string(in.width) + " x " + std::to_string(in.height) + " x " + std::to_string(in.channels);
            return false;
        }
        if (in.channels == 1) {
            rgb = greyToRgb(in.pixels.data(), in.width, in.height);
        } else {
            rgb.width = in.width;
            rgb.height = in.height;
            rgb.pixels = in.pixels;
        }
        return true;
    }
    std::string why;
    if (!readRgbImage(sample.image, rgb, why, 8)) {
        if (problem) *problem = "image '" + sample.image + "' (" + sample.where + "): " + why;
        return false;
    }
    return true;
}

FacePreprocessor::Square FacePreprocessor::faceSquare(const DownstreamSample& s, int width, int height) const {
    double x = 0, y = 0, w = width, h = height;
    if (s.box) {
        x = s.box->x, y = s.box->y, w = s.box->width, h = s.box->height;
    } else if (!s.landmarks.empty()) {
        double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
        for (std::size_t i = 0; i + 1 < s.landmarks.size(); i += 2) {
            x0 = std::min<double>(x0, s.landmarks[i]);
            x1 = std::max<double>(x1, s.landmarks[i]);
            y0 = std::min<double>(y0, s.landmarks[i + 1]);
            y1 = std::max<double>(y1, s.landmarks[i + 1]);
        }
        x = x0, y = y0, w = std::max(1.0, x1 - x0), h = std::max(1.0, y1 - y0);
    } else {  // no box, no landmarks: the centred square of the whole image, no margin
        const double side = std::min(width, height);
        return {(width - side) / 2.0, (height - side) / 2.0, side};
    }
    const double side = std::max(w, h) * (1.0 + 2.0 * margin_);
    return {x + w / 2 - side / 2, y + h / 2 - side / 2, side};
}

bool FacePreprocessor::prepare(const DownstreamSample& sample, bool augment, std::uint64_t seed, float* chw, float* landmarksOut,
                               std::string* problem) const {
    jpeg::RgbImage rgb;
    if (!load(sample, rgb, problem)) return false;
    Square square = faceSquare(sample, rgb.width, rgb.height);
    bool flip = false;
    if (augment) {
        std::uint64_t state = seed;
        auto uniform = [&](double lo, double hi) {
            state = splitMix64(state);
            return lo + (hi - lo) * static_cast<double>(state >> 11) * 0x1.0p-53;
        };
        // scale 0.9-1.1 and shift up to 5 % of the side: a random crop that keeps the face
        const double scale = uniform(0.9, 1.1);
        const double side = square.side * scale;
        const double dx = uniform(-0.05, 0.05) * square.side, dy = uniform(-0.05, 0.05) * square.side;
        square = {square.x + (square.side - side) / 2 + dx, square.y + (square.side - side) / 2 + dy, side};
        flip = sample.landmarks.empty() && uniform(0, 1) < 0.5;  // flipping landmarks would need a point permutation
    }
    const jpeg::RgbImage out = cropSquare(rgb, square.x, square.y, square.side, size_, flip);
    const std::size_t plane = static_cast<std::size_t>(size_) * size_;
    for (std::size_t p = 0; p < plane; ++p)
        for (int c = 0; c < 3; ++c) chw[c * plane + p] = static_cast<float>((out.pixels[3 * p + c] / 255.0 - mean_[c]) / std_[c]);
    if (landmarksOut) landmarksIn(square, sample, landmarksOut);
    return true;
}

void FacePreprocessor::landmarksIn(const Square& square, const DownstreamSample& sample, float* out) {
    for (std::size_t i = 0; i + 1 < sample.landmarks.size(); i += 2) {
        out[i] = static_cast<float>((sample.landmarks[i] - square.x) / square.side);
        out[i + 1] = static_cast<float>((sample.landmarks[i + 1] - square.y) / square.side);
    }
}

jpeg::RgbImage FacePreprocessor::crop(const DownstreamSample& sample, std::string* problem, float* landmarksOut) const {
    jpeg::RgbImage rgb;
    if (!load(sample, rgb, problem)) return {};
    const Square square = faceSquare(sample, rgb.width, rgb.height);
    if (landmarksOut) landmarksIn(square, sample, landmarksOut);
    return cropSquare(rgb, square.x, square.y, square.side, size_, false);
}

}  // namespace fra
