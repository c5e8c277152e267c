#include "reconcile.h"

#include "text.h"

#include <algorithm>
#include <cmath>

namespace redline {

namespace {

std::string km2(double m2)
{
    return fixed(m2 / 1e6, 2) + " km²";
}

std::string pct(double p)
{
    return fixed(p, 4) + " %";
}

} // namespace

Reconciliation reconcile(const FigureCheck& check, const ShareVariant& measured,
                         std::optional<AreaFigure> reported_numerator, const std::vector<ShareVariant>& variants)
{
    Reconciliation r;
    const double f = check.percent / 100.0;
    const double tol = check.tolerance();
    if (f > 0)
        r.implied_denominator_m2 = measured.numerator_m2 / f;
    if (reported_numerator && f > 0)
        r.implied_denominator_from_reported_m2 = reported_numerator->m2 / f;

    const double margin = measured.share_pct() - check.percent;
    if (std::abs(margin) <= tol * (1 + 1e-9)) {
        r.explanations.push_back("the measured share " + pct(measured.share_pct()) + " agrees with the published " +
                                 fixed(check.percent, check.decimals) + " % within ±" + fixed(tol, 4) + " points");
    } else {
        r.explanations.push_back("the measured share " + pct(measured.share_pct()) + " differs from the published " +
                                 fixed(check.percent, check.decimals) + " % by " + fixed(margin, 4) +
                                 " points (tolerance ±" + fixed(tol, 4) + ")");
    }
    r.explanations.push_back("with our " + check.key + " area of " + km2(measured.numerator_m2) + ", the published " +
                             fixed(check.percent, check.decimals) + " % implies a district area of " +
                             km2(r.implied_denominator_m2) + " (we measured " + km2(measured.denominator_m2) + ")");
    if (r.implied_denominator_from_reported_m2) {
        r.explanations.push_back("the published " + check.key + " area of " + km2(reported_numerator->m2) + " at " +
                                 fixed(check.percent, check.decimals) + " % implies a district area of " +
                                 km2(*r.implied_denominator_from_reported_m2));
    }

    for (const ShareVariant& v : variants) {
        r.tried.push_back(v);
        if (v.denominator_m2 <= 0)
            continue;
        if (std::abs(v.share_pct() - check.percent) <= tol * (1 + 1e-9)) {
            r.reproducing.push_back(v);
            r.explanations.push_back("the published figure is reproduced by " + v.description + ": " +
                                     km2(v.numerator_m2) + " / " + km2(v.denominator_m2) + " = " + pct(v.share_pct()));
        }
    }
    if (reported_numerator) {
        // The published area itself may be a variant (e.g. the attribute table's sum).
        const double half = reported_numerator->half_unit_m2 * (1 + 1e-9);
        if (std::abs(measured.numerator_m2 - reported_numerator->m2) <= half)
            r.explanations.push_back("the published " + check.key + " area of " + km2(reported_numerator->m2) +
                                     " agrees with the measured " + km2(measured.numerator_m2));
        std::vector<double> seen; // variants share numerators (same area, other denominator)
        for (const ShareVariant& v : variants) {
            if (std::find(seen.begin(), seen.end(), v.numerator_m2) != seen.end() ||
                v.numerator_m2 == reported_numerator->m2)
                continue;
            if (std::abs(v.numerator_m2 - reported_numerator->m2) <= half) {
                seen.push_back(v.numerator_m2);
                r.explanations.push_back("the published " + check.key + " area of " + km2(reported_numerator->m2) +
                                         " matches " + v.description + " (" + km2(v.numerator_m2) +
                                         "), not the measured " + km2(measured.numerator_m2));
            }
        }
    }
    if (r.reproducing.empty() && std::abs(margin) > tol * (1 + 1e-9))
        r.explanations.push_back("none of the usual causes (overlaps counted twice, parts outside the district, the "
                                 "area attribute, unrepaired geometry, another district area) reproduces it alone");
    return r;
}

} // namespace redline
