#include "figure_check.h"

#include "error.h"
#include "text.h"

#include <cmath>

namespace redline {

const std::vector<std::string>& figure_keys()
{
    static const std::vector<std::string> keys{ "redline", "protected", "forest" };
    return keys;
}

double FigureCheck::tolerance() const
{
    if (tolerance_pp)
        return *tolerance_pp;
    if (kind == Kind::floor)
        return 0.0;
    return 0.5 * std::pow(10.0, -decimals);
}

FigureCheck FigureCheck::parse(const std::string& text, Kind kind, const std::string& option)
{
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos)
        throw InputError(option + " '" + text + "': write KEY=PERCENT, e.g. " + option + " redline=25.76");
    FigureCheck check;
    check.kind = kind;
    check.key = to_lower(trim(text.substr(0, eq)));
    bool known = false;
    for (const auto& k : figure_keys())
        known = known || k == check.key;
    if (!known)
        throw InputError(option + " '" + text + "': unknown key '" + check.key +
                         "'; the keys are redline, protected and forest");
    std::string number = trim(text.substr(eq + 1));
    if (!number.empty() && number.back() == '%')
        number = trim(number.substr(0, number.size() - 1));
    std::size_t end = 0;
    try {
        check.percent = std::stod(number, &end);
    } catch (const std::exception&) {
        end = 0;
    }
    if (end == 0 || end != number.size() || !std::isfinite(check.percent))
        throw InputError(option + " '" + text + "': '" + number + "' is not a percentage");
    if (check.percent < 0 || check.percent > 100)
        throw InputError(option + " '" + text + "': a share must lie between 0 and 100 %");
    check.decimals = decimals_written(number);
    return check;
}

CheckOutcome evaluate(const FigureCheck& check, double share_pct)
{
    CheckOutcome out;
    out.margin_pp = share_pct - check.percent;
    if (check.kind == FigureCheck::Kind::floor)
        out.pass = out.margin_pp >= -check.tolerance();
    else
        // A hair of slack absorbs the binary representation of the figure itself (25.76 is not exact).
        out.pass = std::abs(out.margin_pp) <= check.tolerance() * (1 + 1e-9);
    return out;
}

} // namespace redline
