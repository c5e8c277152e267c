#pragma once

#include "common/progress.h"
#include "dissolve.h"
#include "vector_source.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief `redline diff`: two versions of the red line, before and after an adjustment.
struct DiffOptions
{
    VectorSpec old_layer, new_layer;
    std::optional<VectorSpec> boundary; ///< compare inside this district only
    std::optional<VectorSpec> zones;
    std::string type_field;             ///< red-line type (e.g. HXLX), for "nature does not change"
    std::string out_gpkg, json_path, csv_path;
};

/// @brief Old and new areas of one unit (the whole comparison, or one zone).
struct DiffFigures
{
    std::string id, name;
    double old_m2 = 0, new_m2 = 0, gained_m2 = 0, lost_m2 = 0, unchanged_m2 = 0;
    double net_m2() const { return new_m2 - old_m2; }
};

/// @brief Area that changed red-line type between the versions.
struct TypeChange
{
    std::string old_type, new_type;
    double area_m2 = 0;
    GeomPtr geometry;
};

struct DiffResult
{
    std::string version, area_method;
    Ellipsoid ellipsoid;
    SrsPtr working_srs, output_srs;
    DiffFigures total;
    std::vector<DiffFigures> zones;
    MeasuredParts gained, lost, unchanged;
    std::map<std::string, std::pair<double, double>> area_by_type; ///< type → (old m², new m²)
    std::vector<TypeChange> type_changes;
    std::vector<std::string> warnings;

    /// 0 when the red line's area does not decrease and no area changes type, 1 otherwise.
    int exit_status() const;
};

DiffResult run_diff(const DiffOptions& options, const GeosContext& ctx, const ProgressFn& progress);

} // namespace redline
