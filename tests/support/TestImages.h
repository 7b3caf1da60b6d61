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
void writeTruncatedJpeg(const std::filesystem::path& file);
void writeGarbage(const std::filesystem::path& file);

}  // namespace testimages
