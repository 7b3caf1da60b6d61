// PNG through libpng (the probe faces of every build): what OpenCV writes, libpng reads the same;
// bad bytes are a problem, never a crash.
#include "data/PngCodec.h"
#include "support/TempDir.h"
#include "util/AtomicFile.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {
fra::jpeg::RgbImage gradient(int w, int h) {
    fra::jpeg::RgbImage img;
    img.width = w;
    img.height = h;
    img.pixels.resize(static_cast<std::size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c) img.pixels[(static_cast<std::size_t>(y) * w + x) * 3 + c] = static_cast<std::uint8_t>((x * 7 + y * 3 + c * 50) % 256);
    return img;
}
}  // namespace

TEST(PngCodec, RoundTripsAndReadsWhatOpenCvWrites) {
    const fra::jpeg::RgbImage img = gradient(37, 23);
    const auto bytes = fra::png::encode(img);
    ASSERT_FALSE(bytes.empty());
    fra::jpeg::RgbImage back;
    std::string problem;
    ASSERT_TRUE(fra::png::decode(bytes.data(), bytes.size(), back, problem)) << problem;
    EXPECT_EQ(back.width, 37);
    EXPECT_EQ(back.height, 23);
    EXPECT_EQ(back.pixels, img.pixels);

    // OpenCV writes BGR; libpng gives RGB: the same pixels either way round
    cv::Mat rgb(23, 37, CV_8UC3, const_cast<std::uint8_t*>(img.pixels.data())), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> cvPng;
    ASSERT_TRUE(cv::imencode(".png", bgr, cvPng));
    ASSERT_TRUE(fra::png::decode(cvPng.data(), cvPng.size(), back, problem)) << problem;
    EXPECT_EQ(back.pixels, img.pixels);

    // grey and RGBA files come back as RGB
    cv::Mat grey(5, 4, CV_8UC1, cv::Scalar(77)), rgba(5, 4, CV_8UC4, cv::Scalar(10, 20, 30, 255));
    for (const cv::Mat& m : {grey, rgba}) {
        std::vector<uchar> png;
        ASSERT_TRUE(cv::imencode(".png", m, png));
        ASSERT_TRUE(fra::png::decode(png.data(), png.size(), back, problem)) << problem;
        EXPECT_EQ(back.width, 4);
        EXPECT_EQ(back.pixels.size(), 4u * 5u * 3u);
    }
    EXPECT_EQ(back.pixels[0], 30);  // RGBA's blue-green-red order in OpenCV: R = 30
}

TEST(PngCodec, BadBytesAreAProblemNotACrash) {
    const auto bytes = fra::png::encode(gradient(16, 16));
    fra::jpeg::RgbImage out;
    std::string problem;
    EXPECT_FALSE(fra::png::decode(bytes.data(), 20, out, problem));
    EXPECT_FALSE(problem.empty());
    std::vector<std::uint8_t> corrupt = bytes;
    for (std::size_t i = 40; i < corrupt.size(); i += 7) corrupt[i] ^= 0x5a;
    EXPECT_FALSE(fra::png::decode(corrupt.data(), corrupt.size(), out, problem));
    const std::uint8_t text[] = "hello";
    EXPECT_FALSE(fra::png::decode(text, sizeof text, out, problem));
    EXPECT_EQ(problem, "not a PNG file");

    TempDir dir;
    fra::writeFileAtomically(dir / "face.bmp", "BM not really");
    EXPECT_FALSE(fra::decodeJpegOrPng(dir / "face.bmp", out, problem));
    EXPECT_NE(problem.find("not a JPEG or PNG"), std::string::npos) << problem;
    EXPECT_FALSE(fra::decodeJpegOrPng(dir / "missing.png", out, problem));
}
