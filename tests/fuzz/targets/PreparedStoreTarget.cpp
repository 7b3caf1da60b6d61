// A prepared store (`fra prepare`), raw (version 1) or JPEG (version 2): header, record table,
// index, records, their checksums, and the JPEG decoder on what the records hold.
#include "FuzzSupport.h"
#include "data/PreparedStore.h"

#include <vector>

FRA_FUZZ_TARGET {
    const auto file = fuzz::freshScratch() / "faces.frastore";
    fuzz::writeFile(file, fuzz::asString(data, size));
    fuzz::acceptingFraErrors([&] {
        const fra::PreparedStore store(file);
        std::vector<std::uint8_t> pixels(store.bytesPerImage());
        for (std::size_t i = 0; i < store.size() && i < 64; ++i) {
            (void)store.source(i);
            fuzz::acceptingFraErrors([&] { store.decodeInto(i, pixels.data(), true); });
            // unverified, as a reader that skips the checksums would: damaged JPEG data reaches the decoder
            fuzz::acceptingFraErrors([&] { store.decodeInto(i, pixels.data(), false); });
        }
        store.verifyAll();
    });
    return 0;
}
