#pragma once

#include "crs.h"
#include "geos_context.h"
#include "polygon_layer.h"

#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <cstdint>

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief How the user named a polygon input: a source, a layer, a filter, and the fields to use.
struct VectorSpec
{
    std::string option; ///< the option that named it (e.g. "--redline"), for messages
    std::string path;   ///< any OGR source; "path|layername=NAME" picks a layer, as QGIS writes it
    std::string layer;  ///< layer name (overrides the one in path)
    std::string where;  ///< OGR SQL attribute filter
    std::string encoding; ///< for Shapefiles without a .cpg file; empty: detect (UTF-8, else GBK)
    std::string id_field, name_field, code_field, area_field;
    /// Fields to try, in order, when id_field / name_field are not given.
    std::vector<std::string> id_candidates, name_candidates;
    double area_unit_m2 = 1.0; ///< size of one unit of area_field in m²
};

/// @brief An open polygon layer.
///
/// Opening checks everything that can be checked before reading features (the source opens, the
/// layer exists, the filter parses, the fields exist, the layer has a CRS), so that mistakes are
/// reported before any long work starts.
class VectorSource
{
public:
    explicit VectorSource(const VectorSpec& spec);

    const OGRSpatialReference& srs() const { return *m_srs; }
    /// "path" or "path, layer NAME" for messages.
    const std::string& source_label() const { return m_label; }
    const std::string& layer_name() const { return m_layer_name; }
    const std::string& encoding_used() const { return m_encoding_used; }
    const std::string& id_field() const { return m_id_field; }
    const std::string& name_field() const { return m_name_field; }
    long long feature_count();

    /// Reads every polygon feature, densified and transformed to @p working (longitude/latitude).
    /// Features without geometry are skipped and counted in warnings. The features are
    /// transformed on up to @p threads threads; the result does not depend on the count.
    PolygonLayer read(const OGRSpatialReference& working, const GeosContext& ctx, const std::string& role,
                      int threads = 1);

    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    /// Opens the source; for a Shapefile, @p encoding is GDAL's ENCODING open option: absent to
    /// let GDAL honour the .cpg file or the DBF's code-page byte, "" for no recoding, or a code page.
    void open(const std::optional<std::string>& encoding);
    int field_index(const std::string& name, const char* what) const;
    std::optional<std::string> detect_encoding();
    void check_geojson_crs() const;
    void check_coordinates(const OGRGeometry& geom, bool projected, const std::string& where,
                           const std::string& crs_name) const;
    std::string utf8_text(const char* text, std::int64_t fid, const std::string& field);

    VectorSpec m_spec;
    std::string m_path;
    std::string m_label;
    std::string m_layer_name;
    std::string m_encoding_used;
    std::string m_id_field, m_name_field;
    GDALDatasetUniquePtr m_dataset;
    OGRLayer* m_layer = nullptr;
    SrsPtr m_srs;
    std::vector<std::string> m_warnings;
    std::size_t m_recoded = 0;
    std::int64_t m_first_recoded_fid = 0;
    std::string m_first_recoded_field;
};

/// Why GDAL could not open @p path, in words a user can act on (missing, a folder, empty, damaged).
std::string why_unreadable(const std::string& path, const char* kind);

/// Splits "path|layername=NAME" into path and layer name (empty when absent).
void split_layer_suffix(const std::string& text, std::string& path, std::string& layer);

} // namespace redline
