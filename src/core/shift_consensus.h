#pragma once

#include "cell_shift.h"
#include "phase_correlation.h"

#include <string>
#include <vector>

namespace redline {

/// @brief The shift between two dates from the phase correlations of several sample windows.
struct ShiftConsensus
{
    int windows = 0;  ///< compared
    int clear = 0;    ///< with a clear correlation peak (PhaseCorrelation::clear)
    int agreeing = 0; ///< clear windows within `tolerance` cells of the median of the clear ones
    CellShift shift;  ///< median (per axis) of the agreeing windows
    double spread = 0; ///< largest distance of an agreeing window from `shift`, cells
    /// Enough windows have clear peaks (3, or every window when there are fewer) and at least two
    /// thirds of them agree.
    bool reliable = false;
};

/// Combines the windows' estimates robustly: the per-axis median of the clear ones, the windows
/// within @p tolerance cells of it, and their median again.
ShiftConsensus combine_shifts(const std::vector<PhaseCorrelation>& windows, double tolerance = 0.5);

/// @brief What to do with a measured misregistration.
enum class ShiftAction
{
    ignore,  ///< below min_corrected_shift: nothing to gain from resampling the after image
    correct, ///< read the after image moved back by it
    refuse,  ///< beyond max_corrected_shift, or no reliable estimate: co-register the images first
};

/// Shifts shorter than this (cells) are reported but not corrected: the estimate's own
/// uncertainty (~0.05-0.1 cell on real pairs) is then comparable to it, and the bilinear
/// resampling a correction needs smooths the after image by more than it would gain.
constexpr double min_corrected_shift = 0.2;
/// Shifts longer than this (cells) are refused: a rigid translation that large means the
/// georeferencing of one date is wrong, and likely not by a translation alone.
constexpr double max_corrected_shift = 2.0;

ShiftAction shift_action(const ShiftConsensus& c);

} // namespace redline
