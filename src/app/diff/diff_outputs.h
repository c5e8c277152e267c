#pragma once

#include "diff/diff_job.h"

namespace redline {

/// Writes what `redline diff` was asked for (--out GeoPackage with its QGIS project, --json,
/// --csv), each under a temporary name; all of them are renamed into place together when the last
/// is complete (OutputSet), so a failure leaves the previous outputs as they were.
void write_diff_outputs(const DiffResult& result, const DiffOptions& options, const GeosContext& ctx);

} // namespace redline
