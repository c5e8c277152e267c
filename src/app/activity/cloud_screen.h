#pragma once

#include "cloud_parallax.h"
#include "geos_context.h"
#include "grid.h"
#include "image_pair.h"

#include <string>

namespace redline {

/// @brief Withholds change patches that are clouds, by their parallax between the bands of one
/// date (cloud_parallax.h), for sensors whose catalogue entry says how their bands see clouds.
///
/// A change patch's cells are covered with windows of `rule.window` cells at `rule.stride`, each
/// over part of the patch (its central half holds a cell of the patch); each date whose bands have
/// a known parallax is compared band against band in each window. One elevated window in either
/// date withholds the whole patch: a cloud's edge is where its displacement shows, and a patch
/// that is part cloud is not a site for a field visit.
class CloudScreen
{
public:
    /// @param before_parallax, after_parallax each date's BandMapping::parallax ("" : not tested)
    CloudScreen(const ImagePair& images, std::string before_parallax, std::string after_parallax,
                ParallaxRule rule = {});

    /// True when either date can be tested.
    bool active() const { return !m_before.empty() || !m_after.empty(); }

    /// Why the patch is withheld ("cloud: ..."), or "" when no window over it is elevated.
    /// @p cells is the patch's bounding window on the before grid, @p patch its outline in the
    /// images' CRS (cells count as the patch's where their centre lies inside it).
    std::string withhold(const Window& cells, const GEOSGeometry* patch, const GeosContext& ctx) const;

private:
    const ImagePair& m_images;
    std::string m_before, m_after;
    ParallaxRule m_rule;
};

} // namespace redline
