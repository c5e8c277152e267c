#pragma once

#include "coverage/coverage_job.h"

namespace redline {

/// The JSON report (see README: Reports).
std::string coverage_json(const CoverageResult& result, const GeosContext& ctx);

/// Writes the outputs the options ask for (--out, --json, --csv), each under a temporary name,
/// and puts them in place together when all are complete (OutputSet).
void write_coverage_outputs(const CoverageResult& result, const CoverageOptions& options, const GeosContext& ctx);

} // namespace redline
