#include "band_recognition.h"
#include "error.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace redline;

namespace {

/// The rules as shipped in the layer catalogue.
const BandNameRules& rules()
{
    static const BandNameRules r = [] {
        const std::string path = std::string(REDLINE_SOURCE_DIR) + "/layers/bands/recognition/band_names.txt";
        std::ifstream in(path);
        std::ostringstream s;
        s << in.rdbuf();
        return BandNameRules::parse(s.str(), path);
    }();
    return r;
}

std::vector<BandLabel> described(const std::vector<std::string>& descriptions)
{
    std::vector<BandLabel> out;
    for (const auto& d : descriptions)
        out.push_back(BandLabel{ d, {}, "Undefined" });
    return out;
}

RecognisedBands recognise(const std::vector<BandLabel>& bands, const MetadataItems& dataset = {})
{
    return recognise_bands(bands, dataset, rules(), "--before t.tif", "give --bands or --sensor");
}

/// The planted roles, as BandMapping::describe() writes them.
std::string mapping(const std::vector<BandLabel>& bands, const MetadataItems& dataset = {})
{
    return recognise(bands, dataset).mapping.describe();
}

std::string refusal(const std::vector<BandLabel>& bands, const MetadataItems& dataset = {})
{
    try {
        recognise(bands, dataset);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(BandRecognition, WordsUsed)
{
    EXPECT_EQ(name_words("swir1 B11 (20m->10m bilinear)"), (std::vector<std::string>{ "swir1", "b11", "20m", "10m", "bilinear" }));
    EXPECT_EQ(name_words("SR_B5"), (std::vector<std::string>{ "sr", "b5" }));
    EXPECT_EQ(name_words("  "), std::vector<std::string>{});
}

TEST(BandRecognition, OscdDescriptions)
{
    const auto bands = described({ "blue B02", "green B03", "red B04", "nir B08", "swir1 B11 (20m->10m bilinear)",
                                   "swir2 B12 (20m->10m bilinear)" });
    const RecognisedBands r = recognise(bands);
    EXPECT_EQ(r.mapping.describe(), "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6");
    EXPECT_EQ(r.evidence, "band descriptions");
    ASSERT_EQ(r.roles.size(), 6u);
    EXPECT_EQ(r.roles[3], "nir = band 4 'nir B08' (description 'nir B08', words)");
    EXPECT_TRUE(r.unused.empty());
}

TEST(BandRecognition, Sentinel2BandNames)
{
    // The 12-band L2A stack: B8 is nir, B8A recognised and left out.
    const RecognisedBands r =
      recognise(described({ "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B11", "B12" }));
    EXPECT_EQ(r.mapping.describe(), "blue=2,green=3,red=4,nir=8,swir1=11,swir2=12");
    // Zero-padded, 10 m bands only, in another order.
    EXPECT_EQ(mapping(described({ "B08", "B04", "B03", "B02" })), "blue=4,green=3,red=2,nir=1");
    // The 20 m set has no B8: B8A stands in for nir.
    EXPECT_EQ(mapping(described({ "B2", "B3", "B4", "B5", "B6", "B7", "B8A", "B11", "B12" })),
              "blue=1,green=2,red=3,nir=7,swir1=8,swir2=9");
}

TEST(BandRecognition, LandsatCollection2)
{
    EXPECT_EQ(mapping(described({ "SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7" })),
              "blue=2,green=3,red=4,nir=5,swir1=6,swir2=7");
    // Landsat 7 ETM+: the same names mean other bands; the metadata says which satellite.
    EXPECT_EQ(mapping(described({ "SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7" }),
                      { { "SPACECRAFT_ID", "LANDSAT_7" } }),
              "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6");
    // Bare OLI band numbers, when the metadata says Landsat 8: B5 is nir, not a red edge.
    EXPECT_EQ(mapping(described({ "B1", "B2", "B3", "B4", "B5", "B6", "B7" }), { { "SPACECRAFT_ID", "LANDSAT_8" } }),
              "blue=2,green=3,red=4,nir=5,swir1=6,swir2=7");
}

TEST(BandRecognition, PlainWordsAndRedEdgeIsNotRed)
{
    const RecognisedBands r = recognise(
      described({ "Coastal aerosol", "Blue", "Green", "Red", "Red Edge 1", "Near Infrared", "SWIR 1", "SWIR 2" }));
    EXPECT_EQ(r.mapping.describe(), "blue=2,green=3,red=4,nir=6,swir1=7,swir2=8");
    ASSERT_EQ(r.unused.size(), 2u);
    EXPECT_NE(r.unused[1].find("band 5 'Red Edge 1' (recognised, not used"), std::string::npos) << r.unused[1];
    // STAC common names.
    EXPECT_EQ(mapping(described({ "blue", "green", "red", "nir08", "swir16", "swir22" })),
              "blue=1,green=2,red=3,nir=4,swir1=5,swir2=6");
}

TEST(BandRecognition, BandMetadataNames)
{
    // No descriptions; names in band metadata (as scripts/make_activity_scene.py and many
    // exporters write them).
    std::vector<BandLabel> bands(5);
    const char* roles[] = { "nir", "blue", "swir1", "red", "green" };
    for (std::size_t i = 0; i < 5; ++i)
        bands[i].metadata = { { "role", roles[i] } };
    const RecognisedBands r = recognise(bands);
    EXPECT_EQ(r.mapping.describe(), "blue=2,green=5,red=4,nir=1,swir1=3");
    EXPECT_EQ(r.evidence, "band metadata");
}

TEST(BandRecognition, Wavelengths)
{
    // nm with a units item, µm by the key's name, nm by the size of the number; a red-edge band
    // (705 nm) is recognised and unused; names that contradict a wavelength lose to it.
    std::vector<BandLabel> bands(6);
    bands[0].metadata = { { "WAVELENGTH", "665" }, { "WAVELENGTH_UNITS", "Nanometers" } };
    bands[1].metadata = { { "CENTRAL_WAVELENGTH_UM", "0.490" } };
    bands[2].metadata = { { "wavelength", "842.0" } };
    bands[3].metadata = { { "wavelength", "0.560 um" } };
    bands[4].metadata = { { "WAVELENGTH", "705" } };
    bands[5].metadata = { { "WAVELENGTH", "1610" } };
    bands[5].description = "nir"; // wrong, and overruled
    const RecognisedBands r = recognise(bands);
    EXPECT_EQ(r.mapping.describe(), "blue=2,green=4,red=1,nir=3,swir1=6");
    EXPECT_EQ(r.evidence, "wavelengths in the band metadata");
    // Sentinel-2 B8 (842 nm) and B8A (865 nm): B8 is nir, B8A the fallback.
    std::vector<BandLabel> s2(5);
    const char* nm[] = { "492", "560", "665", "865", "842" };
    for (std::size_t i = 0; i < 5; ++i)
        s2[i].metadata = { { "WAVELENGTH", nm[i] } };
    EXPECT_EQ(mapping(s2), "blue=1,green=2,red=3,nir=5");
}

TEST(BandRecognition, ColourInterpretationOfARealRgbTriple)
{
    std::vector<BandLabel> bands{ { "", {}, "Red" }, { "", {}, "Green" }, { "", {}, "Blue" }, { "NIR", {}, "Undefined" } };
    const RecognisedBands r = recognise(bands);
    EXPECT_EQ(r.mapping.describe(), "blue=3,green=2,red=1,nir=4");
    EXPECT_EQ(r.evidence, "colour interpretation and band descriptions");
    // GDAL's default for a multi-band GeoTIFF (band 1 Gray, others Undefined) says nothing.
    std::vector<BandLabel> plain{ { "", {}, "Gray" }, { "", {}, "Undefined" }, { "", {}, "Undefined" },
                                  { "", {}, "Undefined" } };
    EXPECT_NE(refusal(plain).find("1 (no name), 2 (no name)"), std::string::npos) << refusal(plain);
    // Red and Green without Blue is not an RGB triple.
    std::vector<BandLabel> partial{ { "", {}, "Red" }, { "", {}, "Green" }, { "blue", {}, "Undefined" },
                                    { "nir", {}, "Undefined" } };
    EXPECT_NE(refusal(partial).find("no band is recognisably green, red"), std::string::npos) << refusal(partial);
}

TEST(BandRecognition, GaofenBandNumbersNeedTheMetadataToSaySo)
{
    const auto gf = described({ "B1", "B2", "B3", "B4" });
    // Read as Sentinel-2 names, B1-B4 have no nir: refused, not guessed.
    const std::string why = refusal(gf);
    EXPECT_NE(why.find("--before t.tif: cannot tell which band is which"), std::string::npos) << why;
    EXPECT_NE(why.find("no band is recognisably nir"), std::string::npos) << why;
    EXPECT_NE(why.find("1 'B1', 2 'B2' (blue), 3 'B3' (green), 4 'B4' (red)"), std::string::npos) << why;
    EXPECT_NE(why.find("give --bands or --sensor"), std::string::npos) << why;
    EXPECT_EQ(mapping(gf, { { "SATELLITE", "GF1" }, { "SENSOR", "PMS1" } }), "blue=1,green=2,red=3,nir=4");
}

TEST(BandRecognition, TwoBandsForOneRoleAreRefused)
{
    const std::string why = refusal(described({ "blue", "green", "red", "nir", "NIR" }));
    EXPECT_NE(why.find("bands 4 'nir' and 5 'NIR' are all nir"), std::string::npos) << why;
}

TEST(BandRecognition, RulesThatCannotBeReadAreNamed)
{
    EXPECT_THROW(BandNameRules::parse("blue: b2\n", "r.txt"), InputError);               // before any scheme
    EXPECT_THROW(BandNameRules::parse("scheme: s\nviolet: v\n", "r.txt"), InputError);   // unknown role
    EXPECT_THROW(BandNameRules::parse("wavelength nir: 0.9-0.8\nscheme: s\n", "r.txt"), InputError);
    EXPECT_THROW(BandNameRules::parse("name keys: x\n", "r.txt"), InputError); // no scheme at all
    try {
        BandNameRules::parse("scheme: s\nblue: ,--,\n", "r.txt");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("r.txt:2"), std::string::npos) << e.what();
    }
}
