#pragma once
#include "data/ImageOps.h"

#include <vector>

namespace fra {

// Draws FRA's K facial-region heatmaps over a face image (no OpenCV, no LibTorch, no Qt), for the
// `fra heatmaps` command of every build and for the workbench's heatmap view alike.
class HeatmapRenderer {
public:
    // K RGB colours, distinct from each other and from skin tones; region k keeps its colour whatever K is.
    static std::vector<Rgb> palette(int regions);

    // `maps` holds K x h x w floats (a softmax over regions per pixel); each map is bilinearly
    // upsampled to width x height.
    static std::vector<FloatPlane> upsample(const float* maps, int regions, int height, int width, int outWidth, int outHeight);

    // Every region in its colour, weighted by its heatmap, blended over the image.
    static jpeg::RgbImage overlay(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity,
                                  const std::vector<bool>& visible = {});
    // Each pixel in the colour of its most likely region.
    static jpeg::RgbImage argmaxMap(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity);
    // One region over a dimmed grey copy of the image.
    static jpeg::RgbImage regionPanel(const jpeg::RgbImage& rgb, const FloatPlane& map, const Rgb& colour, double opacity);
    // One row: image | overlay | argmax | one panel per region, 4 pixels of `gap` between tiles.
    static jpeg::RgbImage sheet(const jpeg::RgbImage& rgb, const std::vector<FloatPlane>& maps, double opacity, const Rgb& gap = {255, 255, 255});
};

}  // namespace fra
