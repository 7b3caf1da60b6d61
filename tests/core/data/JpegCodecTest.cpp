#include "data/ImageDecoder.h"
#include "data/JpegCodec.h"
#include "data/TwoViewAugmenter.h"
#include "support/TempDir.h"
#include "support/TestImages.h"
#include "util/AtomicFile.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

std::vector<std::uint8_t> bytesOf(const std::string& s) { return {s.begin(), s.end()}; }

cv::Mat asMat(const fra::jpeg::RgbImage& image) {
    return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data())).clone();
}

}  // namespace

TEST(JpegCodec, DecodesLikeOpenCvAndRoundTripsItsOwnEncoding) {
    TempDir dir;
    const cv::Mat rgb = testimages::syntheticRgb(96, 64, 7);
    testimages::writeImage(dir / "a.jpg", rgb);
    const auto file = bytesOf(fra::readWholeFile(dir / "a.jpg"));
    fra::jpeg::RgbImage decoded;
    std::string problem;
    ASSERT_TRUE(fra::jpeg::decode(file.data(), file.size(), decoded, problem)) << problem;
    ASSERT_EQ(decoded.width, 96);
    ASSERT_EQ(decoded.height, 64);
    const cv::Mat viaOpenCv = fra::ImageDecoder().decode(dir / "a.jpg").rgb;
    // both are libjpeg-turbo, though not necessarily the same IDCT and upsampling
    EXPECT_LE(cv::norm(asMat(decoded), viaOpenCv, cv::NORM_L1) / viaOpenCv.total() / 3, 1.5);

    const std::vector<std::uint8_t> encoded = fra::jpeg::encode(decoded.pixels.data(), 96, 64, 95);
    ASSERT_FALSE(encoded.empty());
    fra::jpeg::Header header;
    ASSERT_TRUE(fra::jpeg::readHeader(encoded.data(), encoded.size(), header, problem));
    EXPECT_EQ(header.width, 96);
    EXPECT_FALSE(header.progressive);
    EXPECT_TRUE(header.rgbCapable);
    std::vector<std::uint8_t> again(96 * 64 * 3);
    ASSERT_TRUE(fra::jpeg::decodeInto(encoded.data(), encoded.size(), 96, 64, again.data(), problem)) << problem;
    const cv::Mat againMat(64, 96, CV_8UC3, again.data());
    EXPECT_LE(cv::norm(againMat, asMat(decoded), cv::NORM_L1) / againMat.total() / 3, 2.0);  // quality 95
    EXPECT_FALSE(fra::jpeg::decodeInto(encoded.data(), encoded.size(), 64, 64, again.data(), problem));
    EXPECT_NE(problem.find("is 96x64, expected 64x64"), std::string::npos) << problem;
}

TEST(JpegCodec, ScaledDecodingKeepsTheShorterSideAboveTheTarget) {
    TempDir dir;
    testimages::writeImage(dir / "big.jpg", testimages::syntheticRgb(640, 480, 3));
    const auto file = bytesOf(fra::readWholeFile(dir / "big.jpg"));
    fra::jpeg::RgbImage decoded;
    std::string problem;
    ASSERT_TRUE(fra::jpeg::decode(file.data(), file.size(), decoded, problem, 128)) << problem;
    EXPECT_GE(std::min(decoded.width, decoded.height), 128);
    EXPECT_LT(std::min(decoded.width, decoded.height), 480);  // 3/8 of 480 = 180 is the smallest factor above 128
    EXPECT_EQ(decoded.height, 180);
}

TEST(JpegCodec, BadDataIsAProblemNotACrash) {
    TempDir dir;
    testimages::writeTruncatedJpeg(dir / "t.jpg");
    testimages::writeGarbage(dir / "g.jpg");
    fra::jpeg::RgbImage decoded;
    std::string problem;
    const auto truncated = bytesOf(fra::readWholeFile(dir / "t.jpg"));
    EXPECT_FALSE(fra::jpeg::decode(truncated.data(), truncated.size(), decoded, problem));
    EXPECT_NE(problem.find("truncated JPEG"), std::string::npos) << problem;
    const auto garbage = bytesOf(fra::readWholeFile(dir / "g.jpg"));
    EXPECT_FALSE(fra::jpeg::decode(garbage.data(), garbage.size(), decoded, problem));
    EXPECT_FALSE(problem.empty());
    std::vector<std::uint8_t> header = {0xFF, 0xD8, 0xFF, 0xD9};
    EXPECT_FALSE(fra::jpeg::decode(header.data(), header.size(), decoded, problem));
    EXPECT_FALSE(fra::jpeg::decode(nullptr, 0, decoded, problem));
}

TEST(JpegCodec, ProgressiveJpegsAreToldApart) {
    TempDir dir;
    const cv::Mat bgr = testimages::syntheticRgb(64, 64, 5);
    std::vector<uchar> progressive;
    cv::imencode(".jpg", bgr, progressive, {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    fra::jpeg::Header header;
    std::string problem;
    ASSERT_TRUE(fra::jpeg::readHeader(progressive.data(), progressive.size(), header, problem)) << problem;
    EXPECT_TRUE(header.progressive);
    std::vector<uchar> baseline;
    cv::imencode(".jpg", bgr, baseline);
    ASSERT_TRUE(fra::jpeg::readHeader(baseline.data(), baseline.size(), header, problem));
    EXPECT_FALSE(header.progressive);
}

TEST(JpegCodec, CentreSquareResizeMatchesOpenCvsAreaResize) {
    const cv::Mat rgb = testimages::syntheticRgb(150, 100, 11);  // landscape: the centred 100 x 100 square
    fra::jpeg::RgbImage image{150, 100, std::vector<std::uint8_t>(rgb.data, rgb.data + rgb.total() * 3)};
    for (int size : {64, 37, 100, 130}) {
        cv::Mat out(size, size, CV_8UC3);
        fra::centreSquareResize(image, size, out.data);
        cv::Mat expected;
        cv::resize(rgb(cv::Rect(25, 0, 100, 100)), expected, cv::Size(size, size), 0, 0, size < 100 ? cv::INTER_AREA : cv::INTER_LINEAR);
        EXPECT_LE(cv::norm(out, expected, cv::NORM_INF), 2.0) << size;
    }
}
