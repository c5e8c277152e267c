#pragma once

#include "area_meter.h"
#include "geos_context.h"
#include "shared_edge_areas.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace redline {

/// @brief Where the zones fail to tile the district.
struct ZonesQa
{
    double gap_m2 = 0, overlap_m2 = 0, outside_m2 = 0;
    GeomPtr gaps, overlaps, outside;
};

/// @brief Zones clipped to the district, and how well they tile it.
struct ZoneTiling
{
    std::vector<GeomPtr> clipped;        ///< each zone within the district, in input order
    std::vector<double> areas_m2;        ///< geodesic area of each clipped zone
    std::vector<double> survey_areas_m2; ///< survey area of each clipped zone (when asked for)
    ZonesQa qa;
    std::vector<std::pair<std::size_t, std::size_t>> overlapping; ///< pairs of zones sharing area
};

/// @brief The tiling check (tile_zones) as jobs that several threads share: each zone's
/// containment test, clip and area, and the overlap test of each pair of zones whose boxes meet.
/// Zones whose edges match each other's and the district's (edges_match) need neither test.
///
/// The jobs are independent and each writes only its own result, so threads take them in any
/// order and the tiling is the same, bit for bit, whoever did which. A thread works on copies
/// of the zones and district of its own (GEOS fills some caches lazily: even reading one
/// geometry from two threads is unsafe), made by the constructor on the calling thread.
class ZoneTilingJobs
{
public:
    /// Copies @p zones and @p district (lon/lat degrees; the district's geodesic area is
    /// @p district_m2) once for each of @p workers workers; with @p survey, zones get their
    /// survey areas too. With @p shared_edges (which the district was measured with, say), the
    /// zones are added to it here, and a zone that lies inside the district is measured through
    /// it: each edge it shares with a neighbour or the district solved once (the same bits). A
    /// zone the table has no room for is measured alone.
    ZoneTilingJobs(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& zones,
                   const GEOSGeometry* district, double district_m2, bool survey, int workers,
                   SharedEdgeAreas* shared_edges = nullptr);
    ~ZoneTilingJobs();
    ZoneTilingJobs(const ZoneTilingJobs&) = delete;
    ZoneTilingJobs& operator=(const ZoneTilingJobs&) = delete;

    /// Does jobs, as worker @p worker (in [0, workers): each from one thread at a time), until
    /// none is left to take. Never throws: an error is kept for finish().
    void work(int worker);
    /// Whether every job is done (none left to take, and those taken finished).
    bool done() const { return m_finished == m_errors.size(); }
    /// Waits until done().
    void wait();
    /// The tiling, once done(), made with @p ctx on the thread that owns the geometries given to
    /// the constructor. Rethrows the first error of a job, in job order.
    ZoneTiling finish(const GeosContext& ctx);

private:
    struct Worker;
    void run_job(Worker& w, std::size_t job);

    const AreaMeter& m_meter;
    const bool m_survey;
    const double m_district_m2;
    const GEOSGeometry* m_district;             ///< the caller's, read by finish() only
    std::vector<const GEOSGeometry*> m_zones;   ///< the caller's, read by finish() only
    const bool m_edges_match;                   ///< the zones tile the district, edge for edge
    std::vector<std::pair<std::size_t, std::size_t>> m_pairs; ///< zones whose boxes meet (to test)
    const SharedEdgeAreas* m_shared_edges;        ///< null: each zone measured alone
    std::vector<std::optional<std::size_t>> m_shared_ids; ///< each zone's polygon in m_shared_edges, if taken
    std::vector<Worker> m_workers;
    std::atomic<std::size_t> m_next{ 0 };     ///< the next job to take
    std::atomic<std::size_t> m_finished{ 0 }; ///< jobs finished
    std::mutex m_mutex;
    std::condition_variable m_all_finished;
    // Results, one slot per job.
    std::vector<char> m_inside;
    std::vector<GeomPtr> m_clipped;
    std::vector<double> m_areas, m_survey_areas;
    std::vector<GeomPtr> m_shared; ///< by pair: the area the two zones share, or null
    std::vector<std::exception_ptr> m_errors;
};

/// Clips each of @p zones to @p district (whose geodesic area is @p district_m2) and finds the
/// gaps between them, their overlaps and what lies outside the district, measuring each clipped
/// zone (geodesic area; with @p survey, its survey area too). All geometries are lon/lat degrees.
/// The jobs of ZoneTilingJobs, all on this thread.
ZoneTiling tile_zones(const GeosContext& ctx, const AreaMeter& meter, const std::vector<const GEOSGeometry*>& zones,
                      const GEOSGeometry* district, double district_m2, bool survey);

} // namespace redline
