#pragma once

#include <string>

namespace redline {

/// @brief A unit of area users write figures in: m², ha (公顷), km² (平方公里), mu (亩).
struct AreaUnit
{
    std::string symbol;    ///< canonical spelling: m2, ha, km2, mu
    double square_metres;  ///< size of one unit in m²

    /// Parses a unit name (m2, m², 平方米, ha, 公顷, km2, km², 平方公里, 平方千米, mu, 亩);
    /// throws InputError naming @p what otherwise.
    static AreaUnit parse(const std::string& text, const std::string& what);
};

/// @brief An area as published: its value and the rounding its last written digit implies.
struct AreaFigure
{
    double m2 = 0;
    double half_unit_m2 = 0; ///< half a unit of the last written decimal ("616km2" → 0.5 km²)
};

/// Parses a published area with its unit ("616km2", "2402 平方公里"); see parse_area().
AreaFigure parse_area_figure(const std::string& text, const std::string& what);

/// Parses an area with its unit, e.g. "616km2", "616 km²", "92400亩"; the unit is required.
/// Returns square metres; throws InputError naming @p what on a bad value.
double parse_area(const std::string& text, const std::string& what);

} // namespace redline
