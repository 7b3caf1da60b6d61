#include "data/ImageDecoder.h"

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

namespace fra {
namespace {

bool looksLikeJpeg(const std::string& b) {
    return b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8;
}

// libjpeg decodes a truncated JPEG into a grey-padded image with only a warning; a complete
// file ends with the EOI marker (possibly followed by padding).
bool jpegHasEndMarker(const std::string& b) {
    std::size_t end = b.size();
    while (end > 2 && (b[end - 1] == '\0' || b[end - 1] == '\n' || b[end - 1] == '\r')) --end;
    for (std::size_t i = end; i >= 2 && end - i < 64; --i)
        if (static_cast<unsigned char>(b[i - 2]) == 0xFF && static_cast<unsigned char>(b[i - 1]) == 0xD9) return true;
    return false;
}

}  // namespace

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
    if (looksLikeJpeg(bytes) && !jpegHasEndMarker(bytes)) return {cv::Mat(), "truncated JPEG (no end marker)"};
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
