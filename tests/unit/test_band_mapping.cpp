#include "band_mapping.h"
#include "error.h"
#include "mask_convention.h"

#include <gtest/gtest.h>

using namespace redline;

TEST(BandMapping, ParsesMappingsAndPresets)
{
    const BandMapping m = BandMapping::parse("blue=2, green=3,red=4,nir=8,swir1=11,swir2=12,rededge1=5", "--bands");
    EXPECT_EQ(m.blue, 2);
    EXPECT_EQ(m.nir, 8);
    EXPECT_EQ(*m.swir1, 11);
    EXPECT_EQ(m.max_band(), 12);
    EXPECT_TRUE(m.has_swir());
    const BandMapping gf = BandMapping::parse("blue=1,green=2,red=3,nir=4", "--bands");
    EXPECT_FALSE(gf.has_swir());
    const BandMapping p = BandMapping::parse_preset(
      "name: landsat89_l2\nscale: 0.0000275\noffset: -0.2\nbands: blue=2, green=3, red=4, nir=5, swir1=6\n", "l.txt");
    EXPECT_EQ(p.preset, "landsat89_l2");
    EXPECT_DOUBLE_EQ(p.scale, 0.0000275);
    EXPECT_DOUBLE_EQ(p.offset, -0.2);
    EXPECT_EQ(p.red, 4);
}

TEST(BandMapping, MistakesAreNamed)
{
    for (const char* bad : { "blue=1,green=2,red=3", "blue=1,green=2,red=3,nir=x", "blue=0,green=2,red=3,nir=4",
                             "blue=1,green=2,red=3,nir=4,thermal=6", "blue1" }) {
        try {
            BandMapping::parse(bad, "--bands");
            FAIL() << bad;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("--bands"), std::string::npos) << e.what();
        }
    }
}

TEST(MaskConvention, ValuesAndBits)
{
    const MaskConvention scl = MaskConvention::parse("name: s2_scl\nkind: values\ninvalid: 0, 1, 3, 8, 9, 10\n", "s");
    EXPECT_TRUE(scl.invalid(9));
    EXPECT_TRUE(scl.invalid(3));
    EXPECT_FALSE(scl.invalid(4));
    const MaskConvention qa = MaskConvention::parse("name: qa\nkind: bits\ninvalid: 0, 3, 4\n", "q");
    EXPECT_TRUE(qa.invalid(1 << 3));
    EXPECT_TRUE(qa.invalid((1 << 4) | (1 << 6)));
    EXPECT_FALSE(qa.invalid((1 << 6) | (1 << 7))); // clear + low confidence bits only
    EXPECT_THROW(MaskConvention::parse("kind: colours\n", "bad.txt"), InputError);
    EXPECT_THROW(MaskConvention::parse("kind: bits\ninvalid: 70\n", "bad.txt"), InputError);
}
