#pragma once
#include "data/JpegCodec.h"
#include "downstream/DownstreamDataset.h"

#include <array>
#include <cstdint>
#include <string>

namespace fra {

// Turns one downstream sample into the network's input: loads the image (file or inline
// pixels), crops a square around the face (its box, else its landmarks, else the whole image)
// enlarged by `cropMargin`, resizes, optionally augments, and normalises like pre-training.
// Landmarks come out in [0, 1] coordinates of the crop.
class FacePreprocessor {
public:
    FacePreprocessor(int imageSize, double cropMargin, std::array<double, 3> mean, std::array<double, 3> std);

    // Writes 3 x S x S floats to `chw` (and 2L floats to `landmarksOut` for landmark samples).
    // Returns false with `problem` set when the image cannot be read; never throws for that.
    bool prepare(const DownstreamSample& sample, bool augment, std::uint64_t seed, float* chw, float* landmarksOut,
                 std::string* problem) const;

    // The square crop of the face in RGB (size x size), e.g. for heatmaps; empty (0 x 0) on failure.
    // With `landmarksOut`, also the landmarks in [0, 1] crop coordinates, as `prepare` gives them.
    jpeg::RgbImage crop(const DownstreamSample& sample, std::string* problem, float* landmarksOut = nullptr) const;

    int imageSize() const { return size_; }

private:
    struct Square {
        double x, y, side;
    };
    bool load(const DownstreamSample& sample, jpeg::RgbImage& rgb, std::string* problem) const;
    Square faceSquare(const DownstreamSample& sample, int imageWidth, int imageHeight) const;
    static void landmarksIn(const Square& square, const DownstreamSample& sample, float* out);
    int size_;
    double margin_;
    std::array<double, 3> mean_, std_;
};

}  // namespace fra
