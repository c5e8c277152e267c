// The QGIS project writer: Gauss-Krüger zone choice, the .qgs document (well-formed, relative
// sources, tree and drawing order, styles copied in), .qgs/.qgz files, refusals. The last test
// writes a small GeoPackage and its .qgz project; tests/qgis/test_project_opens.py runs it with
// REDLINE_QGIS_PROJECT_DIR set and opens the result in a real QGIS.
#include "error.h"
#include "qgis_project.h"

#include <cpl_conv.h>
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

using namespace redline;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string style(const std::string& name)
{
    return read_text(fs::path(REDLINE_SOURCE_DIR) / "styles" / (name + ".qml"));
}

struct XmlDeleter
{
    void operator()(CPLXMLNode* n) const { CPLDestroyXMLNode(n); }
};
using Xml = std::unique_ptr<CPLXMLNode, XmlDeleter>;

/// Child elements of @p parent called @p tag.
std::vector<const CPLXMLNode*> children(const CPLXMLNode* parent, const char* tag)
{
    std::vector<const CPLXMLNode*> out;
    for (const CPLXMLNode* c = parent ? parent->psChild : nullptr; c; c = c->psNext)
        if (c->eType == CXT_Element && EQUAL(c->pszValue, tag))
            out.push_back(c);
    return out;
}

std::string value(const CPLXMLNode* node, const char* path)
{
    return CPLGetXMLValue(node, path, "<missing>");
}

/// A temporary directory removed at the end of the test.
class TempDir
{
public:
    TempDir()
    {
        m_path = fs::temp_directory_path() /
                 ("redline-qgis-project-" + std::to_string(::getpid()) + "-" + std::to_string(++s_count));
        fs::create_directories(m_path);
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
    static inline int s_count = 0;
};

ProjectSpec qianjiang_spec()
{
    ProjectSpec spec;
    spec.title = "黔江区 生态保护红线 (redline)";
    spec.gpkg_file_name = "黔江.gpkg";
    spec.project_crs = gauss_kruger_crs_for(108.77);
    spec.layer_crs = "EPSG:4490";
    spec.layers = {
        { "qa_zones", "质检：乡镇缝隙/重叠/出界 (qa_zones)", "质检 (QA)", style("qa_zones"), false },
        { "activity_patches", "疑似人类活动图斑 (activity_patches)", "", style("activity_patches"), true },
        { "district", "区界 (district)", "结果 (results)", style("district"), true },
        { "zones", "乡镇：生态保护红线占比 (zones)", "结果 (results)", style("zones"), true },
        { "plain", "无样式图层 (plain)", "", "", true }, // QGIS's default symbol, at the bottom
    };
    // 108.70..108.90 E, 29.40..29.60 N in CM 108E (gdaltransform), rounded outwards.
    spec.xmin = 567000;
    spec.ymin = 3253000;
    spec.xmax = 588000;
    spec.ymax = 3277000;
    return spec;
}

// Field names of a style (its <fieldConfiguration>), so the test layers have exactly the fields
// the styles expect; numbers where the name says so.
std::vector<std::pair<std::string, OGRFieldType>> fields_of_style(const std::string& qml)
{
    std::vector<std::pair<std::string, OGRFieldType>> out;
    Xml tree(CPLParseXMLString(qml.c_str()));
    const CPLXMLNode* config = CPLGetXMLNode(tree.get(), "=qgis.fieldConfiguration");
    const std::set<std::string> reals = { "lon", "lat", "score", "confidence", "ratio" };
    for (const CPLXMLNode* f : children(config, "field")) {
        const std::string name = CPLGetXMLValue(f, "name", "");
        auto ends_with = [&](const char* s) {
            const std::string t = s;
            return name.size() >= t.size() && name.compare(name.size() - t.size(), t.size(), t) == 0;
        };
        const bool real = reals.count(name) || ends_with("_m2") || ends_with("_km2") || ends_with("_pct") ||
                          ends_with("_ha") || ends_with("_before") || ends_with("_after");
        out.emplace_back(name, real ? OFTReal : OFTString);
    }
    return out;
}

struct TestFeature
{
    std::string wkt;
    std::vector<std::pair<std::string, std::string>> values; // field -> value (as text)
};

void write_gpkg_layer(GDALDataset& ds, const std::string& name, const std::string& qml,
                      const std::vector<TestFeature>& features)
{
    OGRSpatialReference srs;
    ASSERT_EQ(srs.importFromEPSG(4490), OGRERR_NONE);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLStringList lco;
    lco.SetNameValue("GEOMETRY_NAME", "geom");
    lco.SetNameValue("FID", "fid");
    OGRLayer* layer = ds.CreateLayer(name.c_str(), &srs, wkbMultiPolygon, lco.List());
    ASSERT_NE(layer, nullptr);
    auto fields = qml.empty()
                    ? std::vector<std::pair<std::string, OGRFieldType>>{ { "unit_name", OFTString } }
                    : fields_of_style(qml);
    ASSERT_FALSE(fields.empty()) << name;
    for (const auto& [field, type] : fields) {
        OGRFieldDefn defn(field.c_str(), type);
        ASSERT_EQ(layer->CreateField(&defn), OGRERR_NONE);
    }
    for (const auto& tf : features) {
        OGRFeature f(layer->GetLayerDefn());
        for (const auto& [field, v] : tf.values) {
            const int i = f.GetFieldIndex(field.c_str());
            ASSERT_GE(i, 0) << name << "." << field;
            f.SetField(i, v.c_str());
        }
        OGRGeometry* g = nullptr;
        ASSERT_EQ(OGRGeometryFactory::createFromWkt(tf.wkt.c_str(), &srs, &g), OGRERR_NONE);
        f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
        ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    }
}

std::string box(double x0, double y0, double x1, double y1)
{
    std::ostringstream s;
    s.precision(12);
    s << "POLYGON((" << x0 << " " << y0 << "," << x1 << " " << y0 << "," << x1 << " " << y1 << "," << x0
      << " " << y1 << "," << x0 << " " << y0 << "))";
    return s.str();
}

} // namespace

TEST(GaussKruger, NearestCentralMeridian)
{
    EXPECT_EQ(gauss_kruger_crs_for(108.77), "EPSG:4545"); // Qianjiang: CM 108E
    EXPECT_EQ(gauss_kruger_crs_for(75.1), "EPSG:4534");
    EXPECT_EQ(gauss_kruger_crs_for(134.9), "EPSG:4554");
    EXPECT_EQ(gauss_kruger_crs_for(109.49), "EPSG:4545"); // still nearer 108 than 111
    EXPECT_EQ(gauss_kruger_crs_for(109.51), "EPSG:4546");
    EXPECT_EQ(gauss_kruger_crs_for(116.4), "EPSG:4548"); // Beijing: CM 117E
}

TEST(GaussKruger, ClampsOutsideChina)
{
    EXPECT_EQ(gauss_kruger_crs_for(10.0), "EPSG:4534");
    EXPECT_EQ(gauss_kruger_crs_for(-179.0), "EPSG:4534");
    EXPECT_EQ(gauss_kruger_crs_for(170.0), "EPSG:4554");
    EXPECT_THROW(gauss_kruger_crs_for(std::nan("")), std::invalid_argument);
}

TEST(GaussKruger, CodesAreTheCentralMeridianZones)
{
    // The EPSG names say which central meridian each code has; check every zone against them.
    for (int cm = 75; cm <= 135; cm += 3) {
        const std::string code = gauss_kruger_crs_for(cm);
        OGRSpatialReference srs;
        ASSERT_EQ(srs.SetFromUserInput(code.c_str()), OGRERR_NONE) << code;
        EXPECT_EQ(std::string(srs.GetName()),
                  "CGCS2000 / 3-degree Gauss-Kruger CM " + std::to_string(cm) + "E");
        EXPECT_DOUBLE_EQ(srs.GetProjParm(SRS_PP_CENTRAL_MERIDIAN), cm);
    }
}

TEST(QgisProject, WellFormedWithRelativeSourcesInOrder)
{
    const ProjectSpec spec = qianjiang_spec();
    const std::string text = qgis_project_xml(spec);
    ASSERT_EQ(text.rfind("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>", 0), 0u);
    Xml tree(CPLParseXMLString(text.c_str()));
    ASSERT_NE(tree, nullptr);
    const CPLXMLNode* root = CPLGetXMLNode(tree.get(), "=qgis");
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(value(root, "projectname"), spec.title);
    EXPECT_EQ(value(root, "version"), "3.22.16-Białowieża");
    EXPECT_EQ(value(root, "title"), spec.title);
    EXPECT_EQ(value(root, "homePath.path"), "");
    EXPECT_EQ(value(root, "projectCrs.spatialrefsys.authid"), "EPSG:4545");
    EXPECT_EQ(value(root, "projectCrs.spatialrefsys.geographicflag"), "false");
    EXPECT_EQ(value(root, "projectCrs.spatialrefsys.wkt")
                .rfind("PROJCRS[\"CGCS2000 / 3-degree Gauss-Kruger CM 108E\"", 0),
              0u);
    EXPECT_EQ(value(root, "properties.Paths.Absolute"), "false");
    EXPECT_EQ(value(root, "properties.Measure.Ellipsoid"), "EPSG:1024"); // CGCS2000
    EXPECT_EQ(value(root, "mapcanvas.destinationsrs.spatialrefsys.authid"), "EPSG:4545");
    EXPECT_EQ(value(root, "mapcanvas.units"), "meters");
    EXPECT_EQ(value(root, "mapcanvas.extent.xmin"), "567000");
    EXPECT_EQ(value(root, "mapcanvas.extent.ymax"), "3277000");
    EXPECT_EQ(value(root, "ProjectViewSettings.DefaultViewExtent.xmax"), "588000");
    ProjectSpec degrees = spec;
    degrees.project_crs = "EPSG:4490";
    degrees.xmin = 108.7;
    degrees.xmax = 108.9 + 1e-13;
    degrees.ymin = 29.4;
    degrees.ymax = 29.6;
    Xml in_degrees(CPLParseXMLString(qgis_project_xml(degrees).c_str()));
    EXPECT_EQ(value(in_degrees.get(), "=qgis.mapcanvas.units"), "degrees");
    EXPECT_EQ(value(in_degrees.get(), "=qgis.mapcanvas.extent.xmin"), "108.7");
    EXPECT_EQ(CPLAtof(value(in_degrees.get(), "=qgis.mapcanvas.extent.xmax").c_str()), degrees.xmax); // exact
    EXPECT_EQ(value(in_degrees.get(), "=qgis.projectCrs.spatialrefsys.geographicflag"), "true");

    // The tree: the QA group, the top-level layer, then the results group; each layer's source
    // is the GeoPackage beside the project.
    const CPLXMLNode* tree_root = CPLGetXMLNode(root, "layer-tree-group");
    ASSERT_NE(tree_root, nullptr);
    std::vector<std::string> top;
    for (const CPLXMLNode* c = tree_root->psChild; c; c = c->psNext)
        if (c->eType == CXT_Element &&
            (EQUAL(c->pszValue, "layer-tree-group") || EQUAL(c->pszValue, "layer-tree-layer")))
            top.push_back(c->pszValue + std::string(":") + CPLGetXMLValue(c, "name", ""));
    EXPECT_EQ(top,
              (std::vector<std::string>{ "layer-tree-group:质检 (QA)",
                                         "layer-tree-layer:疑似人类活动图斑 (activity_patches)",
                                         "layer-tree-group:结果 (results)",
                                         "layer-tree-layer:无样式图层 (plain)" }));
    const auto groups = children(tree_root, "layer-tree-group");
    ASSERT_EQ(groups.size(), 2u);
    const auto qa = children(groups[0], "layer-tree-layer");
    ASSERT_EQ(qa.size(), 1u);
    EXPECT_EQ(value(qa[0], "source"), "./黔江.gpkg|layername=qa_zones");
    EXPECT_EQ(value(qa[0], "checked"), "Qt::Unchecked");
    EXPECT_EQ(value(qa[0], "providerKey"), "ogr");
    const auto results = children(groups[1], "layer-tree-layer");
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(value(results[0], "name"), "区界 (district)");
    EXPECT_EQ(value(results[1], "source"), "./黔江.gpkg|layername=zones");
    EXPECT_EQ(value(results[1], "checked"), "Qt::Checked");

    // Drawing order = tree order, in <layerorder> and in <projectlayers>.
    std::vector<std::string> ids;
    for (const CPLXMLNode* l : children(CPLGetXMLNode(root, "layerorder"), "layer"))
        ids.push_back(value(l, "id"));
    ASSERT_EQ(ids.size(), 5u);
    const auto layers = children(CPLGetXMLNode(root, "projectlayers"), "maplayer");
    ASSERT_EQ(layers.size(), 5u);
    const char* names[] = { "qa_zones", "activity_patches", "district", "zones", "plain" };
    std::set<std::string> unique_ids;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const CPLXMLNode* l = layers[i];
        EXPECT_EQ(value(l, "id"), ids[i]);
        unique_ids.insert(ids[i]);
        EXPECT_EQ(value(l, "datasource"), std::string("./黔江.gpkg|layername=") + names[i]);
        EXPECT_EQ(value(l, "type"), "vector");
        EXPECT_EQ(value(l, "geometry"), "Polygon");
        EXPECT_EQ(value(l, "provider"), "ogr");
        EXPECT_EQ(value(l, "provider.encoding"), "UTF-8");
        EXPECT_EQ(value(l, "srs.spatialrefsys.authid"), "EPSG:4490");
        EXPECT_EQ(value(l, "srs.spatialrefsys.geographicflag"), "true");
    }
    EXPECT_EQ(unique_ids.size(), 5u);
    EXPECT_EQ(value(layers[1], "layername"), "疑似人类活动图斑 (activity_patches)");

    // The styles are in: renderer, labels switch, aliases of the QML; none for the plain layer.
    EXPECT_EQ(value(layers[3], "renderer-v2.type"), "graduatedSymbol");
    EXPECT_EQ(value(layers[3], "renderer-v2.attr"), "redline_pct");
    EXPECT_EQ(value(layers[3], "labelsEnabled"), "1");
    EXPECT_EQ(value(layers[0], "renderer-v2.type"), "categorizedSymbol");
    EXPECT_EQ(value(layers[0], "labelsEnabled"), "0");
    EXPECT_EQ(value(layers[1], "labeling.type"), "simple");
    EXPECT_EQ(value(layers[2], "renderer-v2.type"), "singleSymbol");
    EXPECT_EQ(CPLGetXMLNode(layers[4], "renderer-v2"), nullptr);
    EXPECT_EQ(value(layers[4], "labelsEnabled"), "0");
    bool alias = false;
    for (const CPLXMLNode* a : children(CPLGetXMLNode(layers[3], "aliases"), "alias"))
        alias = alias || (value(a, "field") == "redline_pct" && value(a, "name") == "生态保护红线占比 (%)");
    EXPECT_TRUE(alias);
}

TEST(QgisProject, SameSpecSameBytes)
{
    // No dates or random ids: a re-run writes the same project (diffs stay empty).
    EXPECT_EQ(qgis_project_xml(qianjiang_spec()), qgis_project_xml(qianjiang_spec()));
}

TEST(QgisProject, TitlesAndSpecialCharactersAreEscaped)
{
    ProjectSpec spec = qianjiang_spec();
    spec.title = "A & B <\"quoted\">\nsecond line";
    spec.layers.resize(1);
    spec.layers[0].title = "x < y & \"z\"";
    spec.layers[0].group = "g & h";
    spec.layers[0].qml.clear();
    Xml tree(CPLParseXMLString(qgis_project_xml(spec).c_str()));
    ASSERT_NE(tree, nullptr);
    const CPLXMLNode* root = CPLGetXMLNode(tree.get(), "=qgis");
    EXPECT_EQ(value(root, "title"), spec.title);
    EXPECT_EQ(value(root, "layer-tree-group.layer-tree-group.name"), "g & h");
    EXPECT_EQ(value(root, "layer-tree-group.layer-tree-group.layer-tree-layer.name"), "x < y & \"z\"");
    EXPECT_EQ(value(root, "projectlayers.maplayer.layername"), "x < y & \"z\"");
}

TEST(QgisProject, EmptyTitleFallsBackToTheLayerName)
{
    ProjectSpec spec = qianjiang_spec();
    spec.layers = { { "zones", "", "", "", true } };
    Xml tree(CPLParseXMLString(qgis_project_xml(spec).c_str()));
    EXPECT_EQ(value(tree.get(), "=qgis.layer-tree-group.layer-tree-layer.name"), "zones");
    EXPECT_EQ(value(tree.get(), "=qgis.projectlayers.maplayer.layername"), "zones");
}

TEST(QgisProject, RefusesWhatCannotMakeAProject)
{
    const TempDir dir;
    ProjectSpec spec = qianjiang_spec();
    EXPECT_THROW(write_qgis_project(spec, (dir.path() / "p.txt").string()), OutputError);
    EXPECT_THROW(write_qgis_project(spec, (dir.path() / "missing" / "p.qgz").string()), OutputError);

    auto refused = [](ProjectSpec s) {
        try {
            qgis_project_xml(s);
        } catch (const OutputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    ProjectSpec s = spec;
    s.gpkg_file_name = "out/q.gpkg";
    EXPECT_NE(refused(s).find("file name alone"), std::string::npos);
    s = spec;
    s.layers[3].qml = "<qgis><renderer-v2>"; // truncated
    EXPECT_NE(refused(s).find("zones"), std::string::npos);
    s = spec;
    s.layers[3].qml = "<!DOCTYPE x><style/>";
    EXPECT_NE(refused(s).find("not a QGIS style"), std::string::npos);
    s = spec;
    s.layers.push_back(s.layers[0]);
    EXPECT_NE(refused(s).find("twice"), std::string::npos);
    s = spec;
    s.project_crs = "EPSG:99999999";
    EXPECT_NE(refused(s).find("EPSG:99999999"), std::string::npos);
    s = spec;
    s.xmax = std::nan("");
    EXPECT_NE(refused(s).find("extent"), std::string::npos);
    s = spec;
    s.ymax = s.ymin;
    EXPECT_NE(refused(s).find("extent is empty"), std::string::npos);
    s = spec;
    s.layers.clear();
    EXPECT_NE(refused(s).find("no layers"), std::string::npos);
    // Through write_qgis_project the message names the file.
    s = spec;
    s.layer_crs = "not a CRS";
    const std::string qgz = (dir.path() / "p.qgz").string();
    try {
        write_qgis_project(s, qgz);
        ADD_FAILURE() << "no error";
    } catch (const OutputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("QGIS project " + qgz + ": layer CRS: 'not a CRS'", 0), 0u)
          << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir.path())); // nothing half-written left behind
}

TEST(QgisProject, WritesQgsAndQgz)
{
    const TempDir dir;
    const ProjectSpec spec = qianjiang_spec();
    const std::string expected = qgis_project_xml(spec);

    const fs::path qgs = dir.path() / "p.qgs";
    write_qgis_project(spec, qgs.string());
    EXPECT_EQ(read_text(qgs), expected);

    // A .qgz is a zip with one .qgs named after it, as QGIS saves it; "project.qgs" when the
    // name is not ASCII (see write_qgis_project).
    for (const auto& [name, inner] : { std::pair<std::string, std::string>{ "p.qgz", "p.qgs" },
                                       std::pair<std::string, std::string>{ "黔江.qgz", "project.qgs" } }) {
        const fs::path qgz = dir.path() / name;
        write_qgis_project(spec, qgz.string());
        write_qgis_project(spec, qgz.string()); // replaces it
        char** listing = VSIReadDir(("/vsizip/{" + qgz.string() + "}").c_str());
        ASSERT_NE(listing, nullptr);
        ASSERT_EQ(CSLCount(listing), 1);
        EXPECT_EQ(std::string(listing[0]), inner);
        CSLDestroy(listing);
        VSILFILE* f = VSIFOpenL(("/vsizip/{" + qgz.string() + "}/" + inner).c_str(), "rb");
        ASSERT_NE(f, nullptr);
        std::string inside(expected.size() + 16, '\0');
        inside.resize(VSIFReadL(&inside[0], 1, inside.size(), f));
        VSIFCloseL(f);
        EXPECT_EQ(inside, expected);
    }

    // Only the three projects: no temporary files left.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        (void)entry;
        ++files;
    }
    EXPECT_EQ(files, 3);
}

// Writes 黔江.gpkg (layers qa_zones, activity_patches, district, zones, plain in EPSG:4490, with the
// fields of their styles) and 黔江.qgz beside it. With REDLINE_QGIS_PROJECT_DIR set, into that
// folder and kept there (for tests/qgis/test_project_opens.py); otherwise into a temporary one.
TEST(QgisProject, WritesAProjectForAGeoPackage)
{
    GDALAllRegister();
    std::unique_ptr<TempDir> temp;
    fs::path dir;
    if (const char* keep = std::getenv("REDLINE_QGIS_PROJECT_DIR")) {
        dir = keep;
        fs::create_directories(dir);
    } else {
        temp = std::make_unique<TempDir>();
        dir = temp->path();
    }
    const ProjectSpec spec = qianjiang_spec();
    const fs::path gpkg = dir / spec.gpkg_file_name;
    fs::remove(gpkg);
    {
        GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
        ASSERT_NE(driver, nullptr);
        GDALDatasetUniquePtr ds(driver->Create(gpkg.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        ASSERT_NE(ds, nullptr);
        // Three townships side by side, in three different redline_pct classes of zones.qml.
        write_gpkg_layer(*ds,
                         "zones",
                         style("zones"),
                         { { box(108.70, 29.40, 108.77, 29.60),
                             { { "unit_id", "500114001" },
                               { "unit_name", "城东街道" },
                               { "redline_pct", "5" },
                               { "status", "pass" } } },
                           { box(108.77, 29.40, 108.84, 29.60),
                             { { "unit_id", "500114002" },
                               { "unit_name", "濯水镇" },
                               { "redline_pct", "25" },
                               { "status", "fail" } } },
                           { box(108.84, 29.40, 108.90, 29.60),
                             { { "unit_id", "500114003" },
                               { "unit_name", "马喇镇" },
                               { "redline_pct", "45" },
                               { "status", "pass" } } } });
        write_gpkg_layer(
          *ds,
          "district",
          style("district"),
          { { box(108.70, 29.40, 108.90, 29.60),
              { { "unit_id", "500114" }, { "unit_name", "黔江区" }, { "redline_pct", "25" } } } });
        // Around the district, so QGIS's default fill shows in the margin of the map.
        write_gpkg_layer(
          *ds, "plain", "", { { box(108.68, 29.38, 108.92, 29.62), { { "unit_name", "外框" } } } });
        write_gpkg_layer(*ds,
                         "activity_patches",
                         style("activity_patches"),
                         { { box(108.75, 29.45, 108.76, 29.46),
                             { { "patch_id", "P1a" },
                               { "change_type", "vegetation_to_bare" },
                               { "status", "to_verify" },
                               { "score", "2.5" },
                               { "area_m2", "1000000" } } },
                           { box(108.85, 29.52, 108.86, 29.53),
                             { { "patch_id", "P2b" },
                               { "change_type", "water_to_land" },
                               { "status", "to_verify" },
                               { "score", "1.2" },
                               { "area_m2", "1000000" } } } });
        write_gpkg_layer(
          *ds,
          "qa_zones",
          style("qa_zones"),
          { { box(108.769, 29.50, 108.771, 29.52), { { "kind", "gap" }, { "area_m2", "40000" } } } });
        if (HasFatalFailure()) return;
        CPLErrorReset();
        ds.reset();
        ASSERT_NE(CPLGetLastErrorType(), CE_Failure);
    }
    const fs::path qgz = dir / "黔江.qgz";
    write_qgis_project(spec, qgz.string());
    EXPECT_TRUE(fs::is_regular_file(qgz));
    EXPECT_TRUE(fs::is_regular_file(gpkg));
}
