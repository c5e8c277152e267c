#pragma once

#include "activity/activity_job.h"
#include "area_meter.h"
#include "catalogue.h"
#include "activity/misregistration_check.h"
#include "patch_labeling.h"

#include <ogr_geometry.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline {

class ImageBandsFile;

/// @brief The changed cells of a range of image rows, as connected components (8-connected),
/// with what is needed to join them to the components of the rows above and below.
///
/// A single run has one range (all rows); a cluster run has one per shard, joined by
/// join_components() before the patches are made.
struct ChangeComponents
{
    int row0 = 0, row_end = 0; ///< image rows [row0, row_end)
    int col0 = 0, cols = 0;    ///< the columns labelled (the red line's footprint)
    /// Component of each column in the first and last row (0: none).
    std::vector<std::int32_t> first_row, last_row;
    std::map<std::int32_t, PatchStats> stats;
    /// Outlines of each component, in the image's CRS (a component may have several pieces).
    std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>> polygons;
    std::int64_t pixels_analysed = 0, pixels_masked = 0;
};

/// Joins the components of consecutive row ranges (given top to bottom): components that touch
/// across a boundary, also diagonally, become one, with their statistics added (exactly) and their
/// pieces gathered. Components are renumbered 1, 2, ... in order of first appearance.
ChangeComponents join_components(std::vector<ChangeComponents> parts);

/// The components' exact text form (JSON object; outlines as WKB in hex), and back.
std::string components_json(const ChangeComponents& c);
ChangeComponents components_from_json(const std::string& text);

/// @brief The fitted state every part of a run shares: misregistration correction,
/// normalisation and thresholds.
struct ActivityCalibration
{
    std::vector<BandFit> normalization;
    ChangeThresholds thresholds;
    MisregistrationCheck misregistration; ///< its correction applies to every read of the after image
};
std::string calibration_json(const ActivityCalibration& c);
ActivityCalibration calibration_from_json(const std::string& text);

/// @brief `redline activity`, stage by stage, so that a cluster run can do each stage where it
/// belongs: the plan calibrates, shards detect bands of tiles, the merge joins and builds patches.
class ActivityRun
{
public:
    /// Opens and checks the images, the red line and the zones (outputs too, unless
    /// @p check_outputs is false, as in a shard) and lays out the tiles.
    ActivityRun(const ActivityOptions& options, const GeosContext& ctx, const ProgressFn& progress,
                bool check_outputs = true);
    ~ActivityRun();

    /// Rows of tiles, top to bottom: what shards are made of. Each is [row0, row_end) × footprint.
    const std::vector<Window>& bands() const { return m_bands; }

    /// Fits the normalisation and the thresholds on the sample tiles (a fixed subset of all tiles).
    ActivityCalibration calibrate();
    void use_calibration(const ActivityCalibration& c);

    /// Classifies every cell of bands [first, end) and labels the changed ones.
    ChangeComponents detect(std::size_t first, std::size_t end);

    /// Patches from (joined) components: hysteresis, size filter, outlines clipped to each red-line
    /// polygon, attributes, ids; then the per-polygon summary. Finishes and returns the result.
    ActivityResult build_patches(ChangeComponents components);

    ActivityResult& result() { return m_result; }

private:
    // The constructor's stages, in order.
    void check_output_options(bool check_outputs);
    void open_images(const Catalogue& catalogue);
    /// The dates' acquisition dates for the report, a warning when they lie seasons apart, and
    /// whether the crop cycle screen is to run (ActivityResult::crop_screen says why).
    void warn_of_seasons(const ImageBandsFile& before, const ImageBandsFile& after, const Catalogue& catalogue);
    /// Between seasons (unless --crop-screen off): the @p kept components that look like a field
    /// harvested as a whole go to @p withheld with their reason.
    void withhold_crop_cycles(const std::map<std::int32_t, const PatchStats*>& kept,
                              std::map<std::int32_t, std::string>& withheld);
    void read_redline_and_zones(const Catalogue& catalogue);
    void lay_out_tiles(bool check_outputs);

    struct State;
    std::unique_ptr<State> m_state;
    const ActivityOptions& m_options;
    const GeosContext& m_ctx;
    ProgressFn m_progress;
    ActivityResult m_result;
    std::vector<Window> m_tiles, m_bands;
    /// The dates lie seasons apart (further than the catalogue's season warning days): a field
    /// harvested as a whole is withheld as a likely crop cycle (crop_parcel.h).
    bool m_seasons_apart = false;
    double m_crop_cycle_max_cv = 0; ///< the catalogue's crop cycle max brightness cv
};

} // namespace redline
