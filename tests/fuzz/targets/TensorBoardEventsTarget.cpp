// A TensorBoard event file, as a resumed run carries its history over from the previous one.
#include "FuzzSupport.h"
#include "tensorboard/EventFile.h"

FRA_FUZZ_TARGET {
    const auto file = fuzz::freshScratch() / "events.out.tfevents.0.host.1.0";
    fuzz::writeFile(file, fuzz::asString(data, size));
    std::size_t events = 0;
    fra::tensorboard::readEventFile(file, [&](const fra::tensorboard::EventHeader&, const std::string&) { ++events; });
    return 0;
}
