#include "data/PngCodec.h"

#include "util/AtomicFile.h"

#include <cstring>
#include <png.h>

namespace fra {
namespace png {

bool looksLikePng(const std::uint8_t* data, std::size_t bytes) {
    static const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return bytes >= 8 && std::memcmp(data, signature, 8) == 0;
}

bool decode(const std::uint8_t* data, std::size_t bytes, jpeg::RgbImage& out, std::string& problem) {
    if (!looksLikePng(data, bytes)) {
        problem = "not a PNG file";
        return false;
    }
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, bytes)) {
        problem = std::string("cannot read PNG: ") + image.message;
        return false;
    }
    if (image.width == 0 || image.height == 0 || image.width > 16384 || image.height > 16384 ||
        static_cast<std::uint64_t>(image.width) * image.height > (1ull << 28)) {
        png_image_free(&image);
        problem = "PNG of " + std::to_string(image.width) + " x " + std::to_string(image.height) + " pixels refused (too large or empty)";
        return false;
    }
    image.format = PNG_FORMAT_RGB;
    out.width = static_cast<int>(image.width);
    out.height = static_cast<int>(image.height);
    out.pixels.assign(PNG_IMAGE_SIZE(image), 0);
    if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) {
        problem = std::string("corrupt PNG: ") + image.message;
        png_image_free(&image);
        return false;
    }
    return true;
}

std::vector<std::uint8_t> encode(const jpeg::RgbImage& rgb) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(rgb.width);
    image.height = static_cast<png_uint_32>(rgb.height);
    image.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb.pixels.data(), 0, nullptr)) return {};
    std::vector<std::uint8_t> out(size);
    if (!png_image_write_to_memory(&image, out.data(), &size, 0, rgb.pixels.data(), 0, nullptr)) return {};
    out.resize(size);
    return out;
}

}  // namespace png

bool decodeJpegOrPng(const std::filesystem::path& file, jpeg::RgbImage& out, std::string& problem, int minShorterSide) {
    std::string bytes;
    if (!tryReadWholeFile(file, bytes, problem)) return false;
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (jpeg::looksLikeJpeg(data, bytes.size())) return jpeg::decode(data, bytes.size(), out, problem, minShorterSide);
    if (png::looksLikePng(data, bytes.size())) return png::decode(data, bytes.size(), out, problem);
    problem = "not a JPEG or PNG file (this build reads no other format)";
    return false;
}

}  // namespace fra
