#pragma once

#include "atomic_file.h"
#include "crs.h"
#include "geos_context.h"

#include <gdal_priv.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace redline {

/// @brief A column of an output layer.
struct OutputField
{
    enum class Type
    {
        text,
        real,
        integer
    };
    std::string name;
    Type type = Type::text;
};

using FieldValue = std::variant<std::monostate, std::string, double, std::int64_t>;

/// @brief A feature of an output layer: a GEOS geometry in the working CRS and its values.
struct OutputFeature
{
    const GEOSGeometry* geometry = nullptr; ///< not owned; may be null
    std::vector<FieldValue> values;
};

/// @brief Writes a GeoPackage of MultiPolygon layers, each with its default QGIS style, under a
/// temporary name; commit() moves it into place.
///
/// Geometries arrive in the working longitude/latitude CRS and are written in the output CRS.
/// Styles go into the `layer_styles` table the way QGIS saves them, with useAsDefault set, so
/// QGIS draws each layer styled on open.
class GeoPackageWriter
{
public:
    GeoPackageWriter(const std::string& path, const std::string& option, const GeosContext& ctx,
                     const OGRSpatialReference& working, const OGRSpatialReference& output);
    ~GeoPackageWriter();

    void write_layer(const std::string& name, const std::string& description, const std::vector<OutputField>& fields,
                     const std::vector<OutputFeature>& features, const std::string& style_qml);

    /// Writes the styles, closes the file and renames it into place.
    void commit();

private:
    void write_styles();

    const GeosContext& m_ctx;
    std::string m_path;
    std::string m_option;
    AtomicOutput m_output;
    GDALDatasetUniquePtr m_dataset;
    SrsPtr m_output_srs;
    Reprojection m_to_output;
    struct Style
    {
        std::string layer, description, qml;
    };
    std::vector<Style> m_styles;
};

} // namespace redline
