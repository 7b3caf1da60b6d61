#include "heatmap/HeatmapRenderer.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace fra {

std::vector<cv::Vec3b> HeatmapRenderer::palette(int regions) {
    static const std::vector<cv::Vec3b> fixed = {
        {230, 25, 75},  {60, 180, 75},  {255, 225, 25}, {0, 130, 200},  {245, 130, 48},  {145, 30, 180},
        {70, 240, 240}, {240, 50, 230}, {210, 245, 60}, {250, 190, 212}, {0, 128, 128},  {220, 190, 255},
        {170, 110, 40}, {255, 250, 200}, {128, 0, 0},   {170, 255, 195}, {128, 128, 0}, {255, 215, 180},
        {0, 0, 128},    {128, 128, 128}};
    std::vector<cv::Vec3b> colours;
    for (int k = 0; k < regions; ++k) {
        if (k < static_cast<int>(fixed.size())) {
            colours.push_back(fixed[k]);
            continue;
        }
        // Beyond the fixed list: golden-ratio hue steps at full saturation.
        const double hue = std::fmod(k * 0.618033988749895, 1.0) * 180.0;
        cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue, 200, 230)), rgb;
        cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
        colours.push_back(rgb.at<cv::Vec3b>(0, 0));
    }
    return colours;
}

std::vector<cv::Mat> HeatmapRenderer::upsample(const float* maps, int regions, int height, int width, cv::Size size) {
    std::vector<cv::Mat> out;
    for (int k = 0; k < regions; ++k) {
        const cv::Mat small(height, width, CV_32F, const_cast<float*>(maps + static_cast<std::size_t>(k) * height * width));
        cv::Mat big;
        cv::resize(small, big, size, 0, 0, cv::INTER_LINEAR);
        out.push_back(big);
    }
    return out;
}

cv::Mat HeatmapRenderer::overlay(const cv::Mat& rgb, const std::vector<cv::Mat>& maps, double opacity,
                                 const std::vector<bool>& visible) {
    const auto colours = palette(static_cast<int>(maps.size()));
    cv::Mat out(rgb.size(), CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y) {
        for (int x = 0; x < rgb.cols; ++x) {
            double weight = 0, colour[3] = {0, 0, 0};
            for (std::size_t k = 0; k < maps.size(); ++k) {
                if (!visible.empty() && !visible[k]) continue;
                const double m = std::clamp(static_cast<double>(maps[k].at<float>(y, x)), 0.0, 1.0);
                weight += m;
                for (int c = 0; c < 3; ++c) colour[c] += m * colours[k][c];
            }
            const double a = opacity * std::min(1.0, weight);
            const cv::Vec3b& px = rgb.at<cv::Vec3b>(y, x);
            cv::Vec3b& o = out.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c) {
                const double tint = weight > 0 ? colour[c] / weight : 0.0;
                o[c] = cv::saturate_cast<uchar>((1 - a) * px[c] + a * tint);
            }
        }
    }
    return out;
}

cv::Mat HeatmapRenderer::argmaxMap(const cv::Mat& rgb, const std::vector<cv::Mat>& maps, double opacity) {
    const auto colours = palette(static_cast<int>(maps.size()));
    cv::Mat out(rgb.size(), CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y) {
        for (int x = 0; x < rgb.cols; ++x) {
            std::size_t best = 0;
            for (std::size_t k = 1; k < maps.size(); ++k)
                if (maps[k].at<float>(y, x) > maps[best].at<float>(y, x)) best = k;
            const cv::Vec3b& px = rgb.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c)
                out.at<cv::Vec3b>(y, x)[c] = cv::saturate_cast<uchar>((1 - opacity) * px[c] + opacity * colours[best][c]);
        }
    }
    return out;
}

cv::Mat HeatmapRenderer::regionPanel(const cv::Mat& rgb, const cv::Mat& map, const cv::Vec3b& colour, double opacity) {
    cv::Mat gray, base;
    cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
    cv::cvtColor(gray, base, cv::COLOR_GRAY2RGB);
    cv::Mat out(rgb.size(), CV_8UC3);
    for (int y = 0; y < rgb.rows; ++y) {
        for (int x = 0; x < rgb.cols; ++x) {
            const double a = std::clamp(opacity * map.at<float>(y, x), 0.0, 1.0);
            const cv::Vec3b& px = base.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c)
                out.at<cv::Vec3b>(y, x)[c] = cv::saturate_cast<uchar>((1 - a) * 0.6 * px[c] + a * colour[c]);
        }
    }
    return out;
}

cv::Mat HeatmapRenderer::sheet(const cv::Mat& rgb, const std::vector<cv::Mat>& maps, double opacity) {
    const auto colours = palette(static_cast<int>(maps.size()));
    std::vector<cv::Mat> tiles{rgb, overlay(rgb, maps, opacity), argmaxMap(rgb, maps, opacity)};
    for (std::size_t k = 0; k < maps.size(); ++k) tiles.push_back(regionPanel(rgb, maps[k], colours[k], 1.0));
    const int gap = 4;
    cv::Mat out(rgb.rows, static_cast<int>(tiles.size()) * (rgb.cols + gap) - gap, CV_8UC3, cv::Scalar(255, 255, 255));
    for (std::size_t i = 0; i < tiles.size(); ++i)
        tiles[i].copyTo(out(cv::Rect(static_cast<int>(i) * (rgb.cols + gap), 0, rgb.cols, rgb.rows)));
    return out;
}

}  // namespace fra
