#include "band_mapping.h"
#include "band_recognition.h"
#include "cloud_parallax.h"
#include "error.h"
#include "wave_field.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace redline;

namespace {

constexpr int n = 32;

/// One band of a 32-cell window: textured ground that every band sees in register, and a cloud
/// (a bright, textured disc of radius 9 cells with a soft edge) displaced by (@p cloud_dx,
/// @p cloud_dy) cells, evaluated exactly at the displaced position (no resampling).
std::vector<float> band(const WaveField& ground, const WaveField& cloud_texture, double gain, double cloud_dx,
                        double cloud_dy, bool with_cloud = true)
{
    std::vector<float> g = ground.window(n, 40.0, 70.0);
    const std::vector<float> t = cloud_texture.window(n, 10.0, 20.0, cloud_dx, cloud_dy);
    std::vector<float> out(g.size());
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            const std::size_t i = std::size_t(r) * n + std::size_t(c);
            const double x = c - 15.5 - cloud_dx, y = r - 15.5 - cloud_dy;
            const double cover = with_cloud ? 1.0 / (1.0 + std::exp((std::hypot(x, y) - 9.0) / 1.2)) : 0.0;
            const double ground_value = 0.1 + 0.004 * g[i];
            const double cloud_value = 0.45 + 0.004 * t[i];
            out[i] = float(gain * ((1 - cover) * ground_value + cover * cloud_value));
        }
    return out;
}

struct Displacement
{
    double green_dx, green_dy, red_dx, red_dy;
};

BandParallax measure(const Displacement& d, bool with_cloud = true)
{
    const WaveField ground(11), texture(12);
    // Bands differ in gain as real bands do; only the cloud moves between them.
    return band_parallax(band(ground, texture, 1.0, 0, 0, with_cloud),
                         band(ground, texture, 0.9, d.green_dx, d.green_dy, with_cloud),
                         band(ground, texture, 0.8, d.red_dx, d.red_dy, with_cloud), n);
}

std::string text_of(const std::string& relative)
{
    std::ifstream in(std::string(REDLINE_SOURCE_DIR) + "/" + relative);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST(CloudParallax, ACloudDisplacedNorthInTheOrderTheBandsWereRecordedIsElevated)
{
    // Sentinel-2: green recorded ~0.5 s, red ~1 s after blue; a cloud some 700 m up moves ~0.4 cell.
    const BandParallax p = measure({ 0.0, -0.2, 0.0, -0.4 });
    EXPECT_TRUE(p.elevated);
    EXPECT_NEAR(p.red_dy, -0.4, 0.08);
    EXPECT_NEAR(p.red_dx, 0.0, 0.08);
    EXPECT_NEAR(p.green_dy, -0.2, 0.08);
    // Slightly oblique, as the ground track is: still north.
    EXPECT_TRUE(measure({ 0.05, -0.3, 0.1, -0.6 }).elevated);
}

TEST(CloudParallax, TheGroundAndOtherDisplacementsAreNot)
{
    EXPECT_FALSE(measure({ 0, 0, 0, 0 }).elevated);              // a cloud in register: nothing moves
    EXPECT_FALSE(measure({ 0, 0, 0, 0 }, false).elevated);       // the ground alone
    EXPECT_FALSE(measure({ 0, 0.2, 0, 0.4 }).elevated);          // south: not how the bands were recorded
    EXPECT_FALSE(measure({ 0.2, 0, 0.4, 0 }).elevated);          // east-west
    EXPECT_FALSE(measure({ 0.0, -0.1, 0.0, -0.15 }).elevated);   // below the 0.25-cell floor
    EXPECT_FALSE(measure({ 0.0, -0.6, 0.0, -0.4 }).elevated);    // green beyond red: wrong order
    EXPECT_FALSE(measure({ 0.0, 0.1, 0.0, -0.4 }).elevated);     // green the other way
}

TEST(CloudParallax, TheCatalogueSaysWhichSensorsHaveIt)
{
    for (const char* preset : { "layers/bands/sentinel2_l2a.txt", "layers/bands/sentinel2_10m.txt" })
        EXPECT_EQ(BandMapping::parse_preset(text_of(preset), preset).parallax, "north") << preset;
    for (const char* preset : { "layers/bands/landsat89_l2.txt", "layers/bands/gf1_pms.txt" })
        EXPECT_EQ(BandMapping::parse_preset(text_of(preset), preset).parallax, "") << preset;
    EXPECT_THROW(BandMapping::parse_preset("name: x\nbands: blue=1,green=2,red=3,nir=4\nparallax: up\n", "x.txt"),
                 InputError);

    const std::string names = "layers/bands/recognition/band_names.txt";
    const BandNameRules rules = BandNameRules::parse(text_of(names), names);
    std::vector<BandLabel> bands;
    for (const char* d : { "blue B02", "green B03", "red B04", "nir B08" })
        bands.push_back(BandLabel{ d, {}, "Undefined" });
    const auto recognised = [&](const MetadataItems& metadata) {
        return recognise_bands(bands, metadata, rules, "--before t.tif", "advice");
    };
    // The OSCD files' SOURCE item, and what GDAL's SENTINEL2 driver writes.
    const RecognisedBands oscd =
      recognised({ { "SOURCE", "OSCD (Caye Daudt et al. 2018), modified Copernicus Sentinel-2 L1C TOA x10000" } });
    EXPECT_EQ(oscd.mapping.parallax, "north");
    EXPECT_EQ(oscd.parallax_evidence, "the dataset metadata mentions 'sentinel 2'");
    EXPECT_EQ(recognised({ { "SPACECRAFT_NAME", "Sentinel-2B" } }).mapping.parallax, "north");
    // Band names alone do not say the sensor; nor does another sensor's metadata.
    EXPECT_EQ(recognised({}).mapping.parallax, "");
    EXPECT_EQ(recognised({ { "SPACECRAFT_ID", "LANDSAT_8" } }).mapping.parallax, "");
}
