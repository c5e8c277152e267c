// The short cut past PROJ's search through intermediate CRSs: wherever it is taken, GDAL's own
// full search must give the same operation and the same coordinates to the last bit, and the PROJ
// database must indeed hold no transformation of CGCS2000's. On Debian's PROJ the short cut must
// be taken: the tests fail, rather than skip, when it returns nothing.
#include "coordinate_operation.h"
#include "crs.h"
#include "gdal_error.h"

#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>
#include <proj.h>

#include <cstring>
#include <memory>
#include <string>

using namespace redline;

namespace {

SrsPtr epsg(int code)
{
    SrsPtr srs(new OGRSpatialReference());
    EXPECT_EQ(srs->importFromEPSG(code), OGRERR_NONE) << code;
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/// GDAL's own choice, with its full search (what Reprojection did before the short cut).
TransformPtr full_search(const OGRSpatialReference& from, const OGRSpatialReference& to)
{
    return TransformPtr(OGRCreateCoordinateTransformation(&from, &to));
}

/// A 71 x 31 grid over Chongqing and its neighbours (105-112° E, 28-31° N, CGCS2000), expressed in
/// @p srs.
OGRLineString sample_points(const OGRSpatialReference& srs)
{
    OGRLineString line;
    for (int i = 0; i <= 70; ++i)
        for (int j = 0; j <= 30; ++j)
            line.addPoint(105.0 + 0.1 * i + 0.0123 * j, 28.0 + 0.1 * j + 0.0071 * i);
    const SrsPtr cgcs2000 = epsg(4490);
    const TransformPtr to_srs = full_search(*cgcs2000, srs);
    EXPECT_TRUE(to_srs);
    EXPECT_EQ(line.transform(to_srs.get()), OGRERR_NONE);
    return line;
}

/// The PROJ pipeline of the first operation PROJ's full search (intermediate CRSs allowed when no
/// direct transformation exists, PROJ's default) returns, and whether it is a ballpark one.
std::pair<std::string, bool> full_search_best(const OGRSpatialReference& from, const OGRSpatialReference& to)
{
    PJ_CONTEXT* c = proj_context_create();
    char *wkt_from = nullptr, *wkt_to = nullptr;
    const char* options[] = { "FORMAT=WKT2_2019", nullptr };
    from.exportToWkt(&wkt_from, options);
    to.exportToWkt(&wkt_to, options);
    PJ* source = proj_create(c, wkt_from);
    PJ* target = proj_create(c, wkt_to);
    CPLFree(wkt_from);
    CPLFree(wkt_to);
    PJ_OPERATION_FACTORY_CONTEXT* factory = proj_create_operation_factory_context(c, nullptr);
    proj_operation_factory_context_set_spatial_criterion(c, factory, PROJ_SPATIAL_CRITERION_PARTIAL_INTERSECTION);
    PJ_OBJ_LIST* list = proj_create_operations(c, source, target, factory);
    std::pair<std::string, bool> out{ "", false };
    if (list && proj_list_get_count(list) > 0) {
        PJ* best = proj_list_get(c, list, 0);
        out.first = proj_as_proj_string(c, best, PJ_PROJ_5, nullptr);
        out.second = proj_coordoperation_has_ballpark_transformation(c, best) != 0;
        proj_destroy(best);
    }
    proj_list_destroy(list);
    proj_operation_factory_context_destroy(factory);
    proj_destroy(source);
    proj_destroy(target);
    proj_context_destroy(c);
    return out;
}

/// The EPSG release of PROJ's database, for messages.
std::string epsg_release()
{
    PJ_CONTEXT* c = proj_context_create();
    const char* release = proj_context_get_database_metadata(c, "EPSG.VERSION");
    std::string out = std::string("EPSG ") + (release ? release : "(release unknown)") + " in " +
                      proj_context_get_database_path(c);
    proj_context_destroy(c);
    return out;
}

bool shortcut_available()
{
    const SrsPtr cgcs2000 = epsg(4490), utm49 = epsg(32649);
    return operation_without_pivot_search(*cgcs2000, *utm49).has_value();
}

} // namespace

TEST(CoordinateOperation, TheDatabaseHoldsNoTransformationOfCgcs2000WhereverTheShortCutIsTaken)
{
    gdal_init();
    // Debian's PROJ ships an EPSG release the short cut trusts: a short cut that returns nothing
    // there is broken, not skipped.
    ASSERT_TRUE(shortcut_available()) << "no short cut for EPSG:4490 -> EPSG:32649 with " << epsg_release();
    PJ_CONTEXT* c = proj_context_create();
    const std::string db = proj_context_get_database_path(c);
    proj_context_destroy(c);
    const char* drivers[] = { "SQLite", nullptr };
    std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open(db.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, nullptr, nullptr));
    ASSERT_TRUE(ds) << db;
    OGRLayer* count = ds->ExecuteSQL(
      "SELECT COUNT(*) FROM coordinate_operation_view WHERE "
      "(source_crs_auth_name = 'EPSG' AND source_crs_code IN ('4490', '4479', '4480')) OR "
      "(target_crs_auth_name = 'EPSG' AND target_crs_code IN ('4490', '4479', '4480'))",
      nullptr, nullptr);
    ASSERT_TRUE(count);
    std::unique_ptr<OGRFeature> row(count->GetNextFeature());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->GetFieldAsInteger64(0), 0) << db;
    ds->ReleaseResultSet(count);
}

TEST(CoordinateOperation, ShortCutGivesWhatTheFullSearchGives)
{
    gdal_init();
    // Debian's PROJ ships an EPSG release the short cut trusts: a short cut that returns nothing
    // there is broken, not skipped.
    ASSERT_TRUE(shortcut_available()) << "no short cut for EPSG:4490 -> EPSG:32649 with " << epsg_release();
    // CGCS2000 against WGS 84 (UTM, lon/lat, Web Mercator), Beijing 1954, Xian 1980, New Beijing
    // and NTF (Paris) (its prime meridian is not Greenwich's and its unit is the grad: the ballpark
    // is not made by halves there), from both sides and from a projected CGCS2000 CRS.
    const std::pair<int, int> pairs[] = { { 4490, 32649 }, { 4490, 32650 }, { 4490, 4326 }, { 4490, 3857 },
                                          { 32649, 4490 }, { 4545, 32649 }, { 32648, 4545 }, { 4490, 4214 },
                                          { 4490, 4610 }, { 4490, 2383 },   { 4555, 4490 }, { 4490, 4807 },
                                          { 4807, 4545 } };
    for (const auto& [from_code, to_code] : pairs) {
        SCOPED_TRACE("EPSG:" + std::to_string(from_code) + " -> EPSG:" + std::to_string(to_code));
        const SrsPtr from = epsg(from_code), to = epsg(to_code);
        bool by_halves = false;
        const auto pipeline = operation_without_pivot_search(*from, *to, &by_halves);
        ASSERT_TRUE(pipeline);
        // Made from the two CRSs' own conversions wherever their geographic CRSs agree on axes,
        // units and prime meridian: everywhere here but NTF (Paris).
        EXPECT_EQ(by_halves, from_code != 4807 && to_code != 4807);
        const auto [full, ballpark] = full_search_best(*from, *to);
        EXPECT_TRUE(ballpark) << full;
        EXPECT_EQ(*pipeline, full);

        const OGRLineString points = sample_points(*from);
        OGRLineString ours = points, gdal = points;
        ASSERT_TRUE(Reprojection(*from, *to, 0.0, "test").apply(ours));
        const TransformPtr reference = full_search(*from, *to);
        ASSERT_TRUE(reference);
        ASSERT_EQ(gdal.transform(reference.get()), OGRERR_NONE);
        ASSERT_EQ(ours.getNumPoints(), gdal.getNumPoints());
        int differ = 0;
        for (int i = 0; i < ours.getNumPoints(); ++i) {
            const double a[2] = { ours.getX(i), ours.getY(i) }, b[2] = { gdal.getX(i), gdal.getY(i) };
            differ += std::memcmp(a, b, sizeof a) != 0;
        }
        EXPECT_EQ(differ, 0) << "of " << ours.getNumPoints() << " points";
    }
}

TEST(CoordinateOperation, NoShortCutWithoutCgcs2000OnExactlyOneSide)
{
    gdal_init();
    // WGS 84 to its UTM zone: a datum the EPSG dataset links to many; Beijing 1954 to WGS 84:
    // neither is CGCS2000; CGCS2000 to its own Gauss-Kruger zone: no datum change at all.
    const std::pair<int, int> pairs[] = { { 4326, 32649 }, { 4214, 32649 }, { 4490, 4545 }, { 4545, 4490 } };
    for (const auto& [from_code, to_code] : pairs) {
        const SrsPtr from = epsg(from_code), to = epsg(to_code);
        EXPECT_FALSE(operation_without_pivot_search(*from, *to))
          << "EPSG:" << from_code << " -> EPSG:" << to_code;
    }
}

TEST(CoordinateOperation, ACopyForAnotherThreadKeepsTheOperation)
{
    gdal_init();
    const SrsPtr from = epsg(4490), to = epsg(32649);
    const Reprojection original(*from, *to, 0.0, "test");
    const Reprojection copy = original.copy();
    OGRLineString a = sample_points(*from), b = a;
    ASSERT_TRUE(original.apply(a));
    ASSERT_TRUE(copy.apply(b));
    for (int i = 0; i < a.getNumPoints(); ++i) {
        ASSERT_EQ(a.getX(i), b.getX(i));
        ASSERT_EQ(a.getY(i), b.getY(i));
    }
}
