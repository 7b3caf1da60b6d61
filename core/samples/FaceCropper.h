#pragma once
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>
#include <vector>

namespace fra {

struct FaceCropOptions {
    std::filesystem::path cascade;     // OpenCV Haar face cascade (Debian: opencv-data)
    std::filesystem::path eyeCascade;  // if set, a face must also show an eye (drops false positives)
    int outputSize = 160;            // side of the saved square crops
    double margin = 1.6;             // crop side / detected box side (VGGFace2-like loose crops)
    int minFace = 40;                // smallest face side in pixels
    int minNeighbors = 6;            // detector strictness
    int videoStride = 5;             // every n-th video frame
};

// Builds the real-face sample pool: finds faces in photos and video frames with OpenCV's
// Haar detector and saves loose square crops (replicated border where a face touches the edge).
class FaceCropper {
public:
    explicit FaceCropper(FaceCropOptions options);

    // `verifyEyes`: also require an eye inside the box (photos; video frames of one person skip it).
    // Tight face crops defeat the detector, so an image without a face is tried again padded.
    std::vector<cv::Rect> detect(const cv::Mat& rgb, bool verifyEyes) const;
    cv::Mat crop(const cv::Mat& rgb, const cv::Rect& face) const;

    // Each writes <outDir>/<stem>_NNN.jpg and returns how many faces it saved.
    int processImage(const std::filesystem::path& file, const std::filesystem::path& outDir) const;
    int processVideo(const std::filesystem::path& file, const std::filesystem::path& outDir) const;

private:
    void save(const cv::Mat& rgb, const std::filesystem::path& file) const;
    FaceCropOptions options_;
    std::vector<cv::Rect> detectOnce(const cv::Mat& gray, bool verifyEyes) const;
    bool looksLikeFace(const cv::Mat& gray, const cv::Rect& face, bool verifyEyes) const;
    mutable cv::CascadeClassifier detector_;
    mutable cv::CascadeClassifier eyes_;
};

}  // namespace fra
