#pragma once
#include <QImage>
#include "data/JpegCodec.h"

#include <opencv2/core.hpp>

namespace fraui {

// An 8-bit RGB cv::Mat as a QImage that owns its pixels (a deep copy).
QImage toQImage(const cv::Mat& rgb);
QImage toQImage(const fra::jpeg::RgbImage& rgb);
// A QImage as an 8-bit RGB cv::Mat (deep copy).
cv::Mat toRgbMat(const QImage& image);

}  // namespace fraui
