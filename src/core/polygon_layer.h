#pragma once

#include "area_meter.h"
#include "dissolve.h"
#include "geos_context.h"
#include "polygon_ops.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief One polygon feature of an input layer, held in the working longitude/latitude CRS.
struct PolygonFeature
{
    std::int64_t fid = 0;
    std::string id;   ///< value of the layer's id field (the FID as text when it has none)
    std::string name; ///< value of the layer's name field; may be empty
    std::string code; ///< value of a class field (land use DLBM); may be empty
    GeomPtr geometry; ///< polygonal; valid once repair_invalid() has run
    std::optional<double> area_attribute_m2; ///< the layer's own area attribute, in m²
    /// Planar area of the feature in its source CRS (units², e.g. m² of a Gauss-Krüger layer or
    /// square degrees of a geographic one), for telling how an area attribute was computed.
    std::optional<double> source_planar_area;

    bool repaired = false;
    std::string invalid_reason;           ///< GEOS's reason, with the location
    double area_as_drawn_m2 = 0;          ///< geodesic area of the invalid rings as drawn
};

/// @brief A polygon input layer after reading: its features and where they came from.
struct PolygonLayer
{
    std::string role;        ///< "boundary", "zones", "redline", "protected", "landuse", "shrub-mask"
    std::string source;      ///< path and layer, for messages
    std::string crs_name;    ///< the layer's own CRS as the user gave it
    std::vector<PolygonFeature> features;
};

/// Repairs invalid features in place (GEOS MakeValid, structure method), recording reason and the
/// area as drawn; returns how many were repaired. Features that repair to nothing are kept
/// (empty), so that counts and fids stay those of the file. Features are checked on up to
/// @p threads threads.
std::size_t repair_invalid(const GeosContext& ctx, const AreaMeter& meter, PolygonLayer& layer, int threads = 1);

/// @brief A feature whose area attribute disagrees with its measured area.
struct AreaMismatch
{
    std::size_t feature = 0; ///< index into PolygonLayer::features
    double attribute_m2 = 0;
    double measured_m2 = 0;
    std::string likely_cause;
};

/// @brief Comparison of a layer's area attribute with the measured areas.
struct AreaFieldCheck
{
    std::size_t compared = 0; ///< features with a usable attribute value
    double attribute_sum_m2 = 0;
    double measured_sum_m2 = 0;
    double tolerance_relative = 0;
    std::vector<AreaMismatch> mismatches;
};

/// Compares each feature's area attribute with its geodesic area; a feature disagrees when the
/// relative difference exceeds @p tolerance. The likely cause is named when the attribute matches
/// another way of measuring (planar in the layer's CRS, Web Mercator, square degrees, another
/// unit, the invalid geometry as drawn).
AreaFieldCheck check_area_attribute(const GeosContext& ctx, const AreaMeter& meter, const PolygonLayer& layer,
                                    double tolerance);

/// @brief The figures of a polygon layer (red line, protected areas) against the district.
struct LayerFigures
{
    std::size_t features = 0;
    std::size_t repaired = 0;
    double sum_of_parts_m2 = 0;    ///< Σ feature areas: overlaps counted twice, nothing clipped
    double clipped_parts_m2 = 0;   ///< Σ area(feature ∩ district): overlaps counted twice
    double dissolved_m2 = 0;       ///< area of the union, inside and outside the district
    double inside_m2 = 0;          ///< area of union ∩ district: the figure
    double outside_m2 = 0;         ///< area of union − district
    double overlap_m2 = 0;         ///< sum_of_parts − dissolved: what counting twice adds
    double area_as_drawn_sum_m2 = 0; ///< Σ areas with invalid features measured as drawn
    std::optional<double> survey_inside_m2; ///< the survey's trapezoid figure for `inside`
    MeasuredParts inside_parts;             ///< the dissolved layer inside the district, by part
    MeasuredParts outside_parts;            ///< and outside it (collect() makes either one MultiPolygon)
    std::vector<Overlap> overlaps;
    std::optional<AreaFieldCheck> area_field;
};

/// Dissolves @p layer, clips it to @p district and measures every variant.
/// The features are measured on up to @p threads threads (the figures do not depend on it).
LayerFigures analyse_layer(const GeosContext& ctx, const AreaMeter& meter, const PolygonLayer& layer,
                           const GEOSGeometry* district, bool survey, int threads = 1);

/// Geometry pointers of a layer's features (non-owning), in feature order.
std::vector<const GEOSGeometry*> geometries_of(const PolygonLayer& layer);

} // namespace redline
