#include "zone_tiling.h"

#include "matched_edges.h"
#include "polygon_ops.h"

#include <cmath>

namespace redline {

/// One worker's own GEOS context and copies of the geometries its jobs read.
struct ZoneTilingJobs::Worker
{
    GeosLease lease; ///< declared first: handed back last, after the geometries made with it
    std::vector<GeomPtr> zones;
    GeomPtr district;
    PreparedPtr prepared; ///< the district prepared on first use, by the worker's thread
};

ZoneTilingJobs::ZoneTilingJobs(const GeosContext& ctx, const AreaMeter& meter,
                               const std::vector<const GEOSGeometry*>& zones, const GEOSGeometry* district,
                               double district_m2, bool survey, int workers, SharedEdgeAreas* shared_edges)
  : m_meter(meter)
  , m_survey(survey)
  , m_district_m2(district_m2)
  , m_district(district)
  , m_zones(zones)
  , m_edges_match(edges_match(ctx, zones, district))
  , m_shared_edges(shared_edges)
  , m_workers(std::size_t(std::max(1, workers)))
  , m_inside(zones.size(), 0)
  , m_clipped(zones.size())
  , m_areas(zones.size(), 0.0)
  , m_survey_areas(survey ? zones.size() : 0, 0.0)
{
    // Zones whose edges match each other's and the district's tile it exactly (edges_match):
    // each lies inside it, no two overlap, and the relate tests, most of this check's cost, can
    // only confirm it. Otherwise each pair of neighbours is tested.
    if (!m_edges_match)
        m_pairs = pairs_with_meeting_boxes(ctx, zones);
    m_shared.resize(m_pairs.size());
    m_errors.resize(zones.size() + m_pairs.size());
    if (shared_edges)
        for (const GEOSGeometry* z : zones)
            m_shared_ids.push_back(shared_edges->add(to_rings(ctx, z)));
    for (Worker& w : m_workers) {
        const GeosContext& own = w.lease.context();
        for (const GEOSGeometry* z : zones)
            w.zones.push_back(clone(own, z));
        w.district = clone(own, district);
    }
}

ZoneTilingJobs::~ZoneTilingJobs() = default;

void ZoneTilingJobs::run_job(Worker& w, std::size_t job)
{
    const GeosContext& ctx = w.lease.context();
    if (job < m_zones.size()) {
        const GEOSGeometry* zone = w.zones[job].get();
        if (!w.prepared && !m_edges_match)
            w.prepared = prepare(ctx, w.district.get());
        const bool inside = m_edges_match || GEOSPreparedContains_r(ctx.handle(), w.prepared.get(), zone) == 1;
        GeomPtr clipped = inside ? clone(ctx, zone) : intersection(ctx, zone, w.district.get());
        // A zone inside the district is its own clip: its edges are those added to the shared table.
        const bool shared = inside && m_shared_edges && m_shared_ids[job];
        m_areas[job] = shared ? m_shared_edges->area(*m_shared_ids[job]) : m_meter.geodesic(ctx, clipped.get());
        if (m_survey)
            m_survey_areas[job] = m_meter.survey(ctx, clipped.get());
        m_inside[job] = inside;
        m_clipped[job] = std::move(clipped);
    } else {
        const auto& [a, b] = m_pairs[job - m_zones.size()];
        m_shared[job - m_zones.size()] = shared_area(ctx, w.zones[a].get(), w.zones[b].get());
    }
}

void ZoneTilingJobs::work(int worker)
{
    Worker& w = m_workers.at(std::size_t(worker));
    const std::size_t jobs = m_errors.size();
    for (std::size_t job = m_next++; job < jobs; job = m_next++) {
        try {
            run_job(w, job);
        } catch (...) {
            m_errors[job] = std::current_exception();
        }
        if (++m_finished == jobs) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_all_finished.notify_all();
        }
    }
}

void ZoneTilingJobs::wait()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_all_finished.wait(lock, [this] { return done(); });
}

ZoneTiling ZoneTilingJobs::finish(const GeosContext& ctx)
{
    wait();
    for (const auto& e : m_errors)
        if (e)
            std::rethrow_exception(e);
    ZoneTiling out;
    out.clipped = std::move(m_clipped);
    out.areas_m2 = std::move(m_areas);
    out.survey_areas_m2 = std::move(m_survey_areas);
    bool all_inside = true;
    for (char inside : m_inside)
        all_inside = all_inside && inside;

    ZonesQa& qa = out.qa;
    std::vector<const GEOSGeometry*> overlap_geoms;
    for (std::size_t p = 0; p < m_pairs.size(); ++p)
        if (m_shared[p]) {
            overlap_geoms.push_back(m_shared[p].get());
            out.overlapping.push_back(m_pairs[p]);
        }
    qa.overlaps = union_all(ctx, overlap_geoms);
    qa.overlap_m2 = m_meter.geodesic(ctx, qa.overlaps.get());

    // Zones that lie inside the district and do not overlap leave uncovered exactly the district's
    // area less the sum of theirs. When that is nil (to 1e-10 of the district: far above the
    // rounding of the areas, ~1e-13, and far below any sliver worth a look, 0.24 m² in 2,400 km²),
    // the zones tile the district, and the union and differences below, the costliest part of
    // this check, would only confirm it.
    if (all_inside && overlap_geoms.empty()) {
        double zones_m2 = 0.0;
        for (double a : out.areas_m2)
            zones_m2 += a;
        if (std::abs(m_district_m2 - zones_m2) <= 1e-10 * m_district_m2) {
            qa.gaps = empty_polygon(ctx);
            qa.outside = empty_polygon(ctx);
            return out;
        }
    }
    GeomPtr all = union_all(ctx, m_zones);
    qa.gaps = difference(ctx, m_district, all.get());
    qa.outside = difference(ctx, all.get(), m_district);
    qa.gap_m2 = m_meter.geodesic(ctx, qa.gaps.get());
    qa.outside_m2 = m_meter.geodesic(ctx, qa.outside.get());
    return out;
}

ZoneTiling tile_zones(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& zones,
                      const GEOSGeometry* district, double district_m2, bool survey)
{
    ZoneTilingJobs jobs(ctx, meter, zones, district, district_m2, survey, 1);
    jobs.work(0);
    return jobs.finish(ctx);
}

} // namespace redline
