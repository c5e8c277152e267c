#pragma once

#include "patch_labeling.h"

namespace redline {

/// The coefficient of variation (standard deviation / mean) of the after date's brightness over
/// a patch's cells; +∞ when the patch has no brightness to compare (no cells, or a mean ≤ 0).
double after_brightness_cv(const PatchStats& s);

/// Whether a patch looks like a field harvested or ploughed as a whole: vegetation turned bare
/// (`vegetation_to_bare`) and its cells as alike after as one parcel of soil or stubble (a
/// coefficient of variation of the after brightness below @p max_cv). Between two seasons such a
/// patch is most likely a crop cycle, not activity; a forest clear-cut can be as uniform, so the
/// caller withholds it to the candidates with its reason rather than dropping it, and only when
/// the dates lie seasons apart (docs/activity.md).
bool looks_like_harvested_field(const PatchStats& s, double max_cv);

} // namespace redline
