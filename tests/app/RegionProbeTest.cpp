// fra-region-probe (the diagnostic behind docs/method.md's "Facial regions that form") runs on
// a folder of faces and reports every section it promises.
#include "support/Process.h"
#include "support/TempDir.h"
#include "support/TestImages.h"

#include <gtest/gtest.h>

TEST(RegionProbe, ReportsTheDecoderTheGradientsAndLars) {
    TempDir dir;
    testimages::writeFolder(dir.path() / "faces", 34, 64);
    const ProcessResult r = runProcess({FRA_REGION_PROBE, (dir.path() / "faces").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* section : {"A. query decoder", "decoder output E (per image): pairwise cosine", "L_r", "LARS"})
        EXPECT_NE(r.out.find(section), std::string::npos) << section << "\n" << r.out;
}
