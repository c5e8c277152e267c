#include "area_unit.h"

#include "error.h"
#include "text.h"

#include <cmath>

namespace redline {

AreaUnit AreaUnit::parse(const std::string& text, const std::string& what)
{
    const std::string u = to_lower(trim(text));
    if (u == "m2" || u == "m²" || u == "sqm" || u == "平方米")
        return AreaUnit{ "m2", 1.0 };
    if (u == "ha" || u == "hectare" || u == "hectares" || u == "公顷")
        return AreaUnit{ "ha", 1.0e4 };
    if (u == "km2" || u == "km²" || u == "sqkm" || u == "平方公里" || u == "平方千米")
        return AreaUnit{ "km2", 1.0e6 };
    if (u == "mu" || u == "亩")
        return AreaUnit{ "mu", 1.0e4 / 15.0 };
    throw InputError(what + ": unknown area unit '" + text + "'; use m2, ha, km2 or mu (亩)");
}

AreaFigure parse_area_figure(const std::string& text, const std::string& what)
{
    const std::string t = trim(text);
    std::size_t end = 0;
    try {
        std::stod(t, &end);
    } catch (const std::exception&) {
        end = 0;
    }
    AreaFigure f;
    f.m2 = parse_area(text, what);
    const std::string unit = trim(t.substr(end));
    f.half_unit_m2 = 0.5 * std::pow(10.0, -decimals_written(t.substr(0, end))) * AreaUnit::parse(unit, what).square_metres;
    return f;
}

double parse_area(const std::string& text, const std::string& what)
{
    const std::string t = trim(text);
    std::size_t end = 0;
    double value = 0;
    try {
        value = std::stod(t, &end);
    } catch (const std::exception&) {
        throw InputError(what + ": '" + text + "' is not an area; write a number and a unit, e.g. 616km2");
    }
    if (!std::isfinite(value) || value < 0)
        throw InputError(what + ": '" + text + "' must be a finite, non-negative area");
    const std::string unit = trim(t.substr(end));
    if (unit.empty())
        throw InputError(what + ": '" + text + "' has no unit; write e.g. " + t + "km2 (units: m2, ha, km2, mu)");
    return value * AreaUnit::parse(unit, what).square_metres;
}

} // namespace redline
