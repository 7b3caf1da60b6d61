#include "util/QtImage.h"

#include <algorithm>

namespace fraui {

QImage toQImage(const fra::jpeg::RgbImage& rgb) {
    if (rgb.pixels.empty()) return {};
    return QImage(rgb.pixels.data(), rgb.width, rgb.height, static_cast<qsizetype>(rgb.width) * 3, QImage::Format_RGB888).copy();
}

fra::jpeg::RgbImage toRgbImage(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    fra::jpeg::RgbImage out;
    out.width = rgb.width();
    out.height = rgb.height();
    out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * 3);
    const std::size_t row = static_cast<std::size_t>(out.width) * 3;
    for (int y = 0; y < out.height; ++y) std::copy_n(rgb.constScanLine(y), row, out.pixels.data() + y * row);
    return out;
}

}  // namespace fraui
