// A prepared store (`fra prepare`): header, index, records and their checksums.
#include "FuzzSupport.h"
#include "data/PreparedStore.h"

FRA_FUZZ_TARGET {
    const auto file = fuzz::freshScratch() / "faces.frastore";
    fuzz::writeFile(file, fuzz::asString(data, size));
    fuzz::acceptingFraErrors([&] {
        const fra::PreparedStore store(file);
        for (std::size_t i = 0; i < store.size() && i < 64; ++i) {
            (void)store.source(i);
            fuzz::acceptingFraErrors([&] { (void)store.image(i, true); });
        }
        store.verifyAll();
    });
    return 0;
}
