#pragma once
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

// Synthetic images for tests: smooth random colour fields with a face-like blob, written in
// any format OpenCV encodes, plus deliberately broken files.
namespace testimages {

cv::Mat syntheticRgb(int width, int height, unsigned seed);
void writeImage(const std::filesystem::path& file, const cv::Mat& rgb);
// `count` images of `size` px as face_NNN.<ext> in `dir`; returns dir.
std::filesystem::path writeFolder(const std::filesystem::path& dir, int count, int size, const std::string& ext = ".jpg");
// A `folder`-format classification dataset (split/class/image.png): classes "red" and "blue", told
// apart by colour, so any backbone, even a random one, separates them. Returns root.
std::filesystem::path writeColourClassFolders(const std::filesystem::path& root, int trainPerClass, int testPerClass);
// A `pts`-format landmark dataset (split/group/image.png + .pts): a dark blob at a different place
// in each 64 px image, its 68 "landmarks" 4 rows of 17 around it. The outer rows fix the face box;
// the blob and the two inner rows move up or down together by up to 2 px, so the landmarks in the
// crop vary with what the image shows. 24 train and 8 test faces.
std::filesystem::path writeBlobLandmarkDataset(const std::filesystem::path& root);
void writeTruncatedJpeg(const std::filesystem::path& file);
void writeGarbage(const std::filesystem::path& file);

}  // namespace testimages
