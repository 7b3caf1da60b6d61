#pragma once
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

namespace fra {

struct DecodedImage {
    cv::Mat rgb;          // 8-bit, 3 channels, RGB order; empty when decoding failed
    std::string problem;  // why it was rejected ("truncated JPEG", "8x6 is smaller than 32 px", ...)
    bool ok() const { return problem.empty(); }
};

// Reads an image file into RGB. Never throws for bad files: corrupt, truncated, unreadable
// and too-small images come back with `problem` set, so a training run skips and logs them.
class ImageDecoder {
public:
    explicit ImageDecoder(int minSide = 1) : minSide_(minSide) {}
    DecodedImage decode(const std::filesystem::path& path) const;
    DecodedImage decodeBytes(const std::string& bytes, const std::string& nameForErrors) const;

private:
    int minSide_;
};

}  // namespace fra
