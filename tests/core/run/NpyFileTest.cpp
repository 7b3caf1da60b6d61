#include "run/NpyFile.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <fstream>
#include <gtest/gtest.h>

TEST(NpyFile, RoundTripsShapeAndData) {
    TempDir dir;
    std::vector<float> data(2 * 8 * 4 * 3);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = 0.5f * i;
    fra::writeNpy(dir / "a.npy", {2, 8, 4, 3}, data.data());
    const fra::NpyArray back = fra::readNpy(dir / "a.npy");
    EXPECT_EQ(back.shape, (std::vector<std::int64_t>{2, 8, 4, 3}));
    EXPECT_EQ(back.data, data);
    // the header is padded so the data starts on a 64-byte boundary, as numpy requires
    std::ifstream in(dir / "a.npy", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ((bytes.size() - data.size() * 4) % 64, 0u);
    EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
}

TEST(NpyFile, RejectsOtherDtypesAndTruncation) {
    TempDir dir;
    std::vector<float> data(6, 1.0f);
    fra::writeNpy(dir / "a.npy", {6}, data.data());
    std::ifstream in(dir / "a.npy", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "short.npy", std::ios::binary) << bytes.substr(0, bytes.size() - 4);
    EXPECT_THROW(fra::readNpy(dir / "short.npy"), fra::FraError);
    std::string f8 = bytes;
    f8.replace(f8.find("<f4"), 3, "<f8");
    std::ofstream(dir / "f8.npy", std::ios::binary) << f8;
    EXPECT_THROW(fra::readNpy(dir / "f8.npy"), fra::FraError);
    std::ofstream(dir / "text.npy") << "hello";
    EXPECT_THROW(fra::readNpy(dir / "text.npy"), fra::FraError);
}
