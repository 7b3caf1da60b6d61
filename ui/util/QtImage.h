#pragma once
#include <QImage>
#include "data/JpegCodec.h"

namespace fraui {

// An 8-bit RGB image as a QImage that owns its pixels (a deep copy).
QImage toQImage(const fra::jpeg::RgbImage& rgb);
// A QImage as 8-bit RGB (deep copy).
fra::jpeg::RgbImage toRgbImage(const QImage& image);

}  // namespace fraui
