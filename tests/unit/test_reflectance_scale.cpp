#include "error.h"
#include "reflectance_scale.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace redline;

namespace {

const ScaleKeys& keys()
{
    static const ScaleKeys k = [] {
        const std::string path = std::string(REDLINE_SOURCE_DIR) + "/layers/bands/recognition/reflectance_scale.txt";
        std::ifstream in(path);
        std::ostringstream s;
        s << in.rdbuf();
        return ScaleKeys::parse(s.str(), path);
    }();
    return k;
}

ScaleEvidence integers(double p99)
{
    ScaleEvidence e;
    e.type = "UInt16";
    e.p50 = p99 / 4;
    e.p99 = p99;
    return e;
}

} // namespace

TEST(ReflectanceScale, TheFilesOwnScaleComesFirst)
{
    ScaleEvidence e = integers(4000);
    e.band_scale = 0.0000275;
    e.band_offset = -0.2;
    e.band_metadata = { { "scale_factor", "0.5" } };
    const ScaleChoice c = choose_reflectance_scale(e, keys());
    EXPECT_DOUBLE_EQ(c.scale, 0.0000275);
    EXPECT_DOUBLE_EQ(c.offset, -0.2);
    EXPECT_FALSE(c.inferred);
    EXPECT_EQ(c.source, "the bands' own scale/offset (GDAL)");
}

TEST(ReflectanceScale, MetadataItems)
{
    ScaleEvidence e = integers(4000);
    e.dataset_metadata = { { "reflectance_scale", "0.0001" } };
    ScaleChoice c = choose_reflectance_scale(e, keys());
    EXPECT_DOUBLE_EQ(c.scale, 0.0001);
    EXPECT_EQ(c.source, "dataset metadata reflectance_scale=0.0001");
    // Band items before the dataset's; scale and offset together.
    e.band_metadata = { { "add_offset", "-0.1" }, { "SCALE_FACTOR", "2e-5" } };
    c = choose_reflectance_scale(e, keys());
    EXPECT_DOUBLE_EQ(c.scale, 2e-5);
    EXPECT_DOUBLE_EQ(c.offset, -0.1);
    // Sentinel-2: reflectance = (DN + BOA_ADD_OFFSET) / QUANTIFICATION_VALUE.
    e.band_metadata = { { "BOA_ADD_OFFSET", "-1000" }, { "BOA_QUANTIFICATION_VALUE", "10000" } };
    c = choose_reflectance_scale(e, keys());
    EXPECT_DOUBLE_EQ(c.scale, 0.0001);
    EXPECT_DOUBLE_EQ(c.offset, -0.1);
    // Text that is not a number is no scale.
    e.band_metadata = { { "scale_factor", "n/a" } };
    e.dataset_metadata.clear();
    c = choose_reflectance_scale(e, keys());
    EXPECT_TRUE(c.inferred);
}

TEST(ReflectanceScale, InferredFromTheValuesAndSaidSo)
{
    // Reflectance × 10000 in UInt16.
    ScaleChoice c = choose_reflectance_scale(integers(3500), keys());
    EXPECT_DOUBLE_EQ(c.scale, 0.0001);
    EXPECT_TRUE(c.inferred);
    EXPECT_NE(c.source.find("assumed reflectance × 10000"), std::string::npos) << c.source;
    EXPECT_NE(c.source.find("99th percentile 3500"), std::string::npos) << c.source;
    // 10-bit counts (GF-1 DN): used as they are, and said.
    c = choose_reflectance_scale(integers(900), keys());
    EXPECT_DOUBLE_EQ(c.scale, 1.0);
    EXPECT_NE(c.source.find("give --scale"), std::string::npos) << c.source;
    // Beyond what reflectance × 10000 reaches.
    EXPECT_DOUBLE_EQ(choose_reflectance_scale(integers(40000), keys()).scale, 1.0);
    // Floating-point reflectance.
    ScaleEvidence f;
    f.floating = true;
    f.type = "Float32";
    f.p99 = 0.45;
    c = choose_reflectance_scale(f, keys());
    EXPECT_DOUBLE_EQ(c.scale, 1.0);
    EXPECT_NE(c.source.find("taken as reflectance"), std::string::npos) << c.source;
    // No sample at all: nothing assumed.
    ScaleEvidence none;
    none.type = "UInt16";
    EXPECT_DOUBLE_EQ(choose_reflectance_scale(none, keys()).scale, 1.0);
}

TEST(ReflectanceScale, UnknownKeysAreNamed)
{
    EXPECT_THROW(ScaleKeys::parse("gain keys: g\n", "s.txt"), InputError);
}
