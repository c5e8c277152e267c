#include "shift_consensus.h"

#include <algorithm>
#include <cmath>

namespace redline {

namespace {

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(mid), v.end());
    const double upper = v[mid];
    if (v.size() % 2)
        return upper;
    return 0.5 * (upper + *std::max_element(v.begin(), v.begin() + std::ptrdiff_t(mid)));
}

CellShift median_shift(const std::vector<const PhaseCorrelation*>& of)
{
    std::vector<double> x, y;
    for (const auto* p : of) {
        x.push_back(p->dx);
        y.push_back(p->dy);
    }
    return CellShift{ median(x), median(y) };
}

} // namespace

ShiftConsensus combine_shifts(const std::vector<PhaseCorrelation>& windows, double tolerance)
{
    ShiftConsensus c;
    c.windows = int(windows.size());
    std::vector<const PhaseCorrelation*> clear;
    for (const auto& w : windows)
        if (w.clear())
            clear.push_back(&w);
    c.clear = int(clear.size());
    if (clear.empty())
        return c;
    const CellShift first = median_shift(clear);
    std::vector<const PhaseCorrelation*> agreeing;
    for (const auto* p : clear)
        if (std::hypot(p->dx - first.dx, p->dy - first.dy) <= tolerance)
            agreeing.push_back(p);
    c.agreeing = int(agreeing.size());
    if (agreeing.empty())
        return c;
    c.shift = median_shift(agreeing);
    for (const auto* p : agreeing)
        c.spread = std::max(c.spread, std::hypot(p->dx - c.shift.dx, p->dy - c.shift.dy));
    const int needed = std::min(3, c.windows);
    c.reliable = c.clear >= needed && 3 * c.agreeing >= 2 * c.clear;
    return c;
}

ShiftAction shift_action(const ShiftConsensus& c)
{
    if (!c.reliable || c.shift.length() > max_corrected_shift)
        return ShiftAction::refuse;
    return c.shift.length() < min_corrected_shift ? ShiftAction::ignore : ShiftAction::correct;
}

} // namespace redline
