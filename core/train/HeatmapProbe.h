#pragma once
#include "config/FraConfig.h"
#include "data/JpegCodec.h"
#include "run/NpyFile.h"

#include <vector>
#ifndef FRA_NO_OPENCV
#include <opencv2/core.hpp>
#endif

namespace fra {

class FraModelImpl;

// Runs the online branch in inference mode (BN running statistics, `proto` prototypes) on
// square RGB faces and returns their K heatmaps as a [P, K, h, w] float32 array. The model's
// training state (mode, buffers, random generator) is left as it was.
// Runs on the device the model lives on. `temperature` > 0 replaces the model's heatmap
// temperature t_h: softmax over regions of the cosines / temperature.
// Faces of data.image_size squared (a run's probe faces), in every build.
NpyArray computeHeatmaps(FraModelImpl& model, const std::vector<jpeg::RgbImage>& squareRgbImages, const DataConfig& data,
                         double temperature = 0);
#ifndef FRA_NO_OPENCV
// Faces of any size: centre-cropped to data.image_size first.
NpyArray computeHeatmaps(FraModelImpl& model, const std::vector<cv::Mat>& squareRgbImages, const DataConfig& data,
                         double temperature = 0);
#endif

}  // namespace fra
