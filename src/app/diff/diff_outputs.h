#pragma once

#include "diff/diff_job.h"

namespace redline {

/// Writes what `redline diff` was asked for (--out GeoPackage with its QGIS project, --json,
/// --csv), each under a temporary name renamed when complete.
void write_diff_outputs(const DiffResult& result, const DiffOptions& options, const GeosContext& ctx);

} // namespace redline
