#pragma once
#include <opencv2/core.hpp>
#include <vector>

namespace fra {

// Draws FRA's K facial-region heatmaps over a face image (OpenCV, no LibTorch, no Qt), for the
// `fra heatmaps` command and for the workbench's heatmap view alike.
class HeatmapRenderer {
public:
    // K clearly distinct RGB colours; the first ones are fixed so region k keeps its colour.
    static std::vector<cv::Vec3b> palette(int regions);

    // `maps` holds K x h x w floats (a softmax over regions per pixel); each map is bilinearly
    // upsampled to `size` (CV_32F).
    static std::vector<cv::Mat> upsample(const float* maps, int regions, int height, int width, cv::Size size);

    // Every region in its colour, weighted by its heatmap, blended over the image.
    static cv::Mat overlay(const cv::Mat& rgb, const std::vector<cv::Mat>& maps, double opacity,
                           const std::vector<bool>& visible = {});
    // Each pixel in the colour of its most likely region.
    static cv::Mat argmaxMap(const cv::Mat& rgb, const std::vector<cv::Mat>& maps, double opacity);
    // One region over a dimmed grey copy of the image.
    static cv::Mat regionPanel(const cv::Mat& rgb, const cv::Mat& map, const cv::Vec3b& colour, double opacity);
    // One row: image | overlay | argmax | one panel per region.
    static cv::Mat sheet(const cv::Mat& rgb, const std::vector<cv::Mat>& maps, double opacity);
};

}  // namespace fra
