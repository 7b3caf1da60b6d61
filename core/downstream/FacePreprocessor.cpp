#include "downstream/FacePreprocessor.h"

#include "data/ImageDecoder.h"
#include "util/SeedSequence.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace fra {

FacePreprocessor::FacePreprocessor(int imageSize, double cropMargin, std::array<double, 3> mean, std::array<double, 3> std)
    : size_(imageSize), margin_(cropMargin), mean_(mean), std_(std) {}

namespace {
// The square region of `rgb` resized to size x size (replicated border outside the image).
// Large shrinks first go through INTER_AREA, which warpAffine lacks, to avoid aliasing.
cv::Mat warpSquare(const cv::Mat& rgb, cv::Rect2d square, int size, bool flip) {
    cv::Mat source = rgb;
    double s = size / square.width;
    if (s < 0.75) {
        cv::resize(rgb, source, cv::Size(std::max(1, int(std::lround(rgb.cols * s))), std::max(1, int(std::lround(rgb.rows * s)))), 0, 0,
                   cv::INTER_AREA);
        const double fx = double(source.cols) / rgb.cols;
        square = cv::Rect2d(square.x * fx, square.y * fx, square.width * fx, square.height * fx);
        s = size / square.width;
    }
    const cv::Mat affine = flip ? (cv::Mat_<double>(2, 3) << -s, 0, size - 1 + square.x * s, 0, s, -square.y * s)
                                : (cv::Mat_<double>(2, 3) << s, 0, -square.x * s, 0, s, -square.y * s);
    cv::Mat out;
    cv::warpAffine(source, out, affine, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return out;
}
}  // namespace

cv::Mat FacePreprocessor::load(const DownstreamSample& sample, std::string* problem) const {
    if (sample.pixels) {
        cv::Mat rgb;
        if (sample.pixels->channels() == 1) cv::cvtColor(*sample.pixels, rgb, cv::COLOR_GRAY2RGB);
        else rgb = *sample.pixels;
        return rgb;
    }
    DecodedImage image = ImageDecoder(8).decode(sample.image);
    if (!image.ok()) {
        if (problem) *problem = "image '" + sample.image + "' (" + sample.where + "): " + image.problem;
        return {};
    }
    return image.rgb;
}

cv::Rect2d FacePreprocessor::faceSquare(const DownstreamSample& s, const cv::Size& size) const {
    cv::Rect2d box(0, 0, size.width, size.height);
    if (s.box) {
        box = cv::Rect2d(s.box->x, s.box->y, s.box->width, s.box->height);
    } else if (!s.landmarks.empty()) {
        double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
        for (std::size_t i = 0; i + 1 < s.landmarks.size(); i += 2) {
            x0 = std::min<double>(x0, s.landmarks[i]);
            x1 = std::max<double>(x1, s.landmarks[i]);
            y0 = std::min<double>(y0, s.landmarks[i + 1]);
            y1 = std::max<double>(y1, s.landmarks[i + 1]);
        }
        box = cv::Rect2d(x0, y0, std::max(1.0, x1 - x0), std::max(1.0, y1 - y0));
    } else {
        return box.width == box.height ? box : cv::Rect2d((size.width - std::min(size.width, size.height)) / 2.0,
                                                          (size.height - std::min(size.width, size.height)) / 2.0,
                                                          std::min(size.width, size.height), std::min(size.width, size.height));
    }
    const double side = std::max(box.width, box.height) * (1.0 + 2.0 * margin_);
    const double cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    return cv::Rect2d(cx - side / 2, cy - side / 2, side, side);
}

bool FacePreprocessor::prepare(const DownstreamSample& sample, bool augment, std::uint64_t seed, float* chw, float* landmarksOut,
                               std::string* problem) const {
    const cv::Mat rgb = load(sample, problem);
    if (rgb.empty()) return false;
    cv::Rect2d square = faceSquare(sample, rgb.size());
    bool flip = false;
    if (augment) {
        std::uint64_t state = seed;
        auto uniform = [&](double lo, double hi) {
            state = splitMix64(state);
            return lo + (hi - lo) * static_cast<double>(state >> 11) * 0x1.0p-53;
        };
        // scale 0.9-1.1 and shift up to 5 % of the side: a random crop that keeps the face
        const double scale = uniform(0.9, 1.1);
        const double side = square.width * scale;
        const double dx = uniform(-0.05, 0.05) * square.width, dy = uniform(-0.05, 0.05) * square.width;
        square = cv::Rect2d(square.x + (square.width - side) / 2 + dx, square.y + (square.height - side) / 2 + dy, side, side);
        flip = sample.landmarks.empty() && uniform(0, 1) < 0.5;  // flipping landmarks would need a point permutation
    }
    const cv::Mat out = warpSquare(rgb, square, size_, flip);
    const std::size_t plane = static_cast<std::size_t>(size_) * size_;
    for (int y = 0; y < size_; ++y) {
        const uchar* row = out.ptr<uchar>(y);
        for (int x = 0; x < size_; ++x)
            for (int c = 0; c < 3; ++c)
                chw[c * plane + static_cast<std::size_t>(y) * size_ + x] = static_cast<float>((row[3 * x + c] / 255.0 - mean_[c]) / std_[c]);
    }
    if (landmarksOut) landmarksIn(square, sample, landmarksOut);
    return true;
}

void FacePreprocessor::landmarksIn(const cv::Rect2d& square, const DownstreamSample& sample, float* out) {
    for (std::size_t i = 0; i + 1 < sample.landmarks.size(); i += 2) {
        out[i] = static_cast<float>((sample.landmarks[i] - square.x) / square.width);
        out[i + 1] = static_cast<float>((sample.landmarks[i + 1] - square.y) / square.height);
    }
}

cv::Mat FacePreprocessor::crop(const DownstreamSample& sample, std::string* problem, float* landmarksOut) const {
    const cv::Mat rgb = load(sample, problem);
    if (rgb.empty()) return {};
    const cv::Rect2d square = faceSquare(sample, rgb.size());
    if (landmarksOut) landmarksIn(square, sample, landmarksOut);
    return warpSquare(rgb, square, size_, false);
}

}  // namespace fra
