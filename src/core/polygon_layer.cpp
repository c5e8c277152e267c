#include "polygon_layer.h"

#include "geodesic_area.h"
#include "parallel_for.h"

#include <algorithm>
#include <cmath>

namespace redline {

std::vector<const GEOSGeometry*> geometries_of(const PolygonLayer& layer)
{
    std::vector<const GEOSGeometry*> out;
    out.reserve(layer.features.size());
    for (const auto& f : layer.features)
        out.push_back(f.geometry.get());
    return out;
}

std::size_t repair_invalid(const GeosContext& ctx, const AreaMeter& meter, PolygonLayer& layer, int threads)
{
    // Each feature is read and replaced by one thread only, through that thread's own context.
    std::vector<char> repaired(layer.features.size(), 0);
    parallel_for_with_state(
      layer.features.size(), threads,
      [&](std::size_t t) { return ThreadGeos(t, ctx); },
      [&](const ThreadGeos& thread, std::size_t i) {
          const GeosContext& geos = thread.context();
          PolygonFeature& f = layer.features[i];
          std::string reason;
          if (is_valid(geos, f.geometry.get(), reason))
              return;
          f.invalid_reason = reason;
          f.area_as_drawn_m2 = meter.geodesic(geos, f.geometry.get());
          f.geometry = repair_polygon(geos, f.geometry.get());
          f.repaired = true;
          repaired[i] = 1;
      });
    return std::size_t(std::count(repaired.begin(), repaired.end(), 1));
}

namespace {

/// Web Mercator's planar area of a lon/lat polygon: x = Rλ, y = R ln tan(π/4 + φ/2) on the
/// sphere of radius a, then the shoelace formula (what a tool measuring in EPSG:3857 reports).
double web_mercator_area(const Rings& lonlat, double radius)
{
    Rings projected = lonlat;
    const double d2r = M_PI / 180.0;
    for (auto& ring : projected.rings)
        for (auto& p : ring.points) {
            p.x = radius * p.x * d2r;
            p.y = radius * std::log(std::tan(M_PI / 4 + p.y * d2r / 2));
        }
    return planar_area(projected);
}

bool close(double a, double b, double tol)
{
    return b != 0 && std::abs(a / b - 1.0) <= tol;
}

std::string describe_mismatch(const PolygonFeature& f, const Rings& rings, double attribute, double measured,
                              double tol, double radius)
{
    if (f.repaired && close(attribute, f.area_as_drawn_m2, tol))
        return "matches the invalid geometry's area as drawn (before repair)";
    if (f.source_planar_area && close(attribute, *f.source_planar_area, tol))
        return "matches the planar area in the layer's own CRS (not ellipsoidal)";
    if (close(attribute, web_mercator_area(rings, radius), tol))
        return "matches the planar area in Web Mercator (EPSG:3857), which inflates areas by sec²(latitude)";
    if (close(attribute, planar_area(rings), tol))
        return "matches the planar area of longitude/latitude degrees (square degrees)";
    const struct
    {
        double factor;
        const char* text;
    } units[] = { { 1e-4, "the attribute looks like hectares (公顷), not m²" },
                  { 15.0 / 1e4, "the attribute looks like mu (亩), not m²" },
                  { 1e-6, "the attribute looks like km², not m²" },
                  { 1e4, "the attribute looks like m² while the unit given was hectares" },
                  { 1e4 / 15.0, "the attribute looks like m² while the unit given was mu (亩)" },
                  { 1e6, "the attribute looks like m² while the unit given was km²" } };
    for (const auto& u : units)
        if (close(attribute, measured * u.factor, tol * 10))
            return u.text;
    const double diff = 100.0 * (attribute / measured - 1.0);
    char buf[160];
    std::snprintf(buf, sizeof buf, "differs by %+.2f %%: the geometry was probably edited after the area was computed",
                  diff);
    return buf;
}

} // namespace

AreaFieldCheck check_area_attribute(const GeosContext& ctx, const AreaMeter& meter, const PolygonLayer& layer,
                                    double tolerance)
{
    AreaFieldCheck check;
    check.tolerance_relative = tolerance;
    for (std::size_t i = 0; i < layer.features.size(); ++i) {
        const PolygonFeature& f = layer.features[i];
        if (!f.area_attribute_m2)
            continue;
        const Rings rings = to_rings(ctx, f.geometry.get());
        const double measured = geodesic_area(meter.ellipsoid(), rings);
        const double attribute = *f.area_attribute_m2;
        ++check.compared;
        check.attribute_sum_m2 += attribute;
        check.measured_sum_m2 += measured;
        if (measured > 0 && std::abs(attribute - measured) <= tolerance * measured)
            continue;
        if (measured == 0 && attribute == 0)
            continue;
        AreaMismatch m;
        m.feature = i;
        m.attribute_m2 = attribute;
        m.measured_m2 = measured;
        m.likely_cause = measured > 0 ? describe_mismatch(f, rings, attribute, measured, std::max(tolerance, 1e-6),
                                                          meter.ellipsoid().a)
                                      : "the geometry is empty";
        check.mismatches.push_back(m);
    }
    return check;
}

LayerFigures analyse_layer(const GeosContext& ctx, const AreaMeter& meter, const PolygonLayer& layer,
                           const GEOSGeometry* district, bool survey, int threads)
{
    LayerFigures out;
    out.features = layer.features.size();
    const auto geoms = geometries_of(layer);
    const std::vector<double> areas = meter.geodesic_each(ctx, geoms, threads);
    for (std::size_t i = 0; i < layer.features.size(); ++i) {
        const auto& f = layer.features[i];
        const double a = areas[i];
        out.sum_of_parts_m2 += a;
        out.area_as_drawn_sum_m2 += f.repaired ? f.area_as_drawn_m2 : a;
        out.repaired += f.repaired ? 1 : 0;
    }
    // Each feature clipped on its own: what a bureau gets by clipping without dissolving.
    std::vector<Box> boxes;
    boxes.reserve(geoms.size());
    for (const GEOSGeometry* g : geoms)
        boxes.push_back(bounds(ctx, g));
    out.clipped_parts_m2 = area_within(ctx, meter, geoms, areas, boxes, district);

    Dissolved dissolved = dissolve(ctx, meter, geoms, areas);
    out.dissolved_m2 = dissolved.parts.total();
    split_by(ctx, meter, std::move(dissolved.parts), district, out.inside_parts, &out.outside_parts);
    out.inside_m2 = out.inside_parts.total();
    out.outside_m2 = out.outside_parts.total();
    if (survey)
        out.survey_inside_m2 = meter.survey(ctx, out.inside_parts.collect(ctx).get());
    out.overlap_m2 = out.sum_of_parts_m2 - out.dissolved_m2;
    out.overlaps = std::move(dissolved.overlaps);
    return out;
}

} // namespace redline
