#include "data/ImageDecoder.h"

#include "data/JpegCodec.h"

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

namespace fra {

DecodedImage ImageDecoder::decode(const std::filesystem::path& path) const {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {cv::Mat(), "cannot open file"};
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in && !in.eof()) return {cv::Mat(), "read error"};
    return decodeBytes(buffer.str(), path.string());
}

DecodedImage ImageDecoder::decodeBytes(const std::string& bytes, const std::string&) const {
    if (bytes.empty()) return {cv::Mat(), "empty file"};
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (jpeg::looksLikeJpeg(data, bytes.size()) && !jpeg::hasEndMarker(data, bytes.size())) return {cv::Mat(), "truncated JPEG (no end marker)"};
    cv::Mat bgr;
    try {
        const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
        bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
        return {cv::Mat(), std::string("cannot decode: ") + e.err};
    }
    if (bgr.empty()) return {cv::Mat(), "not a decodable image"};
    if (bgr.cols < minSide_ || bgr.rows < minSide_)
        return {cv::Mat(), std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) + " is smaller than " +
                               std::to_string(minSide_) + " px"};
    DecodedImage out;
    cv::cvtColor(bgr, out.rgb, cv::COLOR_BGR2RGB);
    return out;
}

}  // namespace fra
