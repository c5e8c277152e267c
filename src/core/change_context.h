#pragma once

#include "change_scoring.h"
#include "grid.h"

#include <vector>

namespace redline {

/// @brief The broad change around each cell, against which a change must stand out.
///
/// A haze plume, a stand turning to autumn colours or a slope lit differently shifts the bands of
/// thousands of cells at once and smoothly; a quarry, a building or a road changes a compact set
/// of cells abruptly against the land around them. The background is the change of the
/// neighbourhood, estimated robustly so that a compact change does not lift it:
///   - each band's difference between the dates (less its stratum's median difference, in its
///     stratum's spread) is summarised by its median over every block of
///     context_block × context_block cells of the image grid (valid cells of every other row and
///     column; a block with fewer than a quarter of them valid says nothing);
///   - a block's background is the median of the known block medians of its 3 × 3 blocks
///     (24 cells, about 240 m at 10 m cells): a compact change covering fewer than half of them
///     leaves it; 8-cell blocks were chosen on the OSCD tuning cities and the generated scenes
///     (16 left part of an autumn stand as a patch, for 0.02 more F1 on OSCD);
///   - a cell's background is the bilinear interpolation of the backgrounds of the four nearest
///     block centres.
/// Blocks are fixed on the image grid, so every cell gets the same background whatever window or
/// shard computes it.
constexpr int context_block = 8;

/// The image cells a window must hold for context_background() of @p cells: the blocks whose
/// medians reach them, and one cell more (not clipped to the image).
Window context_window(const Window& cells);

/// Median of @p v (reordered); for an even count, the lower of the two middle values, so that the
/// result is one of the values and the same on every platform. NaN must not occur.
float lower_median(std::vector<float>& v);

/// The background of each image cell of @p cells (row-major, one vector per band), in the cell's
/// noise sigmas: what band_departures() takes off the after value before it measures the change.
///
/// @param w the window read, whose cell (0, 0) is image cell (@p row0, @p col0); it must hold
///          context_window(@p cells) (cells outside the image are invalid), with strata
void context_background(const IndexWindow& w,
                        int row0,
                        int col0,
                        const Window& cells,
                        std::vector<std::vector<float>>& out);

} // namespace redline
