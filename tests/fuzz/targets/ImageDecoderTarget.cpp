// The image decoders: OpenCV's codecs behind fra::ImageDecoder, libjpeg-turbo behind fra::jpeg
// (JPEG stores, JPEG folders augmented on the device), at full and reduced scale, libpng behind
// fra::png (every run's probe faces), and the centred-square resampling after them: any bytes as an
// image file.
#include "FuzzSupport.h"
#include "data/ImageDecoder.h"
#include "data/JpegCodec.h"
#include "data/PngCodec.h"

#include <vector>

FRA_FUZZ_TARGET {
    static const fra::ImageDecoder decoder(16);
    fuzz::acceptingFraErrors([&] { decoder.decodeBytes(fuzz::asString(data, size), "fuzz.jpg"); });
    fra::jpeg::RgbImage image;
    std::string problem;
    for (int scaledTo : {0, 24})
        if (fra::jpeg::decode(data, size, image, problem, scaledTo) && image.width > 0 && image.height > 0) {
            std::vector<std::uint8_t> square(24 * 24 * 3);
            fra::centreSquareResize(image, 24, square.data());
        }
    if (fra::png::decode(data, size, image, problem) && image.width > 0 && image.height > 0) {
        std::vector<std::uint8_t> square(24 * 24 * 3);
        fra::centreSquareResize(image, 24, square.data());
        (void)fra::png::encode(image);
    }
    return 0;
}
