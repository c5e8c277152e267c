// Joining the change components of consecutive row ranges, and their exact text form: what lets
// `redline activity` run as shards of a cluster job (activity_shards.cpp).
#include "activity/activity_stages.h"

#include "error.h"
#include "report_json.h"

#include <cpl_json.h>
#include <cpl_string.h>
#include <ogr_geometry.h>

#include <numeric>
#include <stdexcept>

namespace redline {

namespace {

/// Union-find over the components of all parts.
class Joiner
{
public:
    std::size_t add()
    {
        m_parent.push_back(m_parent.size());
        return m_parent.size() - 1;
    }
    std::size_t find(std::size_t a)
    {
        while (m_parent[a] != a) {
            m_parent[a] = m_parent[m_parent[a]];
            a = m_parent[a];
        }
        return a;
    }
    void join(std::size_t a, std::size_t b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            m_parent[std::max(a, b)] = std::min(a, b); // the earlier component names the joined one
    }

private:
    std::vector<std::size_t> m_parent;
};

void write_row(JsonWriter& j, const std::vector<std::int32_t>& row)
{
    // Runs of one component: [first column, length, component].
    j.begin_array();
    for (std::size_t c = 0; c < row.size();) {
        std::size_t e = c;
        while (e < row.size() && row[e] == row[c])
            ++e;
        if (row[c])
            j.begin_array().value(c).value(e - c).value(std::int64_t(row[c])).end_array();
        c = e;
    }
    j.end_array();
}

std::vector<std::int32_t> read_row(const CPLJSONArray& runs, int cols)
{
    std::vector<std::int32_t> row(std::size_t(std::max(0, cols)), 0);
    for (const auto& r : runs) {
        const CPLJSONArray run = r.ToArray();
        const long first = run[0].ToLong(), length = run[1].ToLong();
        if (run.Size() != 3 || first < 0 || length < 0 || first + length > cols)
            throw std::invalid_argument("a run of labels outside the row");
        std::fill(row.begin() + first, row.begin() + first + length, std::int32_t(run[2].ToLong()));
    }
    return row;
}

void write_sum(JsonWriter& j, const char* key, const ExactSum& s)
{
    j.field(key, s.to_string());
}

ExactSum read_sum(const CPLJSONObject& o, const char* key)
{
    return ExactSum::from_string(o.GetString(key, "0"));
}

} // namespace

ChangeComponents join_components(std::vector<ChangeComponents> parts)
{
    ChangeComponents out;
    if (parts.empty())
        return out;
    out.row0 = parts.front().row0;
    out.row_end = parts.back().row_end;
    out.col0 = parts.front().col0;
    out.cols = parts.front().cols;
    Joiner joiner;
    std::vector<std::map<std::int32_t, std::size_t>> index(parts.size());
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const ChangeComponents& p = parts[k];
        if (p.col0 != out.col0 || p.cols != out.cols || (k > 0 && p.row0 != parts[k - 1].row_end))
            throw InputError("the shards' results do not fit together (rows " + std::to_string(parts[k - 1].row_end) +
                             " and " + std::to_string(p.row0) + "): they belong to different plans; make the plan again");
        for (const auto& kv : p.stats)
            index[k][kv.first] = joiner.add();
        out.pixels_analysed += p.pixels_analysed;
        out.pixels_masked += p.pixels_masked;
    }
    auto id_of = [&](std::size_t k, std::int32_t label) {
        const auto it = index[k].find(label);
        if (it == index[k].end())
            throw InputError("shard result: a component on the edge row has no statistics; run the shard again");
        return it->second;
    };
    // Cells of the last row of part k meet those of the first row of part k + 1 below them, and
    // diagonally: the same 8-connectivity as within a part.
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
        const auto& above = parts[k].last_row;
        const auto& below = parts[k + 1].first_row;
        for (std::size_t c = 0; c < above.size(); ++c) {
            if (!above[c])
                continue;
            for (std::size_t d = c ? c - 1 : 0; d <= c + 1 && d < below.size(); ++d)
                if (below[d])
                    joiner.join(id_of(k, above[c]), id_of(k + 1, below[d]));
        }
    }
    // New labels 1, 2, ... in order of first appearance (part, then label): the order of the
    // labels of a single pass over all rows.
    std::map<std::size_t, std::int32_t> label_of_root;
    for (std::size_t k = 0; k < parts.size(); ++k)
        for (auto& kv : parts[k].stats) {
            const std::size_t root = joiner.find(index[k][kv.first]);
            auto it = label_of_root.find(root);
            if (it == label_of_root.end())
                it = label_of_root.emplace(root, std::int32_t(label_of_root.size() + 1)).first;
            auto s = out.stats.find(it->second);
            if (s == out.stats.end())
                out.stats.emplace(it->second, kv.second);
            else
                s->second.merge(kv.second);
            auto pieces = parts[k].polygons.find(kv.first);
            if (pieces != parts[k].polygons.end())
                for (auto& g : pieces->second)
                    out.polygons[it->second].push_back(std::move(g));
        }
    auto relabel = [&](std::size_t k, const std::vector<std::int32_t>& row) {
        std::vector<std::int32_t> r(row.size(), 0);
        for (std::size_t c = 0; c < row.size(); ++c)
            if (row[c])
                r[c] = label_of_root.at(joiner.find(id_of(k, row[c])));
        return r;
    };
    out.first_row = relabel(0, parts.front().first_row);
    out.last_row = relabel(parts.size() - 1, parts.back().last_row);
    return out;
}

std::string components_json(const ChangeComponents& c)
{
    JsonWriter j;
    j.begin_object()
      .field("row0", c.row0)
      .field("row_end", c.row_end)
      .field("col0", c.col0)
      .field("cols", c.cols)
      .field("pixels_analysed", std::int64_t(c.pixels_analysed))
      .field("pixels_masked", std::int64_t(c.pixels_masked));
    j.key("first_row");
    write_row(j, c.first_row);
    j.key("last_row");
    write_row(j, c.last_row);
    j.key("components").begin_array();
    for (const auto& kv : c.stats) {
        const PatchStats& s = kv.second;
        j.begin_object().field("id", std::int64_t(kv.first)).field("pixels", std::int64_t(s.pixels));
        j.field("strong", std::int64_t(s.strong));
        write_sum(j, "area_m2", s.area_m2);
        write_sum(j, "ndvi_before", s.ndvi_before);
        write_sum(j, "ndvi_after", s.ndvi_after);
        write_sum(j, "water_before", s.water_before);
        write_sum(j, "water_after", s.water_after);
        write_sum(j, "bare_before", s.bare_before);
        write_sum(j, "bare_after", s.bare_after);
        write_sum(j, "brightness_after", s.brightness_after);
        write_sum(j, "brightness_after_sq", s.brightness_after_sq);
        write_sum(j, "score", s.score);
        j.key("votes").begin_array();
        for (auto v : s.votes)
            j.value(std::int64_t(v));
        j.end_array();
        j.key("rows").begin_array().value(s.row_min).value(s.row_max).end_array();
        j.key("cols").begin_array().value(s.col_min).value(s.col_max).end_array();
        j.key("outlines").begin_array();
        const auto pieces = c.polygons.find(kv.first);
        if (pieces != c.polygons.end())
            for (const auto& g : pieces->second) {
                std::vector<unsigned char> wkb(g->WkbSize());
                g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
                char* hex = CPLBinaryToHex(int(wkb.size()), wkb.data());
                j.value(std::string(hex));
                CPLFree(hex);
            }
        j.end_array().end_object();
    }
    j.end_array().end_object();
    return j.str();
}

ChangeComponents components_from_json(const std::string& text)
{
    CPLJSONDocument doc;
    if (!doc.LoadMemory(text))
        throw InputError("a shard's change components are not JSON; run the shard again");
    const CPLJSONObject root = doc.GetRoot();
    ChangeComponents c;
    try {
        c.row0 = root.GetInteger("row0");
        c.row_end = root.GetInteger("row_end");
        c.col0 = root.GetInteger("col0");
        c.cols = root.GetInteger("cols");
        c.pixels_analysed = root.GetLong("pixels_analysed");
        c.pixels_masked = root.GetLong("pixels_masked");
        c.first_row = read_row(root.GetArray("first_row"), c.cols);
        c.last_row = read_row(root.GetArray("last_row"), c.cols);
        for (const auto& o : root.GetArray("components")) {
            PatchStats s;
            s.pixels = o.GetLong("pixels");
            s.strong = o.GetLong("strong");
            s.area_m2 = read_sum(o, "area_m2");
            s.ndvi_before = read_sum(o, "ndvi_before");
            s.ndvi_after = read_sum(o, "ndvi_after");
            s.water_before = read_sum(o, "water_before");
            s.water_after = read_sum(o, "water_after");
            s.bare_before = read_sum(o, "bare_before");
            s.bare_after = read_sum(o, "bare_after");
            s.brightness_after = read_sum(o, "brightness_after");
            s.brightness_after_sq = read_sum(o, "brightness_after_sq");
            s.score = read_sum(o, "score");
            const CPLJSONArray votes = o.GetArray("votes");
            if (votes.Size() != int(s.votes.size()))
                throw std::invalid_argument("votes of another version");
            for (int k = 0; k < votes.Size(); ++k)
                s.votes[std::size_t(k)] = votes[k].ToLong();
            s.row_min = o.GetArray("rows")[0].ToInteger();
            s.row_max = o.GetArray("rows")[1].ToInteger();
            s.col_min = o.GetArray("cols")[0].ToInteger();
            s.col_max = o.GetArray("cols")[1].ToInteger();
            const std::int32_t id = std::int32_t(o.GetLong("id"));
            for (const auto& w : o.GetArray("outlines")) {
                int bytes = 0;
                GByte* wkb = CPLHexToBinary(w.ToString().c_str(), &bytes);
                OGRGeometry* g = nullptr;
                const OGRErr err = OGRGeometryFactory::createFromWkb(wkb, nullptr, &g, bytes);
                CPLFree(wkb);
                if (err != OGRERR_NONE || !g)
                    throw std::invalid_argument("an outline is not WKB");
                c.polygons[id].emplace_back(g);
            }
            c.stats.emplace(id, s);
        }
    } catch (const std::exception& e) {
        throw InputError(std::string("a shard's change components are damaged (") + e.what() + "); run the shard again");
    }
    return c;
}

std::string calibration_json(const ActivityCalibration& c)
{
    JsonWriter j;
    j.begin_object();
    j.key("normalization").begin_array();
    for (const auto& f : c.normalization) {
        j.begin_object().key("gain").exact(f.gain).key("offset").exact(f.offset);
        j.field("invariant_pixels", f.invariant_pixels).key("rmse").exact(f.rmse).end_object();
    }
    j.end_array();
    const ChangeThresholds& t = c.thresholds;
    j.key("strata").begin_array();
    for (const auto& cover : t.strata.edges) {
        j.begin_array();
        for (float e : cover)
            j.exact(e);
        j.end_array();
    }
    j.end_array();
    j.key("threshold").exact(t.threshold).field("method", t.method);
    j.key("stays_vegetation_factor").exact(t.stays_vegetation_factor);
    for (const auto& table : { std::make_pair("band_bias", &t.band_bias), std::make_pair("band_sigma", &t.band_sigma) }) {
        j.key(table.first).begin_array();
        for (const auto& stratum : *table.second) {
            j.begin_array();
            for (float v : stratum)
                j.exact(v);
            j.end_array();
        }
        j.end_array();
    }
    j.key("hysteresis").exact(t.hysteresis);
    j.key("misregistration");
    write_misregistration(j, c.misregistration, true);
    j.end_object();
    return j.str();
}

ActivityCalibration calibration_from_json(const std::string& text)
{
    CPLJSONDocument doc;
    if (!doc.LoadMemory(text))
        throw InputError("the plan's calibration is not JSON; make the plan again");
    const CPLJSONObject root = doc.GetRoot();
    ActivityCalibration c;
    for (const auto& f : root.GetArray("normalization")) {
        BandFit b;
        b.gain = f.GetDouble("gain");
        b.offset = f.GetDouble("offset");
        b.invariant_pixels = std::size_t(f.GetLong("invariant_pixels"));
        b.rmse = f.GetDouble("rmse");
        c.normalization.push_back(b);
    }
    ChangeThresholds& t = c.thresholds;
    const CPLJSONArray strata = root.GetArray("strata");
    if (c.normalization.size() < 4 || strata.Size() != 3 || !root.GetObj("threshold").IsValid() ||
        !root.GetObj("hysteresis").IsValid() || !root.GetObj("band_bias").IsValid())
        throw InputError("the plan's calibration is incomplete or of another redline version; make the plan again");
    t.threshold = root.GetDouble("threshold");
    t.method = root.GetString("method");
    t.stays_vegetation_factor = root.GetDouble("stays_vegetation_factor", 2.0);
    for (int cover = 0; cover < 3; ++cover)
        for (const auto& e : strata[cover].ToArray())
            t.strata.edges[std::size_t(cover)].push_back(float(e.ToDouble()));
    for (const auto& table : { std::make_pair("band_bias", &t.band_bias), std::make_pair("band_sigma", &t.band_sigma) })
        for (const auto& stratum : root.GetArray(table.first)) {
            std::vector<float> v;
            for (const auto& x : stratum.ToArray())
                v.push_back(float(x.ToDouble()));
            table.second->push_back(v);
        }
    t.hysteresis = root.GetDouble("hysteresis");
    c.misregistration = misregistration_from_json(root.GetObj("misregistration"));
    return c;
}

} // namespace redline
