#pragma once

#include "area_unit.h"
#include "common/progress.h"
#include "coverage/raster_report.h"
#include "class_table.h"
#include "crs.h"
#include "figure_check.h"
#include "geos_context.h"
#include "polygon_layer.h"
#include "reconcile.h"
#include "vector_source.h"
#include "zone_tiling.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace redline {

/// @brief Everything `redline coverage` needs, as plain values (no argv, no Boost).
struct CoverageOptions
{
    VectorSpec boundary; ///< required
    std::optional<VectorSpec> zones;
    std::optional<VectorSpec> redline;
    std::optional<VectorSpec> protected_areas;

    /// Forest from a land-cover raster ...
    std::string landcover; ///< path; empty when forest comes from a land-use layer or not at all
    int landcover_band = 1;
    std::optional<std::int32_t> landcover_nodata;
    std::string landcover_table; ///< class table name in layers/classes
    std::string forest_classes;  ///< "10,20" or a table name; empty: the table's forest classes
    /// ... or from a land-use layer (code_field set to the class field, e.g. DLBM).
    std::optional<VectorSpec> landuse;
    std::string landuse_table;
    std::string forest_codes;
    /// Where shrubland (forest = masked) counts (国家特别规定灌木林地); without it, it counts everywhere.
    std::optional<VectorSpec> shrub_mask;

    std::vector<FigureCheck> checks;
    std::map<std::string, AreaFigure> reported_areas; ///< published areas: district, redline, protected, forest
    double area_field_tolerance = 1e-4;               ///< relative, for area attributes (0.01 %)
    bool survey_area = false;                         ///< also the survey's trapezoid figures
    std::string output_crs;                           ///< empty: the boundary's CRS
    int threads = 0;                                  ///< raster pass and vector work; 0: all cores

    std::string out_gpkg, json_path, csv_path;
};

/// @brief A share of a unit: area and percentage of the unit's full ellipsoidal area.
struct ShareFigure
{
    double area_m2 = 0;
    double share_pct = 0;
    std::optional<double> survey_area_m2;
};

/// @brief Forest of a unit, with what the raster could not see.
struct ForestFigure : ShareFigure
{
    std::string source;                ///< "landcover" or "landuse"
    double nodata_m2 = 0;              ///< unit area on nodata cells
    double outside_data_m2 = 0;        ///< unit area the raster does not cover
    double share_of_valid_pct = 0;     ///< forest / (unit − nodata − outside)
    double masked_counted_m2 = 0;      ///< shrubland counted because it lies inside the mask
    double masked_excluded_m2 = 0;     ///< shrubland left out because it lies outside the mask
    std::map<std::string, double> class_areas_m2; ///< every class's area in the unit
};

/// @brief One check on one unit.
struct CheckResult
{
    FigureCheck check;
    double actual_pct = 0;
    CheckOutcome outcome;
    std::optional<Reconciliation> reconciliation; ///< verify checks on the district
};

/// @brief The figures of the district or of one zone.
struct UnitResult
{
    std::string kind; ///< "district" or "zone"
    std::string id, name;
    double area_m2 = 0;
    std::optional<double> survey_area_m2;
    std::optional<ShareFigure> redline, protected_areas;
    std::optional<ForestFigure> forest;
    std::vector<CheckResult> checks;
    GeomPtr geometry; ///< working CRS

    const ShareFigure* figure(const std::string& key) const;
    /// "pass", "fail", or "" when no check applies.
    std::string status() const;
};

/// @brief What redline learnt about one input polygon layer.
struct LayerReport
{
    std::string role, option, source, crs, encoding;
    std::size_t features = 0;
    std::size_t repaired = 0;
    std::string area_field;
    std::optional<LayerFigures> figures;      ///< red line and protected areas
    std::optional<AreaFieldCheck> area_check; ///< with an area field
    PolygonLayer layer;                        ///< the features themselves, for QA outputs
};

/// @brief Everything `redline coverage` computed.
struct CoverageResult
{
    std::string version;
    std::string area_method;
    Ellipsoid ellipsoid;
    std::string working_crs, output_crs;
    SrsPtr working_srs, output_srs;
    UnitResult district;
    std::vector<UnitResult> zones;
    std::map<std::string, LayerReport> layers; ///< by role
    std::optional<ZonesQa> zones_qa;
    std::optional<RasterReport> raster;
    ForestCodes forest_codes;
    std::optional<ClassTable> class_table; ///< the land-cover / land-use table used, if any
    GeomPtr forest_geometry;  ///< land-use forest inside the district (working CRS)
    std::map<std::string, AreaFigure> reported_areas;
    std::vector<std::string> warnings;

    /// 0 when every check on the district holds, 1 when one misses.
    int exit_status() const;
};

/// Runs the whole measurement, every stage of CoverageRun in order (coverage_run.h). Throws
/// InputError for bad input, Cancelled when progress says so. @p ctx is the GEOS context the
/// result's geometries belong to.
CoverageResult run_coverage(const CoverageOptions& options, const GeosContext& ctx, const ProgressFn& progress);

/// The long names of the options whose values are the files a coverage run reads (boundary,
/// zones, redline, protected, landcover, landuse, shrub-mask): the one list by which plans and
/// job files resolve relative paths and a batch unit's fingerprint stats its inputs.
const std::vector<std::string>& coverage_input_options();

/// Every input file of @p options as (option, path), any "|layername=..." suffix dropped, in the
/// order of coverage_input_options; inputs not given are left out.
std::vector<std::pair<std::string, std::string>> coverage_input_paths(const CoverageOptions& options);

} // namespace redline
