// The image decoder (OpenCV's codecs behind fra::ImageDecoder): any bytes as an image file.
#include "FuzzSupport.h"
#include "data/ImageDecoder.h"

FRA_FUZZ_TARGET {
    static const fra::ImageDecoder decoder(16);
    fuzz::acceptingFraErrors([&] { decoder.decodeBytes(fuzz::asString(data, size), "fuzz.jpg"); });
    return 0;
}
