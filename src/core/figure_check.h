#pragma once

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief A figure from a plan to hold the measured share against.
///
/// `floor` is a policy target ("不低于 25.76 %", "≥ 65 %", "达到 17.02 %"): it holds when the
/// share is at least the figure. `verify` is a published figure to reconcile: it holds when the
/// share equals the figure within a tolerance, by default half a unit of its last written
/// decimal (25.76 → ±0.005 points, 65 → ±0.5 points), i.e. the figure is the share rounded.
struct FigureCheck
{
    enum class Kind
    {
        floor,
        verify
    };
    Kind kind = Kind::floor;
    std::string key;   ///< redline, protected or forest
    double percent = 0;
    int decimals = 0;  ///< as written by the user
    std::optional<double> tolerance_pp; ///< --tolerance, percentage points

    double tolerance() const;

    /// Parses "KEY=PERCENT" (a trailing % is allowed); @p option names the option in errors.
    static FigureCheck parse(const std::string& text, Kind kind, const std::string& option);
};

/// The keys a check may name.
const std::vector<std::string>& figure_keys();

/// @brief The outcome of one check on one unit.
struct CheckOutcome
{
    bool pass = false;
    double margin_pp = 0; ///< share − figure (floor), or share − figure (verify; |.| ≤ tolerance passes)
};

CheckOutcome evaluate(const FigureCheck& check, double share_pct);

} // namespace redline
