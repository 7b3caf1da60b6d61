#include "data/TwoViewAugmenter.h"

#include "util/SeedSequence.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace fra {
namespace {

cv::Mat applyLut(const cv::Mat& img, const std::array<uchar, 256>& table) {
    cv::Mat out;
    cv::LUT(img, cv::Mat(1, 256, CV_8U, const_cast<uchar*>(table.data())), out);
    return out;
}

uchar clampByte(double v) { return static_cast<uchar>(std::clamp(std::lround(v), 0L, 255L)); }

cv::Mat adjustBrightness(const cv::Mat& img, double factor) {
    std::array<uchar, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = clampByte(i * factor);
    return applyLut(img, t);
}

cv::Mat adjustContrast(const cv::Mat& img, double factor) {
    cv::Mat gray;
    cv::cvtColor(img, gray, cv::COLOR_RGB2GRAY);
    const double mean = std::floor(cv::mean(gray)[0] + 0.5);  // PIL rounds the grey mean
    std::array<uchar, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = clampByte(mean + factor * (i - mean));
    return applyLut(img, t);
}

cv::Mat adjustSaturation(const cv::Mat& img, double factor) {
    cv::Mat gray, gray3, out;
    cv::cvtColor(img, gray, cv::COLOR_RGB2GRAY);
    cv::cvtColor(gray, gray3, cv::COLOR_GRAY2RGB);
    cv::addWeighted(img, factor, gray3, 1.0 - factor, 0.0, out);
    return out;
}

cv::Mat adjustHue(const cv::Mat& img, double shift) {
    cv::Mat hsv;
    cv::cvtColor(img, hsv, cv::COLOR_RGB2HSV_FULL);  // hue over 0..255, like PIL
    const int delta = static_cast<int>(std::lround(shift * 255.0));
    std::array<uchar, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = static_cast<uchar>((i + delta + 256) & 0xFF);
    std::vector<cv::Mat> channels;
    cv::split(hsv, channels);
    channels[0] = applyLut(channels[0], t);
    cv::merge(channels, hsv);
    cv::Mat out;
    cv::cvtColor(hsv, out, cv::COLOR_HSV2RGB_FULL);
    return out;
}

}  // namespace

TwoViewAugmenter::TwoViewAugmenter(const DataConfig& config) : config_(config), sampler_(config) {}

void TwoViewAugmenter::render(const cv::Mat& rgb, const ViewParams& p, float* chwOut) const {
    const int size = config_.imageSize;
    const cv::Mat crop = rgb(cv::Rect(p.cropX, p.cropY, p.cropWidth, p.cropHeight));
    cv::Mat img;
    // PIL's bilinear resize low-pass filters when shrinking; INTER_AREA does the same in OpenCV.
    const bool shrinking = p.cropWidth > size || p.cropHeight > size;
    cv::resize(crop, img, cv::Size(size, size), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    if (p.flip) cv::flip(img, img, 1);
    if (p.jitter) {
        for (int op : p.jitterOrder) {
            switch (op) {
            case 0: img = adjustBrightness(img, p.brightness); break;
            case 1: img = adjustContrast(img, p.contrast); break;
            case 2: img = adjustSaturation(img, p.saturation); break;
            case 3: img = adjustHue(img, p.hue); break;
            }
        }
    }
    if (p.grayscale) {
        cv::Mat gray;
        cv::cvtColor(img, gray, cv::COLOR_RGB2GRAY);
        cv::cvtColor(gray, img, cv::COLOR_GRAY2RGB);
    }
    if (p.blur && p.blurSigma > 0) cv::GaussianBlur(img, img, cv::Size(0, 0), p.blurSigma, p.blurSigma, cv::BORDER_REFLECT);
    if (p.solarize) {
        std::array<uchar, 256> t{};
        for (int i = 0; i < 256; ++i) t[i] = static_cast<uchar>(i < config_.solarizeThreshold ? i : 255 - i);
        img = applyLut(img, t);
    }
    normalizeInto(img, chwOut);
}

cv::Mat TwoViewAugmenter::centerCrop(const cv::Mat& rgb, int size) {
    const double scale = static_cast<double>(size) / std::min(rgb.cols, rgb.rows);
    const int w = std::max(size, static_cast<int>(std::lround(rgb.cols * scale)));
    const int h = std::max(size, static_cast<int>(std::lround(rgb.rows * scale)));
    cv::Mat resized;
    cv::resize(rgb, resized, cv::Size(w, h), 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    return resized(cv::Rect((w - size) / 2, (h - size) / 2, size, size)).clone();
}

void TwoViewAugmenter::normalizeInto(const cv::Mat& img, float* chwOut) const {
    const int size = img.rows;
    const std::size_t plane = static_cast<std::size_t>(size) * img.cols;
    float scale[3], offset[3];
    for (int c = 0; c < 3; ++c) {
        scale[c] = static_cast<float>(1.0 / (255.0 * config_.std[c]));
        offset[c] = static_cast<float>(-config_.mean[c] / config_.std[c]);
    }
    for (int y = 0; y < size; ++y) {
        const uchar* row = img.ptr<uchar>(y);
        float* r = chwOut + static_cast<std::size_t>(y) * img.cols;
        float* g = r + plane;
        float* b = g + plane;
        for (int x = 0; x < img.cols; ++x) {
            r[x] = row[3 * x] * scale[0] + offset[0];
            g[x] = row[3 * x + 1] * scale[1] + offset[1];
            b[x] = row[3 * x + 2] * scale[2] + offset[2];
        }
    }
}

}  // namespace fra
