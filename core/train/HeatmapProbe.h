#pragma once
#include "config/FraConfig.h"
#include "data/JpegCodec.h"
#include "run/NpyFile.h"

#include <vector>

namespace fra {

class FraModelImpl;

// Runs the online branch in inference mode (BN running statistics, `proto` prototypes) on
// square RGB faces and returns their K heatmaps as a [P, K, h, w] float32 array. The model's
// training state (mode, buffers, random generator) is left as it was.
// Runs on the device the model lives on. `temperature` > 0 replaces the model's heatmap
// temperature t_h: softmax over regions of the cosines / temperature.
// Faces of data.image_size squared (a run's probe faces) are used as they are; faces of any other
// size are centre-cropped to a square and resized to it first (centreSquareResize).
NpyArray computeHeatmaps(FraModelImpl& model, const std::vector<jpeg::RgbImage>& rgbFaces, const DataConfig& data,
                         double temperature = 0);

// The network's input for square RGB faces: [count x 3 x S x S] floats, S = data.image_size, each
// face centre-cropped and resized to S first where it is another size, then normalised like the
// training augmentation (x / 255 - mean) / std. Throws FraError for an empty image.
std::vector<float> normalisedFaces(const std::vector<jpeg::RgbImage>& rgbFaces, const DataConfig& data);

}  // namespace fra
