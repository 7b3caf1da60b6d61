#include "support/TestImages.h"

#include "downstream/AnnotationFile.h"

#include <cstdio>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

namespace testimages {

cv::Mat syntheticRgb(int width, int height, unsigned seed) {
    std::mt19937 rng(seed);
    cv::Mat small(6, 6, CV_8UC3);
    for (int i = 0; i < 6 * 6 * 3; ++i) small.data[i] = static_cast<uchar>(rng() % 256);
    cv::Mat img;
    cv::resize(small, img, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
    const cv::Point centre(width / 2 + static_cast<int>(rng() % 9) - 4, height / 2);
    cv::ellipse(img, centre, cv::Size(width / 4, height / 3), 0, 0, 360, cv::Scalar(200, 160, 130), cv::FILLED);
    cv::circle(img, centre + cv::Point(-width / 10, -height / 10), std::max(1, width / 30), cv::Scalar(30, 30, 30), cv::FILLED);
    cv::circle(img, centre + cv::Point(width / 10, -height / 10), std::max(1, width / 30), cv::Scalar(30, 30, 30), cv::FILLED);
    return img;
}

void writeImage(const std::filesystem::path& file, const cv::Mat& rgb) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    if (!cv::imwrite(file.string(), bgr)) throw std::runtime_error("cannot write " + file.string());
}

std::filesystem::path writeFolder(const std::filesystem::path& dir, int count, int size, const std::string& ext) {
    std::filesystem::create_directories(dir);
    for (int i = 0; i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "face_%03d", i);
        writeImage(dir / (name + ext), syntheticRgb(size, size, static_cast<unsigned>(i + 1)));
    }
    return dir;
}

std::filesystem::path writeColourClassFolders(const std::filesystem::path& root, int trainPerClass, int testPerClass) {
    for (const std::string split : {"train", "test"})
        for (int c = 0; c < 2; ++c)
            for (int i = 0; i < (split == "train" ? trainPerClass : testPerClass); ++i) {
                cv::Mat img = syntheticRgb(40, 40, static_cast<unsigned>(i + 50 * c));
                img = 0.3 * img + 0.7 * cv::Mat(40, 40, CV_8UC3, c == 0 ? cv::Scalar(230, 20, 20) : cv::Scalar(20, 20, 230));
                const std::filesystem::path f = root / split / (c == 0 ? "red" : "blue") / ("img" + std::to_string(i) + ".png");
                std::filesystem::create_directories(f.parent_path());
                writeImage(f, img);
            }
    return root;
}

std::filesystem::path writeBlobLandmarkDataset(const std::filesystem::path& root) {
    for (const std::string split : {"train", "test"})
        for (int i = 0; i < (split == "train" ? 24 : 8); ++i) {
            const int cx = 24 + (i * 7) % 16, cy = 24 + (i * 5) % 16, shift = (i * 3) % 5 - 2;
            cv::Mat img(64, 64, CV_8UC3, cv::Scalar(200, 200, 200));
            cv::circle(img, {cx, cy + shift}, 6, cv::Scalar(20, 20, 20), cv::FILLED);
            std::vector<float> xy;
            for (int p = 0; p < 68; ++p) {
                const int row = p / 17;
                xy.push_back(static_cast<float>(cx - 10 + (p % 17) * 1.25));
                xy.push_back(static_cast<float>(cy - 10 + row * 5.0 + (row == 1 || row == 2 ? shift : 0)));
            }
            const std::filesystem::path f = root / split / ("g" + std::to_string(i % 3)) / ("f" + std::to_string(i) + ".png");
            std::filesystem::create_directories(f.parent_path());
            writeImage(f, img);
            fra::writePtsFile(std::filesystem::path(f).replace_extension(".pts"), xy);
        }
    return root;
}

void writeTruncatedJpeg(const std::filesystem::path& file) {
    std::vector<uchar> bytes;
    cv::imencode(".jpg", syntheticRgb(64, 64, 99), bytes);
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size() / 2));
}

void writeGarbage(const std::filesystem::path& file) {
    std::ofstream(file, std::ios::binary) << "this is not an image at all";
}

}  // namespace testimages
