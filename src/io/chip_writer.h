#pragma once

#include "image_pair.h"

#include <string>
#include <vector>

namespace redline {

/// @brief Evidence for the interpreter: before | after PNG chips of a patch, true colour
/// (red, green, blue) and false colour (nir, red, green), with the patch outline drawn.
///
/// Both dates share one 2–98 % stretch per band, taken from the before chip, so a brightness
/// difference in the chip is a difference on the ground. Chips are enlarged by an integer factor
/// (nearest neighbour) to at least 240 pixels a side, so a small patch stays visible.
struct ChipImages
{
    const BandWindow* before = nullptr;
    const BandWindow* after = nullptr; ///< already normalised to the before date
    std::vector<std::uint8_t> inside;  ///< 1 for the patch's cells in the window
};

/// Writes `path_true` and `path_false` (each atomically).
void write_chips(const ChipImages& images, const std::string& path_true, const std::string& path_false);

} // namespace redline
