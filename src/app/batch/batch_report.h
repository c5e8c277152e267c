#pragma once

#include "batch/batch_job.h"
#include "geos_context.h"

#include <string>
#include <vector>

namespace redline {

/// The unit summary as JSON (what OUT_DIR/NAME/.redline-stamp.json and summary.json hold).
void unit_summary_json(class JsonWriter& j, const UnitSummary& u);
/// Reads a unit summary back from the JSON unit_summary_json() wrote; false when unreadable.
bool unit_summary_from_json(const std::string& text, UnitSummary& out);

/// The figures of a finished coverage run, for the summary.
void summarise_coverage(const CoverageResult& r, UnitSummary& u);
/// The patches of a finished activity run, for the summary.
void summarise_activity(const ActivityResult& r, UnitSummary& u);

/// A plain map of a unit as SVG: district boundary, zones, dissolved red line, activity patches
/// (any may be null/empty), longitude/latitude drawn with cos(latitude) scaling.
std::string unit_map_svg(const GeosContext& ctx, const GEOSGeometry* district, const std::vector<const GEOSGeometry*>& zones,
                         const GEOSGeometry* redline, const std::vector<const GEOSGeometry*>& patches);

/// summary.json, summary.csv and report.html of a batch, written atomically into @p out_dir.
void write_batch_summary(const BatchResult& result, const BatchOptions& options);

} // namespace redline
