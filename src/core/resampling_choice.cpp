#include "resampling_choice.h"

#include "text.h"

namespace redline {

AfterResampling choose_after_resampling(double cell_ratio)
{
    AfterResampling r;
    r.cell_ratio = cell_ratio;
    r.coarsening = cell_ratio < 0.9;
    const std::string ratio = "after cells " + fixed(cell_ratio, 3) + " times the before cells";
    if (r.coarsening) {
        r.bands = "average";
        r.masks = "a cell is masked when invalid codes cover at least " + fixed(100 * mask_invalid_share, 0) +
                  " % of it (area-weighted average of the invalid codes)";
        r.why = ratio + ": coarsening, so each before cell takes the area-weighted mean of the after cells in it";
    } else {
        r.bands = "bilinear";
        r.masks = "nearest";
        r.why = ratio + ": " + (cell_ratio > 1.1 ? "refining" : "about the same size") +
                ", so bilinear (no overshoot at sharp edges, unlike cubic); masks by nearest cell";
    }
    return r;
}

} // namespace redline
