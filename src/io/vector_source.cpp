#include "vector_source.h"

#include "error.h"
#include "gdal_error.h"
#include "geodesic_densify.h"
#include "parallel_for.h"
#include "text.h"

#include <cpl_string.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <optional>

namespace redline {

void split_layer_suffix(const std::string& text, std::string& path, std::string& layer)
{
    path = text;
    layer.clear();
    const std::size_t bar = text.find('|');
    if (bar == std::string::npos)
        return;
    path = text.substr(0, bar);
    for (const std::string& part : split(text.substr(bar + 1), '|')) {
        const std::size_t eq = part.find('=');
        if (eq != std::string::npos && to_lower(trim(part.substr(0, eq))) == "layername")
            layer = trim(part.substr(eq + 1));
    }
}

namespace {

bool is_shapefile_path(const std::string& path)
{
    const std::string p = to_lower(path);
    return p.size() > 4 && p.compare(p.size() - 4, 4, ".shp") == 0;
}

bool file_exists(const std::string& path)
{
    VSIStatBufL st;
    return VSIStatL(path.c_str(), &st) == 0;
}

std::string sibling(const std::string& shp, const char* ext)
{
    return shp.substr(0, shp.size() - 4) + ext;
}

/// The DBF's language driver id (byte 29): non-zero means the file declares its code page.
int dbf_language_driver(const std::string& dbf)
{
    std::ifstream in(dbf, std::ios::binary);
    char header[32] = {};
    if (!in.read(header, sizeof header))
        return 0;
    return static_cast<unsigned char>(header[29]);
}


} // namespace

namespace {

/// A coordinate as a message shows it: 3 decimals, or scientific notation when absurd.
std::string coordinate_text(double v)
{
    if (std::isfinite(v) && std::abs(v) < 1e9)
        return fixed(v, 3);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

} // namespace

std::string why_unreadable(const std::string& path, const char* kind)
{
    VSIStatBufL st;
    if (VSIStatL(path.c_str(), &st) != 0)
        return "no such file";
    if (VSI_ISDIR(st.st_mode))
        return "is a folder, not a " + std::string(kind) + " file (for a FileGDB folder, check its name ends in .gdb)";
    if (st.st_size == 0)
        return "the file is empty (0 bytes): a copy or download that failed?";
    return std::string("GDAL cannot read it as a ") + kind + " (damaged, or not a format GDAL reads)";
}

void VectorSource::check_geojson_crs() const
{
    // The GeoJSON driver quietly falls back to WGS 84 for a "crs" name it cannot resolve.
    if (!m_dataset || !m_dataset->GetDriver() || std::string(m_dataset->GetDriver()->GetDescription()) != "GeoJSON")
        return;
    VSILFILE* f = VSIFOpenL(m_path.c_str(), "rb");
    if (!f)
        return;
    std::string head(65536, '\0');
    head.resize(VSIFReadL(&head[0], 1, head.size(), f));
    VSIFCloseL(f);
    // "crs": { "type": "name", "properties": { "name": "..." } }: the key "name" after "properties".
    const std::size_t crs = head.find("\"crs\"");
    const std::size_t properties = crs == std::string::npos ? crs : head.find("\"properties\"", crs);
    const std::size_t key = properties == std::string::npos ? properties : head.find("\"name\"", properties);
    if (key == std::string::npos || key > crs + 300)
        return;
    std::size_t i = key + 6;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r' || head[i] == ':'))
        ++i;
    if (i >= head.size() || head[i] != '"')
        return;
    const std::size_t close = head.find('"', i + 1);
    if (close == std::string::npos)
        return;
    const std::string name = head.substr(i + 1, close - i - 1);
    OGRSpatialReference test;
    CplErrorCapture quiet;
    if (test.SetFromUserInput(name.c_str()) != OGRERR_NONE)
        throw InputError(m_spec.option + " " + m_path + ": its CRS \"" + name +
                         "\" is not one GDAL/PROJ knows (GDAL would read the layer as WGS 84); give the layer a "
                         "known CRS, e.g. ogr2ogr -a_srs EPSG:4490 fixed.geojson " + m_path);
}

void VectorSource::check_coordinates(const OGRGeometry& geom, bool projected, const std::string& where,
                                     const std::string& crs_name) const
{
    // Vertex by vertex, so the message can show the offending one (the envelope skips NaN).
    bool swapped_candidate = !projected;
    std::string first_bad;
    // The text of a vertex is only made for a message: formatting every vertex cost a seventh of a
    // vector-only run.
    auto text = [](double x, double y) { return "(" + coordinate_text(x) + ", " + coordinate_text(y) + ")"; };
    auto visit = [&](const OGRLinearRing& ring) {
        const int n = ring.getNumPoints();
        for (int i = 0; i < n; ++i) {
            const double x = ring.getX(i), y = ring.getY(i);
            if (!std::isfinite(x) || !std::isfinite(y))
                throw InputError(where + ": vertex " + text(x, y) +
                                 " has a NaN or infinite coordinate; fix or delete the feature");
            if (projected ? (std::abs(x) > 1e8 || std::abs(y) > 1e8) : (std::abs(x) > 540 || std::abs(y) > 90)) {
                if (first_bad.empty())
                    first_bad = text(x, y);
                if (!projected && !(std::abs(y) <= 180 && std::abs(x) <= 90))
                    swapped_candidate = false;
            } else if (!projected && std::abs(x) > 90) {
                swapped_candidate = false;
            }
        }
    };
    const OGRwkbGeometryType t = wkbFlatten(geom.getGeometryType());
    auto polygon = [&](const OGRPolygon* p) {
        for (const OGRLinearRing* ring : *p)
            visit(*ring);
    };
    if (t == wkbPolygon)
        polygon(geom.toPolygon());
    else if (t == wkbMultiPolygon)
        for (const OGRPolygon* p : *geom.toMultiPolygon())
            polygon(p);
    if (first_bad.empty())
        return;
    if (projected)
        throw InputError(where + ": vertex " + first_bad + " lies implausibly far from the origin of " + crs_name +
                         "; fix or delete the feature, or check the layer's CRS");
    if (swapped_candidate)
        throw InputError(where + ": vertex " + first_bad + " reads as (latitude, longitude): the layer's x and y look "
                         "swapped; swap them, e.g. ogr2ogr fixed.gpkg " + m_path +
                         " -dialect SQLite -sql \"SELECT SwapCoords(geometry) AS geometry, * FROM " + m_layer_name +
                         "\" (the geometry column may be named geom)");
    throw InputError(where + ": vertex " + first_bad + " is not a longitude/latitude, yet the layer's CRS is " +
                     crs_name + "; the CRS is probably wrong (assign the right one with ogr2ogr -a_srs)");
}

std::string VectorSource::utf8_text(const char* text, std::int64_t fid, const std::string& field)
{
    std::string s = text ? text : "";
    if (is_utf8(s))
        return s;
    // Chinese text in a non-UTF-8 file is GBK in practice; read it so, and say so.
    char* recoded = CPLRecode(s.c_str(), "CP936", CPL_ENC_UTF8);
    std::string out = recoded ? recoded : s;
    CPLFree(recoded);
    if (!m_recoded++) {
        m_first_recoded_fid = fid;
        m_first_recoded_field = field;
    }
    return out;
}

VectorSource::VectorSource(const VectorSpec& spec)
  : m_spec(spec)
{
    gdal_init();
    std::string layer_from_path;
    split_layer_suffix(spec.path, m_path, layer_from_path);
    if (m_spec.layer.empty())
        m_spec.layer = layer_from_path;

    std::optional<std::string> encoding;
    if (!spec.encoding.empty())
        encoding = spec.encoding;
    else if (is_shapefile_path(m_path))
        encoding = detect_encoding();
    // Detecting opened the file as it is: keep it open when that is how it is to be read.
    if (!(m_dataset && encoding && encoding->empty()))
        open(encoding);
}

std::optional<std::string> VectorSource::detect_encoding()
{
    // A .cpg file or a DBF code-page byte declares the encoding, and GDAL honours both when no
    // ENCODING option overrides them.
    if (file_exists(sibling(m_path, ".cpg")) || file_exists(sibling(m_path, ".CPG"))) {
        m_encoding_used = "as declared by the .cpg file";
        return std::nullopt;
    }
    if (dbf_language_driver(sibling(m_path, ".dbf")) != 0) {
        m_encoding_used = "as declared by the DBF code page";
        return std::nullopt;
    }
    // Undeclared: read the bytes as they are; UTF-8 stays, anything else is taken for GBK,
    // the usual encoding of Chinese Shapefiles written by ArcGIS and older tools.
    open(std::string()); // the bytes as they are
    m_layer->ResetReading();
    bool utf8 = true;
    int seen = 0;
    for (auto& feature : *m_layer) {
        for (int i = 0; i < feature->GetFieldCount() && utf8; ++i)
            if (feature->GetFieldDefnRef(i)->GetType() == OFTString && feature->IsFieldSetAndNotNull(i))
                utf8 = is_utf8(feature->GetFieldAsString(i));
        if (!utf8 || ++seen > 5000)
            break;
    }
    if (utf8)
        return std::string();
    m_warnings.push_back(m_path + ": no .cpg file and the attribute text is not UTF-8; read it as GBK (CP936). "
                                  "Add a .cpg file containing 'GBK', or pass the encoding option, to be sure.");
    return "CP936";
}

void VectorSource::open(const std::optional<std::string>& encoding)
{
    CplErrorCapture capture;
    m_layer = nullptr;
    m_dataset.reset();
    CPLStringList open_options;
    if (is_shapefile_path(m_path) && encoding) {
        // ENCODING="" asks GDAL not to recode; a value names the code page.
        open_options.SetNameValue("ENCODING", encoding->c_str());
        m_encoding_used = encoding->empty() ? "UTF-8 (undeclared)" : *encoding;
    }
    m_dataset.reset(GDALDataset::Open(m_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                      nullptr, open_options.List(), nullptr));
    if (!m_dataset)
        throw InputError(m_spec.option + " " + m_path + ": " + why_unreadable(m_path, "vector layer") + gdal_says(capture));
    // GDAL opens a layer whose CRS it cannot resolve and falls back to none or to WGS 84,
    // reporting the failure only as an error message: a wrong CRS would move every area.
    check_geojson_crs();
    for (const std::string& e : capture.errors())
        if (e.find("crs not found") != std::string::npos || e.find("proj_create") != std::string::npos)
            throw InputError(m_spec.option + " " + m_path + ": its CRS is not one GDAL/PROJ knows (" + e +
                             "); assign a known one, e.g. ogr2ogr -a_srs EPSG:4490 fixed.gpkg " + m_path);
    const int count = m_dataset->GetLayerCount();
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i)
        names.push_back(m_dataset->GetLayer(i)->GetName());
    if (!m_spec.layer.empty()) {
        m_layer = m_dataset->GetLayerByName(m_spec.layer.c_str());
        if (!m_layer)
            throw InputError(m_spec.option + " " + m_path + ": no layer named '" + m_spec.layer +
                             "'; its layers are: " + list_names(names));
    } else if (count == 1) {
        m_layer = m_dataset->GetLayer(0);
    } else if (count == 0) {
        std::string hint;
        if (is_shapefile_path(m_path) && !file_exists(sibling(m_path, ".shx")) && !file_exists(sibling(m_path, ".SHX")))
            hint = " (its .shx index file is missing: copy it beside the .shp, or let GDAL rebuild it with "
                   "--config SHAPE_RESTORE_SHX YES in ogr2ogr)";
        else if (to_lower(m_path).find(".zip") != std::string::npos)
            hint = " (a zipped Shapefile needs its .shp, .shx and .dbf inside the zip)";
        throw InputError(m_spec.option + " " + m_path + ": the source holds no layer" + hint);
    } else {
        throw InputError(m_spec.option + " " + m_path + ": the source holds " + std::to_string(count) +
                         " layers (" + list_names(names) + "); pick one with " + m_spec.option +
                         "-layer NAME or write PATH|layername=NAME");
    }
    m_layer_name = m_layer->GetName();
    m_label = count > 1 || !m_spec.layer.empty() ? m_path + ", layer " + m_layer_name : m_path;

    if (!m_spec.where.empty() && m_layer->SetAttributeFilter(m_spec.where.c_str()) != OGRERR_NONE)
        throw InputError(m_spec.option + "-where '" + m_spec.where + "' on " + m_label +
                         ": not a valid OGR SQL filter" + gdal_says(capture));

    const OGRSpatialReference* srs = m_layer->GetSpatialRef();
    if (!srs && is_shapefile_path(m_path) && (file_exists(sibling(m_path, ".prj")) || file_exists(sibling(m_path, ".PRJ"))))
        throw InputError(m_spec.option + " " + m_label + ": its .prj file " + sibling(m_path, ".prj") +
                         " does not describe a CRS GDAL/PROJ knows" + gdal_says(capture) +
                         "; replace it, e.g. ogr2ogr -a_srs EPSG:4545 fixed.shp " + m_path);
    if (!srs)
        throw InputError(m_spec.option + " " + m_label +
                         ": the layer has no CRS. Assign the one it was drawn in, e.g. "
                         "ogr2ogr -a_srs EPSG:4490 fixed.gpkg " +
                         m_path + " (CGCS2000 longitude/latitude) or EPSG:4545 (CGCS2000 / Gauss-Krüger CM 108E)");
    m_srs = clone_srs(*srs);

    auto pick = [&](const std::string& given, const std::vector<std::string>& candidates, const char* what) {
        if (!given.empty()) {
            field_index(given, what);
            return given;
        }
        for (const auto& c : candidates)
            if (m_layer->GetLayerDefn()->GetFieldIndex(c.c_str()) >= 0)
                return c;
        return std::string();
    };
    m_id_field = pick(m_spec.id_field, m_spec.id_candidates, "id");
    m_name_field = pick(m_spec.name_field, m_spec.name_candidates, "name");
    if (!m_spec.code_field.empty())
        field_index(m_spec.code_field, "class code");
    if (!m_spec.area_field.empty())
        field_index(m_spec.area_field, "area");
}

int VectorSource::field_index(const std::string& name, const char* what) const
{
    OGRFeatureDefn* defn = m_layer->GetLayerDefn();
    const int index = defn->GetFieldIndex(name.c_str());
    if (index < 0) {
        std::vector<std::string> fields;
        for (int i = 0; i < defn->GetFieldCount(); ++i)
            fields.push_back(defn->GetFieldDefn(i)->GetNameRef());
        if (fields.empty() && is_shapefile_path(m_path) && !file_exists(sibling(m_path, ".dbf")) &&
            !file_exists(sibling(m_path, ".DBF")))
            throw InputError(m_spec.option + " " + m_label + ": no field '" + name + "' for the " + what +
                             ": the Shapefile's attribute file " + sibling(m_path, ".dbf") +
                             " is missing; copy it beside the .shp");
        throw InputError(m_spec.option + " " + m_label + ": no field '" + name + "' for the " + what +
                         "; its fields are: " + (fields.empty() ? std::string("(none)") : list_names(fields)));
    }
    return index;
}

long long VectorSource::feature_count()
{
    return m_layer->GetFeatureCount(TRUE);
}

namespace {

bool polygonal_type(OGRwkbGeometryType t)
{
    return t == wkbPolygon || t == wkbMultiPolygon;
}

/// Keeps the polygons of a collection; null when there are none.
std::unique_ptr<OGRGeometry> polygons_only(std::unique_ptr<OGRGeometry> g)
{
    const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
    if (polygonal_type(t))
        return g;
    if (t == wkbGeometryCollection) {
        auto out = std::make_unique<OGRMultiPolygon>();
        for (const OGRGeometry* member : *g->toGeometryCollection()) {
            const OGRwkbGeometryType mt = wkbFlatten(member->getGeometryType());
            if (mt == wkbPolygon)
                out->addGeometry(member);
            else if (mt == wkbMultiPolygon)
                for (const OGRPolygon* p : *member->toMultiPolygon())
                    out->addGeometry(p);
        }
        if (out->IsEmpty())
            return nullptr;
        return out;
    }
    return nullptr;
}

/// Closes rings whose last point differs from the first; true when any was open.
bool close_open_rings(OGRGeometry& g)
{
    bool open = false;
    auto check = [&open](const OGRPolygon* p) {
        for (const OGRLinearRing* ring : *p)
            if (ring->getNumPoints() > 0 && !ring->get_IsClosed())
                open = true;
    };
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon)
        check(g.toPolygon());
    else if (t == wkbMultiPolygon)
        for (const OGRPolygon* p : *g.toMultiPolygon())
            check(p);
    if (open)
        g.closeRings();
    return open;
}

/// The smallest ring, in points (a ring needs 4, the first repeated last).
int min_ring_points(const OGRGeometry& g)
{
    int smallest = 1 << 30;
    auto check = [&smallest](const OGRPolygon* p) {
        for (const OGRLinearRing* ring : *p)
            smallest = std::min(smallest, ring->getNumPoints());
    };
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon)
        check(g.toPolygon());
    else if (t == wkbMultiPolygon)
        for (const OGRPolygon* p : *g.toMultiPolygon())
            check(p);
    return smallest;
}

} // namespace

PolygonLayer VectorSource::read(const OGRSpatialReference& working, const GeosContext& ctx, const std::string& role,
                                int threads)
{
    CplErrorCapture capture;
    PolygonLayer out;
    out.role = role;
    out.source = m_label;
    out.crs_name = label(*m_srs);

    const Reprojection to_working(*m_srs, working, densify_step_for(*m_srs), m_spec.option + " " + m_label);
    const bool projected = !m_srs->IsGeographic();
    const double unit = projected ? m_srs->GetLinearUnits() : 1.0;
    const Ellipsoid source_ellipsoid = ellipsoid_of(*m_srs);
    const int id_index = m_id_field.empty() ? -1 : field_index(m_id_field, "id");
    const int name_index = m_name_field.empty() ? -1 : field_index(m_name_field, "name");
    const int code_index = m_spec.code_field.empty() ? -1 : field_index(m_spec.code_field, "class code");
    const int area_index = m_spec.area_field.empty() ? -1 : field_index(m_spec.area_field, "area");

    std::size_t without_geometry = 0, closed = 0;
    std::string empty_fids, closed_fids;
    // Read and checked here, in feature order; transformed below, on several threads.
    std::vector<std::unique_ptr<OGRGeometry>> geometries;
    m_layer->ResetReading();
    for (auto& feature : *m_layer) {
        const std::string where = m_spec.option + " " + m_label + ", feature FID " + std::to_string(feature->GetFID());
        const OGRGeometry* g = feature->GetGeometryRef();
        if (!g || g->IsEmpty()) {
            if (without_geometry++ < 5)
                empty_fids += (empty_fids.empty() ? "" : ", ") + std::to_string(feature->GetFID());
            continue;
        }
        const OGRwkbGeometryType type = g->getGeometryType();
        // The feature is read once: its geometry is taken, not copied.
        std::unique_ptr<OGRGeometry> geom(g->hasCurveGeometry() ? g->getLinearGeometry() : feature->StealGeometry());
        geom->flattenTo2D();
        geom = polygons_only(std::move(geom));
        if (!geom)
            throw InputError(where + ": is a " + OGRGeometryTypeToName(type) +
                             ", not a polygon; give a polygon layer (convert lines with QGIS 'Lines to polygons')");
        check_coordinates(*geom, projected, where, out.crs_name);
        if (close_open_rings(*geom) && closed++ < 5)
            closed_fids += (closed_fids.empty() ? "" : ", ") + std::to_string(feature->GetFID());
        if (min_ring_points(*geom) < 4)
            throw InputError(where + ": has a ring of fewer than 4 points, which encloses no area; fix or delete it");

        PolygonFeature pf;
        pf.fid = feature->GetFID();
        pf.id = id_index >= 0 ? utf8_text(feature->GetFieldAsString(id_index), pf.fid, m_id_field)
                              : std::to_string(pf.fid);
        pf.name = name_index >= 0 ? utf8_text(feature->GetFieldAsString(name_index), pf.fid, m_name_field) : "";
        pf.code = code_index >= 0 ? utf8_text(feature->GetFieldAsString(code_index), pf.fid, m_spec.code_field) : "";
        if (area_index >= 0 && feature->IsFieldSetAndNotNull(area_index))
            pf.area_attribute_m2 = feature->GetFieldAsDouble(area_index) * m_spec.area_unit_m2;
        if (projected)
            pf.source_planar_area = OGR_G_Area(OGRGeometry::ToHandle(geom.get())) * unit * unit;
        else
            densify_geodesic(*geom, source_ellipsoid); // edges are geodesics: see geodesic_densify.h

        geometries.push_back(std::move(geom));
        out.features.push_back(std::move(pf));
    }

    // Each thread has its own transformation and GEOS context (neither is to be shared).
    const std::string working_label = label(working);
    struct Worker
    {
        std::optional<Reprojection> own_reprojection;
        const Reprojection* reprojection = nullptr;
        ThreadGeos geos;
    };
    const std::size_t worth_a_thread = 50; // features: fewer are done before a thread has started
    const int used = geometries.size() >= 2 * worth_a_thread ? threads : 1;
    parallel_for_with_state(
      geometries.size(), used,
      [&](std::size_t t) {
          auto w = std::make_unique<Worker>(Worker{ std::nullopt, &to_working, ThreadGeos(t, ctx) });
          if (t > 0) {
              w->own_reprojection.emplace(to_working.copy());
              w->reprojection = &*w->own_reprojection;
          }
          return w;
      },
      [&](std::unique_ptr<Worker>& w, std::size_t i) {
          CplErrorCapture errors; // GDAL's error handlers belong to a thread
          PolygonFeature& pf = out.features[i];
          OGRGeometry& geom = *geometries[i];
          if (!w->reprojection->apply(geom))
              throw InputError(m_spec.option + " " + m_label + ", feature FID " + std::to_string(pf.fid) +
                               ": cannot be transformed from " + out.crs_name + " to " + working_label +
                               gdal_says(errors));
          GEOSGeometry* gg = geom.exportToGEOS(w->geos.context().handle());
          if (!gg)
              throw InputError(m_spec.option + " " + m_label + ", feature FID " + std::to_string(pf.fid) +
                               ": GEOS cannot read the geometry" + gdal_says(errors));
          pf.geometry = GeomPtr(gg, GeomDeleter{ w->geos.context().handle() });
          geometries[i].reset();
      });
    if (without_geometry)
        m_warnings.push_back(m_label + ": " + std::to_string(without_geometry) +
                             " feature(s) without geometry were skipped (FID " + empty_fids +
                             (without_geometry > 5 ? ", ..." : "") + ")");
    if (closed)
        m_warnings.push_back(m_label + ": " + std::to_string(closed) +
                             " feature(s) had rings whose last point was not the first; they were closed (FID " +
                             closed_fids + (closed > 5 ? ", ..." : "") + ")");
    if (m_recoded)
        m_warnings.push_back(m_label + ": " + std::to_string(m_recoded) +
                             " attribute value(s) were not UTF-8 and were read as GBK (CP936), first in field " +
                             m_first_recoded_field + " at FID " + std::to_string(m_first_recoded_fid) +
                             "; store text as UTF-8 to be sure");
    return out;
}

} // namespace redline
