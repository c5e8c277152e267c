#pragma once

#include "area_unit.h"
#include "figure_check.h"

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief Another way the figure might have been computed: a numerator over a denominator.
///
/// The usual ways a published share drifts from the true one are overlaps counted twice (the
/// attribute table summed instead of the dissolved layer), parts outside the district, the
/// area attribute instead of the geometry, an invalid polygon measured as drawn, or another
/// district area in the denominator. The caller lists the variants it could measure.
struct ShareVariant
{
    std::string description; ///< e.g. "sum of the polygons' areas without dissolving overlaps"
    double numerator_m2 = 0;
    double denominator_m2 = 0;

    double share_pct() const { return denominator_m2 > 0 ? 100.0 * numerator_m2 / denominator_m2 : 0.0; }
};

/// @brief Why a published share differs from the measured one, as far as the figures can tell.
struct Reconciliation
{
    /// The district area the published share implies, given our measured numerator.
    double implied_denominator_m2 = 0;
    /// The district area it implies given the published numerator (--reported-area), if any.
    std::optional<double> implied_denominator_from_reported_m2;
    /// Variants that reproduce the published figure within its tolerance.
    std::vector<ShareVariant> reproducing;
    /// Every variant tried, reproducing or not.
    std::vector<ShareVariant> tried;
    /// Plain-language findings, in the order a reader should see them.
    std::vector<std::string> explanations;
};

/// Reconciles @p check (a published figure) with the measured share @p measured.
/// @p reported_numerator is the published area behind the figure (e.g. 616 km² of red line), if
/// known: it is matched against the measured area and every variant's numerator too.
Reconciliation reconcile(const FigureCheck& check, const ShareVariant& measured,
                         std::optional<AreaFigure> reported_numerator, const std::vector<ShareVariant>& variants);

} // namespace redline
