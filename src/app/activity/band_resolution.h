#pragma once

#include "activity/date_options.h"
#include "band_mapping.h"
#include "catalogue.h"
#include "image_bands_file.h"
#include "activity/image_input_report.h"

#include <string>
#include <vector>

namespace redline {

/// The band mapping of one date: --bands/--sensor of @p date, else of @p fallback (the before
/// date's options also apply to the after date), else recognised from @p file's own band names
/// (layers/bands/recognition/band_names.txt). Scale and offset: --scale/--offset, else the
/// preset's, else what the file says or its values show (layers/bands/recognition/reflectance_scale.txt).
ResolvedBands resolve_bands(const ImageBandsFile& file, const DateOptions& date, const DateOptions* fallback,
                            const Catalogue& catalogue);

} // namespace redline
