#pragma once

#include "band_mapping.h"
#include "cell_shift.h"
#include "crs.h"
#include "grid.h"
#include "mask_convention.h"
#include "resampling_choice.h"

#include <gdal_priv.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief One date's image as the user names it.
struct ImageSpec
{
    std::string option;  ///< "--before" or "--after", for messages
    std::string path;
    BandMapping bands;
    std::optional<double> nodata;            ///< overrides the bands' own nodata
    std::string mask_path;                   ///< cloud/quality mask raster; empty: none
    std::optional<MaskConvention> mask_rule; ///< how to read it
    /// After date only: the misregistration to undo. The image and its mask are read through a
    /// copy whose geotransform is moved back by it, so that both dates line up (see
    /// src/app/misregistration_check.h); empty or zero: read as georeferenced.
    std::optional<CellShift> shift;
};

/// @brief Reflectance of the bands change detection uses, for one window of one date.
struct BandWindow
{
    Window window;
    /// blue, green, red, nir, swir1, swir2 (swir1 and swir2 empty unless both dates have them),
    /// row-major reflectance. Consumers of the first five slots need not know of the sixth.
    std::array<std::vector<float>, 6> bands;
    std::vector<std::uint8_t> valid; ///< 1 where every band has data and the mask says clear

    bool has_swir2() const { return !bands[5].empty(); }
};

/// @brief The two dates of a change analysis on one grid: the before image's.
///
/// The after image (and each mask) is warped onto the before grid through an in-memory GDAL warp
/// VRT when its CRS, extent or resolution differ or a misregistration is corrected, so both dates
/// are read window by window through the same cells and nothing is resampled to disk. The
/// resampling suits the ratio of the cell sizes (choose_after_resampling). Not thread-safe: give
/// each thread its own.
class ImagePair
{
public:
    ImagePair(const ImageSpec& before, const ImageSpec& after);
    ~ImagePair();
    ImagePair(const ImagePair&) = delete;
    ImagePair& operator=(const ImagePair&) = delete;

    const Grid& grid() const { return m_grid; }
    const OGRSpatialReference& srs() const { return *m_srs; }
    int block_rows() const { return m_block_rows; }
    int block_cols() const { return m_block_cols; }
    /// Bytes of one row of every band and mask read, both dates (for sizing GDAL's block cache).
    double bytes_per_row() const;
    bool has_swir() const;
    /// Both dates have a swir2 band (read into BandWindow::bands[5]).
    bool has_swir2() const;
    /// True when the after image had to be warped onto the before grid.
    bool after_warped() const { return m_after_warped; }
    const AfterResampling& after_resampling() const { return m_resampling; }

    void read(const Window& window, BandWindow& before, BandWindow& after) const;

    /// Drops from GDAL's block cache this pair's blocks that lie wholly above image row @p row
    /// (for a reader going down the image: they will not be read again). The cache then holds the
    /// blocks still needed and no others, so another thread's reader never evicts them.
    void release_rows_above(int row);

    /// The share of the before grid's cells the after image covers (0 when they do not meet).
    double overlap_fraction() const { return m_overlap; }

private:
    struct Date;
    void read_date(Date& d, const Window& window, BandWindow& out) const;
    /// Band @p k of the after date through its CellTranslation, into @p out (window.size() values).
    bool read_translated(Date& d, std::size_t k, const Window& window, std::vector<float>& out) const;
    std::vector<std::pair<GDALRasterBand*, int>> m_released; ///< band, first block row still cached
    std::unique_ptr<Date> m_before, m_after;
    Grid m_grid;
    SrsPtr m_srs;
    int m_block_rows = 256;
    int m_block_cols = 256;
    bool m_after_warped = false;
    AfterResampling m_resampling;
    double m_overlap = 1.0;
};

} // namespace redline
