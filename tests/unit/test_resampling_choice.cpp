#include "resampling_choice.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(ResamplingChoice, AverageWhenCoarseningBilinearOtherwise)
{
    // GF-6 PMS 8 m onto Sentinel-2 10 m: coarsening.
    AfterResampling r = choose_after_resampling(0.8);
    EXPECT_TRUE(r.coarsening);
    EXPECT_EQ(r.bands, "average");
    EXPECT_NE(r.masks.find("10 %"), std::string::npos) << r.masks;
    // 0.0001° at 30° N onto 10 m (about 1.04): the same size.
    r = choose_after_resampling(1.04);
    EXPECT_FALSE(r.coarsening);
    EXPECT_EQ(r.bands, "bilinear");
    EXPECT_EQ(r.masks, "nearest");
    EXPECT_NE(r.why.find("about the same size"), std::string::npos) << r.why;
    // Landsat 30 m onto 10 m: refining.
    r = choose_after_resampling(3.0);
    EXPECT_EQ(r.bands, "bilinear");
    EXPECT_NE(r.why.find("refining"), std::string::npos) << r.why;
    // The boundary: 10 % smaller.
    EXPECT_FALSE(choose_after_resampling(0.9).coarsening);
    EXPECT_TRUE(choose_after_resampling(0.89).coarsening);
    EXPECT_DOUBLE_EQ(mask_invalid_share, 0.10);
}
