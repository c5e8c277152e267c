#pragma once

#include "cloud_parallax.h"
#include "cloud_shadow.h"
#include "geos_context.h"
#include "grid.h"
#include "image_pair.h"
#include "patch_labeling.h"

#include <ogr_geometry.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline {

/// @brief Withholds the change patches that are weather: clouds, by their parallax between the
/// bands of one date (cloud_parallax.h), and their shadows, by the cloud's outline moved away
/// from the sun (cloud_shadow.h). Only for sensors whose catalogue entry says how their bands see
/// clouds (BandMapping::parallax); masks, where given, remain the first defence.
///
/// A change patch's cells are covered with windows of `rule.window` cells at `rule.stride`, each
/// over part of the patch (its central half holds a cell of the patch); in each window the date
/// brighter in blue (a cloud is white), when its bands have a known parallax, is compared band
/// against band. One elevated window withholds the whole patch: a cloud's edge is where its
/// displacement shows, and a patch that is part cloud is not a site for a field visit.
class CloudScreen
{
public:
    /// Reads the images as @p before and @p after say (the after date with its misregistration
    /// correction, whose BandMapping::parallax says which dates can be tested), one reader on
    /// each of @p threads.
    CloudScreen(const ImageSpec& before, const ImageSpec& after, int threads);

    /// True when either date can be tested.
    bool active() const { return !m_before.empty() || !m_after.empty(); }

    /// Why each withheld component is withheld ("cloud: ...", "cloud shadow: ..."), by label.
    /// @p stats and @p outlines are the components' (outlines in the images' CRS); @p col0 is the
    /// grid column of the components' column 0.
    std::map<std::int32_t, std::string>
    screen(const std::map<std::int32_t, const PatchStats*>& stats,
           const std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>>& outlines, int col0,
           const GeosContext& ctx) const;

private:
    struct Component;
    /// The windows to compare over a component.
    std::vector<Window> windows_over(const Component& c, const GeosContext& ctx) const;
    /// Whether a window shows the component elevated, in the date it is brighter in; the reason, or "".
    std::string elevated(const ImagePair& images, const std::vector<Window>& windows, bool& in_after) const;
    /// Withholds the patches that are @p cloud's shadow (cloud_shadow.h).
    void find_shadows(const Component& cloud, bool in_after, std::vector<Component>& others,
                      std::map<std::int32_t, std::string>& withheld, const GeosContext& ctx) const;

    std::unique_ptr<ImagePair> m_reader; ///< the calling thread's
    const ImagePair& m_images;
    const OGRSpatialReference& m_srs;
    const ImageSpec& m_before_spec;
    const ImageSpec& m_after_spec;
    std::string m_before, m_after;
    int m_threads = 1;
    ParallaxRule m_parallax;
    ShadowRule m_shadow;
};

} // namespace redline
