// The project's own resampling (data/ImageOps: every build, the one without OpenCV included)
// against OpenCV's, whose conventions it follows.
#include "data/ImageOps.h"
#include "data/PngCodec.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/AtomicFile.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

fra::jpeg::RgbImage fromMat(const cv::Mat& rgb) {
    fra::jpeg::RgbImage out;
    out.width = rgb.cols;
    out.height = rgb.rows;
    const cv::Mat c = rgb.isContinuous() ? rgb : rgb.clone();
    out.pixels.assign(c.data, c.data + c.total() * 3);
    return out;
}

// Largest difference of any channel of any pixel.
int largestDifference(const fra::jpeg::RgbImage& a, const cv::Mat& b) {
    EXPECT_EQ(a.width, b.cols);
    EXPECT_EQ(a.height, b.rows);
    const fra::jpeg::RgbImage other = fromMat(b);
    int worst = 0;
    for (std::size_t i = 0; i < a.pixels.size() && i < other.pixels.size(); ++i) worst = std::max(worst, std::abs(a.pixels[i] - other.pixels[i]));
    return worst;
}

}  // namespace

TEST(ImageOps, ResizeFollowsOpenCvsAreaAndLinearFilters) {
    const cv::Mat face = testimages::syntheticRgb(120, 90, 5);
    cv::Mat area, linear;
    cv::resize(face, area, cv::Size(40, 30), 0, 0, cv::INTER_AREA);  // shrinking by 3: a box filter
    EXPECT_LE(largestDifference(fra::resizeRgb(fromMat(face), 40, 30), area), 1);
    cv::resize(face, linear, cv::Size(300, 200), 0, 0, cv::INTER_LINEAR);
    EXPECT_LE(largestDifference(fra::resizeRgb(fromMat(face), 300, 200), linear), 1);
}

TEST(ImageOps, FloatMapsResizeLikeOpenCvsLinearFilter) {
    std::vector<float> map(7 * 5);
    for (std::size_t i = 0; i < map.size(); ++i) map[i] = static_cast<float>((i * 37 % 11) / 10.0);
    const cv::Mat small(5, 7, CV_32F, map.data());
    for (const cv::Size size : {cv::Size(70, 50), cv::Size(3, 2), cv::Size(224, 160)}) {
        cv::Mat big;
        cv::resize(small, big, size, 0, 0, cv::INTER_LINEAR);
        const fra::FloatPlane ours = fra::resizeBilinear(map.data(), 7, 5, size.width, size.height);
        double worst = 0;
        for (int y = 0; y < size.height; ++y)
            for (int x = 0; x < size.width; ++x) worst = std::max(worst, std::abs(static_cast<double>(ours.at(x, y) - big.at<float>(y, x))));
        EXPECT_LT(worst, 1e-5) << size;
    }
}

TEST(ImageOps, SquareCropsMatchAnAffineWarpWithRepeatedBorders) {
    const cv::Mat face = testimages::syntheticRgb(100, 80, 9);
    // inside, partly outside (the border is repeated), mirrored, and a large shrink (box filter first)
    struct Case {
        double x, y, side;
        int size;
        bool flip;
    };
    for (const Case c : {Case{10, 5, 60, 60, false}, Case{-20, 40, 70, 35, false}, Case{15, 10, 50, 64, true}, Case{0, 0, 80, 20, false}}) {
        const fra::jpeg::RgbImage ours = fra::cropSquare(fromMat(face), c.x, c.y, c.side, c.size, c.flip);
        cv::Mat source = face;
        double x = c.x, y = c.y, s = c.size / c.side;
        if (s < 0.75) {
            cv::resize(face, source, cv::Size(int(std::lround(face.cols * s)), int(std::lround(face.rows * s))), 0, 0, cv::INTER_AREA);
            const double f = double(source.cols) / face.cols;
            x *= f, y *= f, s = c.size / (c.side * f);
        }
        const cv::Mat affine = c.flip ? (cv::Mat_<double>(2, 3) << -s, 0, c.size - 1 + x * s, 0, s, -y * s)
                                      : (cv::Mat_<double>(2, 3) << s, 0, -x * s, 0, s, -y * s);
        cv::Mat theirs;
        cv::warpAffine(source, theirs, affine, cv::Size(c.size, c.size), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        EXPECT_LE(largestDifference(ours, theirs), 3) << c.x << "," << c.y << " side " << c.side;  // OpenCV warps in 1/32-pixel steps
    }
}

TEST(ImageOps, GreyAndColourConversionsAgreeWithOpenCv) {
    const cv::Mat face = testimages::syntheticRgb(31, 17, 4);
    cv::Mat grey, greyRgb;
    cv::cvtColor(face, grey, cv::COLOR_RGB2GRAY);
    cv::cvtColor(grey, greyRgb, cv::COLOR_GRAY2RGB);
    EXPECT_EQ(largestDifference(fra::toGreyRgb(fromMat(face)), greyRgb), 0);
    EXPECT_EQ(largestDifference(fra::greyToRgb(grey.data, grey.cols, grey.rows), greyRgb), 0);
    for (int hue = 0; hue < 180; hue += 7) {
        cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue, 200, 230)), rgb;
        cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
        const fra::Rgb ours = fra::hsvToRgb(hue * 2.0, 200 / 255.0, 230 / 255.0);
        for (int c = 0; c < 3; ++c) EXPECT_NEAR(ours[c], rgb.at<cv::Vec3b>(0, 0)[c], 2) << "hue " << hue;
    }
}

TEST(ImageOps, ReadsJpegAndPngLikeOpenCvAndRefusesBadFiles) {
    TempDir dir;
    const cv::Mat face = testimages::syntheticRgb(64, 48, 2);
    testimages::writeImage(dir / "face.png", face);
    testimages::writeImage(dir / "face.jpg", face);
    testimages::writeImage(dir / "face.bmp", face);
    for (const char* name : {"face.png", "face.jpg", "face.bmp"}) {
        fra::jpeg::RgbImage ours;
        std::string problem;
        ASSERT_TRUE(fra::readRgbImage(dir / name, ours, problem)) << name << ": " << problem;
        cv::Mat theirs;
        cv::cvtColor(cv::imread((dir / name).string()), theirs, cv::COLOR_BGR2RGB);
        EXPECT_EQ(largestDifference(ours, theirs), 0) << name;
    }
    fra::jpeg::RgbImage image;
    std::string problem;
    EXPECT_FALSE(fra::readRgbImage(dir / "face.png", image, problem, 100));
    EXPECT_NE(problem.find("64x48 is smaller than 100 px"), std::string::npos) << problem;
    const std::string jpeg = fra::readWholeFile(dir / "face.jpg");
    fra::writeFileAtomically(dir / "cut.jpg", jpeg.substr(0, jpeg.size() / 2));
    EXPECT_FALSE(fra::readRgbImage(dir / "cut.jpg", image, problem));
    EXPECT_NE(problem.find("truncated"), std::string::npos) << problem;
    fra::writeFileAtomically(dir / "empty.png", "");
    EXPECT_FALSE(fra::readRgbImage(dir / "empty.png", image, problem));
    EXPECT_EQ(problem, "empty file");
    EXPECT_FALSE(fra::readRgbImage(dir / "missing.png", image, problem));
    EXPECT_NE(problem.find("missing.png"), std::string::npos) << problem;
}
