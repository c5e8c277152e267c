// Reading a polygon layer: the features come out in the same order and to the last bit whatever
// the number of threads that transform them.
#include "crs.h"
#include "gdal_error.h"
#include "vector_source.h"

#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cstdio>
#include <filesystem>

using namespace redline;

namespace {

/// A GeoPackage in CGCS2000 / 3-degree Gauss-Kruger CM 108E with @p n squares of 500 m, each
/// drawn with a vertex every 10 m (so that transforming them is real work).
std::string write_squares(const std::string& path, int n)
{
    gdal_init();
    std::filesystem::remove(path);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    std::unique_ptr<GDALDataset> ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromEPSG(4545);
    OGRLayer* layer = ds->CreateLayer("squares", &srs, wkbPolygon, nullptr);
    OGRFieldDefn id("code", OFTString);
    layer->CreateField(&id);
    for (int i = 0; i < n; ++i) {
        const double x0 = 500000 + (i % 20) * 600.0, y0 = 3250000 + (i / 20) * 600.0;
        OGRLinearRing ring;
        for (int k = 0; k < 50; ++k)
            ring.addPoint(x0 + k * 10.0, y0);
        for (int k = 0; k < 50; ++k)
            ring.addPoint(x0 + 500, y0 + k * 10.0);
        for (int k = 0; k < 50; ++k)
            ring.addPoint(x0 + 500 - k * 10.0, y0 + 500);
        for (int k = 0; k < 50; ++k)
            ring.addPoint(x0, y0 + 500 - k * 10.0);
        ring.closeRings();
        OGRPolygon polygon;
        polygon.addRing(&ring);
        OGRFeature feature(layer->GetLayerDefn());
        feature.SetField("code", ("Z" + std::to_string(i)).c_str());
        feature.SetGeometry(&polygon);
        EXPECT_EQ(layer->CreateFeature(&feature), OGRERR_NONE);
    }
    return path;
}

} // namespace

TEST(VectorSource, ThreadsDoNotChangeWhatIsRead)
{
    const std::string path = write_squares(testing::TempDir() + "redline_vector_source_squares.gpkg", 300);
    VectorSpec spec;
    spec.option = "--zones";
    spec.path = path;
    spec.id_field = "code";
    const GeosContext ctx;
    const SrsPtr working = srs_from_user_input("EPSG:4490", "test");
    VectorSource one(spec);
    VectorSource two(spec);
    const PolygonLayer a = one.read(*working, ctx, "zones", 1);
    const PolygonLayer b = two.read(*working, ctx, "zones", 2);
    ASSERT_EQ(a.features.size(), 300u);
    ASSERT_EQ(b.features.size(), 300u);
    for (std::size_t i = 0; i < a.features.size(); ++i) {
        EXPECT_EQ(a.features[i].fid, b.features[i].fid);
        EXPECT_EQ(a.features[i].id, "Z" + std::to_string(i));
        EXPECT_EQ(b.features[i].id, a.features[i].id);
        ASSERT_EQ(
          GEOSEqualsExact_r(ctx.handle(), a.features[i].geometry.get(), b.features[i].geometry.get(), 0.0), 1)
          << "feature " << i;
    }
    // Longitude/latitude near 108° E, 29.4° N, densified to at most 100 m edges (10 m here).
    double xmin, ymin, xmax, ymax;
    GEOSGeom_getExtent_r(ctx.handle(), a.features[0].geometry.get(), &xmin, &ymin, &xmax, &ymax);
    EXPECT_NEAR(xmin, 108.0, 0.01);
    EXPECT_NEAR(ymin, 29.36, 0.05);
    std::filesystem::remove(path);
}
