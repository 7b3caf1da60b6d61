#include "util/QtImage.h"

#include <opencv2/imgproc.hpp>

namespace fraui {

QImage toQImage(const cv::Mat& rgb) {
    if (rgb.empty()) return {};
    cv::Mat continuous = rgb.isContinuous() ? rgb : rgb.clone();
    if (continuous.channels() == 1) cv::cvtColor(continuous, continuous, cv::COLOR_GRAY2RGB);
    return QImage(continuous.data, continuous.cols, continuous.rows, static_cast<qsizetype>(continuous.step), QImage::Format_RGB888).copy();
}

QImage toQImage(const fra::jpeg::RgbImage& rgb) {
    if (rgb.pixels.empty()) return {};
    return QImage(rgb.pixels.data(), rgb.width, rgb.height, static_cast<qsizetype>(rgb.width) * 3, QImage::Format_RGB888).copy();
}

cv::Mat toRgbMat(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    return cv::Mat(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.bits()), static_cast<size_t>(rgb.bytesPerLine())).clone();
}

}  // namespace fraui
