// A batch unit's fingerprint: it changes when a setting or an input file changes (size, time, a
// Shapefile's sidecar), and stays the same otherwise, so a re-run skips only unchanged units.
#include "batch/unit_fingerprint.h"
#include "relative_path.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace redline;
namespace fs = std::filesystem;

namespace {

fs::path scratch()
{
    const fs::path dir = fs::temp_directory_path() / ("redline-fingerprint-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir;
}

} // namespace

TEST(UnitFingerprint, SameSettingsSameFilesSameFingerprint)
{
    const fs::path dir = scratch();
    std::ofstream(dir / "b.geojson") << "{}";
    const Settings s{ { "boundary", "b.geojson" }, { "target", "forest=65" } };
    EXPECT_EQ(unit_fingerprint(s, dir.string()), unit_fingerprint(s, dir.string()));
    EXPECT_EQ(unit_fingerprint(s, dir.string()).rfind("redline ", 0), 0u);
    fs::remove_all(dir);
}

TEST(UnitFingerprint, ChangesWithASettingOrAnInputFile)
{
    const fs::path dir = scratch();
    std::ofstream(dir / "b.geojson") << "{}";
    const Settings s{ { "boundary", "b.geojson" }, { "target", "forest=65" } };
    const std::string before = unit_fingerprint(s, dir.string());
    EXPECT_NE(unit_fingerprint({ { "boundary", "b.geojson" }, { "target", "forest=66" } }, dir.string()), before);
    std::ofstream(dir / "b.geojson") << "{\"type\": \"FeatureCollection\"}";
    EXPECT_NE(unit_fingerprint(s, dir.string()), before);
    fs::remove_all(dir);
}

TEST(UnitFingerprint, AShapefilesSidecarCounts)
{
    const fs::path dir = scratch();
    std::ofstream(dir / "r.shp") << "x";
    const Settings s{ { "redline", "r.shp" } };
    const std::string before = unit_fingerprint(s, dir.string());
    std::ofstream(dir / "r.cpg") << "UTF-8";
    EXPECT_NE(unit_fingerprint(s, dir.string()), before);
    fs::remove_all(dir);
}

TEST(RelativePath, JoinsLocalPathsOnly)
{
    EXPECT_EQ(resolve_relative("a.shp", "/jobs"), "/jobs/a.shp");
    EXPECT_EQ(resolve_relative("/data/a.shp", "/jobs"), "/data/a.shp");
    EXPECT_EQ(resolve_relative("/vsizip/rl.zip/a.shp", "/jobs"), "/vsizip//jobs/rl.zip/a.shp");
    EXPECT_EQ(resolve_relative("PG:dbname=x", "/jobs"), "PG:dbname=x");
}
