#pragma once

#include "cell_shift.h"
#include "coverage_fraction.h"
#include "image_pair.h"
#include "shift_consensus.h"

#include <cpl_json.h>

#include <optional>
#include <string>

namespace redline {

class JsonWriter;

/// @brief The misregistration between the two dates of `redline activity`: how it was measured,
/// what was found and what was done. Part of the calibration a plan stores, so that every shard
/// reads the after image with the same correction.
struct MisregistrationCheck
{
    std::string mode = "auto"; ///< "auto" (measured), "none" (not checked), "given" (--after-shift DX,DY)
    bool measured = false;
    ShiftConsensus consensus;  ///< what the sample windows said (measured only)
    int window_size = 0;       ///< side of the sample windows, cells
    std::string windows_where; ///< "inside the red line", or "in and around the red line" when it is small
    std::string band = "nir";  ///< the band compared
    /// The correction applied to the after image (zero: none), in before-grid cells.
    CellShift correction;
    /// Metres per before-grid cell east and north, at the red line's centre: for the report.
    double metres_x = 0, metres_y = 0;
    std::string verdict; ///< one sentence for the report
    double seconds = 0;  ///< time the measurement took
};

/// What `--after-shift` says: "auto" (measure, correct between 0.2 and 2 cells, refuse beyond),
/// "none" (neither measure nor correct), or "DX,DY" in before-grid cells (columns right, rows down)
/// to correct without measuring. InputError naming the option otherwise.
MisregistrationCheck parse_after_shift(const std::string& text);

/// Measures the shift between @p before and @p after (as their specs read them, without any
/// correction) by phase correlation of the nir band in up to nine sample windows inside the red
/// line (256 × 256 cells, or 128, each at least 75 % inside the red line, where it holds five of
/// them; else 128 or 64 cells in and around it), each valid in both dates for 75 % of its cells;
/// combines them (combine_shifts) and decides (shift_action). @p request is what parse_after_shift made of --after-shift; "none" and
/// "given" are returned as they are, with the report filled in.
///
/// Refuses (InputError) a shift beyond max_corrected_shift, and windows that do not correlate
/// clearly or disagree, with the measured shift and what to do (co-register first). A red line
/// too small for one 64 × 64 window is not measured (the verdict says so).
MisregistrationCheck check_misregistration(const ImageSpec& before, const ImageSpec& after,
                                           const CoverageRasterizer& redline, const Window& footprint,
                                           MisregistrationCheck request);

/// The correction to give ImageSpec::shift of the after date: empty when none.
std::optional<CellShift> correction_of(const MisregistrationCheck& check);

/// Writes the check as a JSON object (the next value of @p j). @p exact: every number to the bit,
/// for the plan's calibration; otherwise rounded for people.
void write_misregistration(JsonWriter& j, const MisregistrationCheck& check, bool exact);
/// Reads what write_misregistration(…, true) wrote; InputError when it is missing or damaged.
MisregistrationCheck misregistration_from_json(const CPLJSONObject& o);

/// One line for the console: "Misregistration: 0.49 cells right, 0.51 down (4.9 m east, 5.1 m south) ..., corrected."
std::string misregistration_summary(const MisregistrationCheck& check);

} // namespace redline
