#include "ledger_store.h"

#include "error.h"
#include "gdal_error.h"
#include "geodesic_densify.h"
#include "ogr_fields.h"
#include "text.h"

#include <cpl_string.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace redline {

const char* const ledger_patches_layer = "ledger_patches";
const char* const ledger_observations_layer = "ledger_observations";
const char* const ledger_campaigns_layer = "ledger_campaigns";

namespace {

struct FieldSpec
{
    const char* name;
    OGRFieldType type;
    bool unique = false;
};

// The columns of each layer, in order. GeoPackage and PostGIS get the same names and types
// through OGR (text, float8/REAL, bigint/INTEGER), so a ledger can move from one to the other
// with ogr2ogr and tools that query it work on both.
const std::vector<FieldSpec>& patch_fields()
{
    static const std::vector<FieldSpec> fields{
        { "ledger_id", OFTString, true }, { "redline_id", OFTString },    { "redline_name", OFTString },
        { "zone_id", OFTString },         { "zone_name", OFTString },     { "classification", OFTString },
        { "first_campaign", OFTString },  { "last_campaign", OFTString }, { "last_seen", OFTString },
        { "observations", OFTInteger64 }, { "patch_id", OFTString },      { "area_m2", OFTReal },
        { "previous_area_m2", OFTReal },  { "change_type", OFTString },   { "lon", OFTReal },
        { "lat", OFTReal },               { "status", OFTString },        { "verdict", OFTString },
        { "reason_code", OFTInteger },    { "verified_by", OFTString },   { "verified_on", OFTString },
        { "activity_class", OFTString },
    };
    return fields;
}

const std::vector<FieldSpec>& observation_fields()
{
    static const std::vector<FieldSpec> fields{
        { "ledger_id", OFTString },   { "campaign", OFTString },       { "campaign_date", OFTString },
        { "patch_id", OFTString },    { "redline_id", OFTString },     { "redline_name", OFTString },
        { "zone_id", OFTString },     { "zone_name", OFTString },      { "classification", OFTString },
        { "area_m2", OFTReal },       { "previous_area_m2", OFTReal }, { "overlap", OFTReal },
        { "change_type", OFTString }, { "lon", OFTReal },              { "lat", OFTReal },
        { "score", OFTReal },         { "confidence", OFTReal },
    };
    return fields;
}

const std::vector<FieldSpec>& campaign_fields()
{
    static const std::vector<FieldSpec> fields{
        { "campaign", OFTString, true },   { "campaign_date", OFTString },    { "merged_on", OFTString },
        { "source", OFTString },           { "source_layer", OFTString },     { "patches", OFTInteger64 },
        { "count_new", OFTInteger64 },     { "count_expanded", OFTInteger64 }, { "count_reduced", OFTInteger64 },
        { "count_unchanged", OFTInteger64 }, { "count_vanished", OFTInteger64 }, { "count_reappeared", OFTInteger64 },
        { "area_m2", OFTReal },            { "min_overlap", OFTReal },        { "area_change", OFTReal },
        { "redline_version", OFTString },
    };
    return fields;
}

const char* const count_fields[6] = { "count_new",       "count_expanded", "count_reduced",
                                      "count_unchanged", "count_vanished", "count_reappeared" };

/// "PG:dbname=x", "MSSQL:..." and the like: a driver prefix, not a file path.
bool looks_like_connection(const std::string& target)
{
    const std::size_t colon = target.find(':');
    if (colon == std::string::npos || colon < 2)
        return false;
    for (std::size_t i = 0; i < colon; ++i)
        if (!std::isalnum(static_cast<unsigned char>(target[i])) && target[i] != '_')
            return false;
    return true;
}

/// Connection strings may carry a password; messages must not.
std::string mask_password(const std::string& target)
{
    std::string out = target;
    const std::string lower = to_lower(target);
    std::size_t pos = 0;
    while ((pos = lower.find("password=", pos)) != std::string::npos) {
        const std::size_t start = pos + 9;
        std::size_t end = out.find(' ', start);
        if (end == std::string::npos)
            end = out.size();
        out.replace(start, end - start, std::string(end - start, '*'));
        pos = end;
    }
    return out;
}


bool option_supported(GDALDriver* driver, const char* list_item, const char* option)
{
    const char* list = driver ? driver->GetMetadataItem(list_item) : nullptr;
    if (!list)
        return false;
    const std::string text(list);
    return text.find(std::string("name='") + option + "'") != std::string::npos ||
           text.find(std::string("name=\"") + option + "\"") != std::string::npos;
}

/// Empty text is written as NULL, the way QGIS stores a cleared cell, so that GeoPackage and
/// PostGIS ledgers hold the same values.
void set_text(OGRFeature& f, const char* name, const std::string& value)
{
    const int index = f.GetFieldIndex(name);
    if (value.empty())
        f.SetFieldNull(index);
    else
        f.SetField(index, value.c_str());
}

/// @p value rounded to @p decimals. Figures are stored rounded (areas to cm², coordinates to
/// 1 cm): GDAL sends reals to PostgreSQL as text with 15 significant digits, so only values that
/// short come back from PostGIS exactly as they do from a GeoPackage.
double rounded(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

void set_real(OGRFeature& f, const char* name, double value, int decimals)
{
    f.SetField(f.GetFieldIndex(name), rounded(value, decimals));
}

void set_optional_real(OGRFeature& f, const char* name, const std::optional<double>& value, int decimals)
{
    const int index = f.GetFieldIndex(name);
    if (value)
        f.SetField(index, rounded(*value, decimals));
    else
        f.SetFieldNull(index);
}

void set_integer(OGRFeature& f, const char* name, std::int64_t value)
{
    f.SetField(f.GetFieldIndex(name), static_cast<GIntBig>(value));
}

void set_verification_fields(OGRFeature& f, const Verification& v)
{
    set_text(f, "status", v.status);
    set_text(f, "verdict", v.verdict);
    const int code = f.GetFieldIndex("reason_code");
    if (v.reason_code.empty())
        f.SetFieldNull(code);
    else
        f.SetField(code, std::atoi(v.reason_code.c_str()));
    set_text(f, "verified_by", v.verified_by);
    set_text(f, "verified_on", v.verified_on);
    set_text(f, "activity_class", v.activity_class);
}

/// Ignores the geometry of @p layer while alive (attribute-only reads are much cheaper).
class GeometryIgnored
{
public:
    explicit GeometryIgnored(OGRLayer* layer)
      : m_layer(layer)
    {
        const char* ignored[] = { "OGR_GEOMETRY", nullptr };
        m_layer->SetIgnoredFields(ignored);
    }
    ~GeometryIgnored() { m_layer->SetIgnoredFields(nullptr); }
    GeometryIgnored(const GeometryIgnored&) = delete;
    GeometryIgnored& operator=(const GeometryIgnored&) = delete;

private:
    OGRLayer* m_layer;
};

} // namespace

// ---- LedgerStore --------------------------------------------------------------------------------

LedgerStore::LedgerStore(const std::string& target, const std::string& option, Mode mode,
                         const OGRSpatialReference* srs_if_new)
  : m_target(target)
  , m_option(option)
  , m_name(mask_password(target))
  , m_label(option + " " + m_name)
{
    gdal_init();
    const bool exists = file_exists(target);
    if (exists || looks_like_connection(target)) {
        open_existing(mode != Mode::read);
        const bool any = layer(ledger_patches_layer) || layer(ledger_observations_layer) || layer(ledger_campaigns_layer);
        if (!any) {
            if (mode != Mode::create_if_missing)
                throw InputError(m_label + ": holds no ledger (no layer " + ledger_patches_layer +
                                 "); the first `redline ledger merge --ledger` into it creates one");
            // A file that already holds other layers is most likely not meant as a ledger (an
            // activity GeoPackage given by mistake): refuse rather than add tables to it.
            if (exists && m_dataset->GetLayerCount() > 0)
                throw InputError(m_label + ": exists and holds other layers (" + list_names(layer_names(*m_dataset)) +
                                 ") but no ledger; give a new file name (e.g. ledger.gpkg) to start a ledger");
            if (!srs_if_new)
                throw InputError(m_label + ": holds no ledger");
            // In a database, the tables are created inside the merge's transaction: a first merge
            // that fails leaves no empty ledger behind.
            if (!exists && m_dataset->TestCapability(ODsCTransactions))
                begin_transaction();
            create_layers(*srs_if_new);
            m_created = true;
        }
        check_layers();
    } else {
        if (mode != Mode::create_if_missing)
            throw InputError(m_label + ": no such ledger; the first `redline ledger merge` creates it");
        const std::string lower = to_lower(target);
        if (lower.size() < 5 || lower.compare(lower.size() - 5, 5, ".gpkg") != 0)
            throw InputError(m_label + ": no such file; a new ledger is a GeoPackage, so give a path ending in "
                                       ".gpkg, or an existing datasource such as PG:\"dbname=... host=...\"");
        if (!srs_if_new)
            throw InputError(m_label + ": no such ledger");
        check_output_path(target, option); // its folder, before writing: bad input (exit status 2)
        create_geopackage(*srs_if_new);
    }
    const OGRSpatialReference* srs = layer(ledger_patches_layer)->GetSpatialRef();
    if (!srs)
        throw InputError(m_label + ", layer " + ledger_patches_layer + ": has no CRS; assign the CRS of its patches");
    m_srs = clone_srs(*srs);
    if (mode != Mode::read && !m_dataset->TestCapability(ODsCTransactions))
        throw InputError(m_label + ": the " + driver_name() +
                         " datasource offers no transactions, so a failed merge could leave the ledger half-written; "
                         "keep the ledger in a GeoPackage (.gpkg) or in PostGIS (PG:...)");
}

LedgerStore::~LedgerStore()
{
    try {
        rollback();
    } catch (...) {
        // The connection is going away anyway; the datasource discards the open transaction.
    }
}

std::string LedgerStore::driver_name() const
{
    return m_dataset && m_dataset->GetDriver() ? m_dataset->GetDriver()->GetDescription() : "unknown";
}

void LedgerStore::open_existing(bool update)
{
    CplErrorCapture capture;
    // A merge killed half-way leaves SQLite's hot journal beside a GeoPackage. SQLite refuses
    // to read the file until a connection that may write rolls the journal back, restoring the
    // ledger as it was before that merge; so even a reader opens it for writing then.
    if (!update && !looks_like_connection(m_target) && file_exists(m_target + "-journal"))
        update = true;
    const unsigned flags = GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    m_dataset.reset(GDALDataset::Open(m_target.c_str(), flags, nullptr, nullptr, nullptr));
    if (!m_dataset)
        throw InputError(m_label + ": cannot open it" + (update ? " for writing" : "") + gdal_says(capture) +
                         (looks_like_connection(m_target) ? "; check the connection string (host, port, dbname, user)"
                                                          : ""));
}

void LedgerStore::create_geopackage(const OGRSpatialReference& srs)
{
    CplErrorCapture capture;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver)
        throw OutputError(m_label + ": GDAL's GeoPackage driver is missing");
    m_new_file = std::make_unique<AtomicOutput>(m_target, m_option);
    m_dataset.reset(driver->Create(m_new_file->temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_dataset)
        throw OutputError(m_label + ": cannot create the GeoPackage" + gdal_says(capture));
    create_layers(srs);
    m_created = true;
}

void LedgerStore::create_layers(const OGRSpatialReference& srs)
{
    CplErrorCapture capture;
    GDALDriver* driver = m_dataset->GetDriver();
    struct LayerSpec
    {
        const char* name;
        const char* description;
        OGRwkbGeometryType type;
        const std::vector<FieldSpec>& fields;
    } layers[] = {
        { ledger_patches_layer, "redline patch ledger: every patch, latest outline, field verification",
          wkbMultiPolygon, patch_fields() },
        { ledger_observations_layer, "redline patch ledger: every patch in every campaign", wkbMultiPolygon,
          observation_fields() },
        { ledger_campaigns_layer, "redline patch ledger: the merged campaigns", wkbNone, campaign_fields() },
    };
    for (const LayerSpec& spec : layers) {
        const std::string where = m_label + ", layer " + spec.name;
        CPLStringList lco;
        if (option_supported(driver, GDAL_DS_LAYER_CREATIONOPTIONLIST, "GEOMETRY_NAME") && spec.type != wkbNone)
            lco.SetNameValue("GEOMETRY_NAME", "geom");
        if (option_supported(driver, GDAL_DS_LAYER_CREATIONOPTIONLIST, "FID"))
            lco.SetNameValue("FID", "fid");
        if (option_supported(driver, GDAL_DS_LAYER_CREATIONOPTIONLIST, "DESCRIPTION"))
            lco.SetNameValue("DESCRIPTION", spec.description);
        // CreateLayer takes a non-const CRS it only references (and clones where it keeps it).
        OGRSpatialReference* layer_srs = spec.type == wkbNone ? nullptr : const_cast<OGRSpatialReference*>(&srs);
        OGRLayer* created = m_dataset->CreateLayer(spec.name, layer_srs, spec.type, lco.List());
        if (!created)
            throw OutputError(where + ": cannot create the layer" + gdal_says(capture));
        for (const FieldSpec& f : spec.fields) {
            OGRFieldDefn defn(f.name, f.type);
            // The database itself refuses a second row for an id or a campaign, whoever writes it.
            defn.SetUnique(f.unique);
            if (created->CreateField(&defn) != OGRERR_NONE)
                throw OutputError(where + ": cannot add field " + f.name + gdal_says(capture));
        }
    }
}

OGRLayer* LedgerStore::layer(const char* name) const
{
    CplErrorCapture quiet; // PostGIS reports a missing table as an error; absence is an answer here
    return m_dataset->GetLayerByName(name);
}

void LedgerStore::check_layers()
{
    struct Expected
    {
        const char* name;
        const std::vector<FieldSpec>& fields;
    } expected[] = { { ledger_patches_layer, patch_fields() },
                     { ledger_observations_layer, observation_fields() },
                     { ledger_campaigns_layer, campaign_fields() } };
    for (const Expected& e : expected) {
        OGRLayer* l = layer(e.name);
        if (!l)
            throw InputError(m_label + ": has no layer " + e.name + " though it has other ledger layers; "
                             "it is not a complete ledger (restore it from a backup)");
        std::vector<std::string> missing;
        for (const FieldSpec& f : e.fields)
            if (l->GetLayerDefn()->GetFieldIndex(f.name) < 0)
                missing.push_back(f.name);
        if (!missing.empty())
            throw InputError(m_label + ", layer " + e.name + ": lacks the field(s) " + list_names(missing) +
                             "; it was not written by this version of redline ledger");
    }
}

void LedgerStore::begin_transaction()
{
    CplErrorCapture capture;
    if (m_dataset->StartTransaction(FALSE) != OGRERR_NONE)
        throw OutputError(m_label + ": cannot start a transaction" + gdal_says(capture));
    m_in_transaction = true;
}

void LedgerStore::begin()
{
    CplErrorCapture capture;
    if (!m_in_transaction)
        begin_transaction();
    if (driver_name() == "PostgreSQL") {
        // Readers go on; other writers (a QGIS edit session, a second merge) wait until we
        // commit, so nothing they save is overwritten by rows we read before they saved.
        CPLErrorReset();
        OGRLayer* result = m_dataset->ExecuteSQL(
          "LOCK TABLE ledger_patches, ledger_observations, ledger_campaigns IN SHARE ROW EXCLUSIVE MODE", nullptr,
          nullptr);
        if (result)
            m_dataset->ReleaseResultSet(result);
        if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
            throw OutputError(m_label + ": cannot lock the ledger's tables" + gdal_says(capture));
    }
}

void LedgerStore::commit()
{
    CplErrorCapture capture;
    if (m_in_transaction) {
        if (m_dataset->CommitTransaction() != OGRERR_NONE)
            throw OutputError(m_label + ": cannot commit the transaction; the ledger is unchanged" + gdal_says(capture));
        m_in_transaction = false;
    }
    if (m_new_file) {
        // GDAL 3.6 has no GDALDataset::Close(): close through GDALClose and look at the error state.
        CPLErrorReset();
        GDALClose(GDALDataset::ToHandle(m_dataset.release()));
        if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
            throw OutputError(m_label + ": cannot finish the GeoPackage" + gdal_says(capture));
        m_new_file->commit();
        m_new_file.reset();
    }
}

void LedgerStore::rollback()
{
    if (m_in_transaction && m_dataset) {
        CplErrorCapture capture;
        m_in_transaction = false;
        if (m_dataset->RollbackTransaction() != OGRERR_NONE)
            throw OutputError(m_label + ": cannot roll back the transaction" + gdal_says(capture));
    }
}

std::vector<LedgerCampaign> LedgerStore::campaigns()
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_campaigns_layer);
    std::vector<LedgerCampaign> out;
    for_each_feature(l, m_label + ", layer " + ledger_campaigns_layer, [&](OGRFeatureUniquePtr& f) {
        LedgerCampaign c;
        c.fid = f->GetFID();
        c.campaign = field_text(*f, f->GetFieldIndex("campaign"));
        c.campaign_date = field_text(*f, f->GetFieldIndex("campaign_date"));
        c.merged_on = field_text(*f, f->GetFieldIndex("merged_on"));
        c.source = field_text(*f, f->GetFieldIndex("source"));
        c.source_layer = field_text(*f, f->GetFieldIndex("source_layer"));
        c.redline_version = field_text(*f, f->GetFieldIndex("redline_version"));
        c.patches = f->GetFieldAsInteger64(f->GetFieldIndex("patches"));
        for (int i = 0; i < 6; ++i)
            c.counts[i] = f->GetFieldAsInteger64(f->GetFieldIndex(count_fields[i]));
        c.area_m2 = field_real(*f, f->GetFieldIndex("area_m2"));
        c.min_overlap = field_real(*f, f->GetFieldIndex("min_overlap"));
        c.area_change = field_real(*f, f->GetFieldIndex("area_change"));
        out.push_back(std::move(c));
    });
    std::sort(out.begin(), out.end(), [](const LedgerCampaign& a, const LedgerCampaign& b) { return a.fid < b.fid; });
    return out;
}

std::vector<LedgerPatch> LedgerStore::patches(const GeosContext* ctx)
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_patches_layer);
    std::unique_ptr<GeometryIgnored> ignore;
    if (!ctx)
        ignore = std::make_unique<GeometryIgnored>(l);
    OGRFeatureDefn* d = l->GetLayerDefn();
    auto ix = [d](const char* name) { return d->GetFieldIndex(name); };
    const int i_id = ix("ledger_id"), i_rid = ix("redline_id"), i_rname = ix("redline_name"), i_zid = ix("zone_id"),
              i_zname = ix("zone_name"), i_class = ix("classification"), i_first = ix("first_campaign"),
              i_last = ix("last_campaign"), i_seen = ix("last_seen"), i_obs = ix("observations"),
              i_pid = ix("patch_id"), i_area = ix("area_m2"), i_prev = ix("previous_area_m2"),
              i_type = ix("change_type"), i_lon = ix("lon"), i_lat = ix("lat"), i_status = ix("status"),
              i_verdict = ix("verdict"), i_reason = ix("reason_code"), i_by = ix("verified_by"),
              i_on = ix("verified_on"), i_class2 = ix("activity_class");
    std::vector<LedgerPatch> out;
    for_each_feature(l, m_label + ", layer " + ledger_patches_layer, [&](OGRFeatureUniquePtr& f) {
        LedgerPatch p;
        p.fid = f->GetFID();
        p.ledger_id = field_text(*f, i_id);
        if (p.ledger_id.empty())
            throw InputError(m_label + ", layer " + ledger_patches_layer + ", feature FID " + std::to_string(p.fid) +
                             ": has no ledger_id; fill it in or delete the feature");
        p.redline_id = field_text(*f, i_rid);
        p.redline_name = field_text(*f, i_rname);
        p.zone_id = field_text(*f, i_zid);
        p.zone_name = field_text(*f, i_zname);
        p.classification = field_text(*f, i_class);
        p.first_campaign = field_text(*f, i_first);
        p.last_campaign = field_text(*f, i_last);
        p.last_seen = field_text(*f, i_seen);
        p.observations = f->IsFieldSetAndNotNull(i_obs) ? f->GetFieldAsInteger64(i_obs) : 0;
        p.patch_id = field_text(*f, i_pid);
        p.area_m2 = field_real(*f, i_area);
        p.previous_area_m2 = field_real(*f, i_prev);
        p.change_type = field_text(*f, i_type);
        p.lon = field_real(*f, i_lon);
        p.lat = field_real(*f, i_lat);
        p.verification.status = field_text(*f, i_status);
        p.verification.verdict = field_text(*f, i_verdict);
        p.verification.reason_code = field_text(*f, i_reason);
        p.verification.verified_by = field_text(*f, i_by);
        p.verification.verified_on = field_text(*f, i_on);
        p.verification.activity_class = field_text(*f, i_class2);
        if (ctx) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (g && !g->IsEmpty()) {
                GEOSGeometry* geos = g->exportToGEOS(ctx->handle());
                if (!geos)
                    throw InputError(m_label + ", layer " + ledger_patches_layer + ", " + p.ledger_id +
                                     ": cannot read its geometry" + gdal_says(capture));
                p.geometry = GeomPtr(geos, GeomDeleter{ ctx->handle() });
            }
        }
        out.push_back(std::move(p));
    });
    std::sort(out.begin(), out.end(),
              [](const LedgerPatch& a, const LedgerPatch& b) { return a.ledger_id < b.ledger_id; });
    return out;
}

std::vector<LedgerObservation> LedgerStore::observations()
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_observations_layer);
    const GeometryIgnored ignore(l);
    OGRFeatureDefn* d = l->GetLayerDefn();
    auto ix = [d](const char* name) { return d->GetFieldIndex(name); };
    const int i_id = ix("ledger_id"), i_campaign = ix("campaign"), i_date = ix("campaign_date"),
              i_pid = ix("patch_id"), i_rid = ix("redline_id"), i_rname = ix("redline_name"), i_zid = ix("zone_id"),
              i_zname = ix("zone_name"), i_class = ix("classification"), i_area = ix("area_m2"),
              i_prev = ix("previous_area_m2"), i_overlap = ix("overlap"), i_type = ix("change_type"),
              i_lon = ix("lon"), i_lat = ix("lat"), i_score = ix("score"), i_conf = ix("confidence");
    std::vector<std::pair<GIntBig, LedgerObservation>> rows;
    for_each_feature(l, m_label + ", layer " + ledger_observations_layer, [&](OGRFeatureUniquePtr& f) {
        LedgerObservation o;
        o.ledger_id = field_text(*f, i_id);
        o.campaign = field_text(*f, i_campaign);
        o.campaign_date = field_text(*f, i_date);
        o.patch_id = field_text(*f, i_pid);
        o.redline_id = field_text(*f, i_rid);
        o.redline_name = field_text(*f, i_rname);
        o.zone_id = field_text(*f, i_zid);
        o.zone_name = field_text(*f, i_zname);
        o.classification = field_text(*f, i_class);
        o.area_m2 = field_real(*f, i_area);
        o.previous_area_m2 = field_real(*f, i_prev);
        o.overlap = field_real(*f, i_overlap);
        o.change_type = field_text(*f, i_type);
        o.lon = field_real(*f, i_lon);
        o.lat = field_real(*f, i_lat);
        o.score = field_optional_real(*f, i_score);
        o.confidence = field_optional_real(*f, i_conf);
        rows.emplace_back(f->GetFID(), std::move(o));
    });
    // Feature order is the datasource's business (PostGIS returns rows in any order): write order is FID order.
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<LedgerObservation> out;
    out.reserve(rows.size());
    for (auto& r : rows)
        out.push_back(std::move(r.second));
    return out;
}

void LedgerStore::write_geometry(OGRFeature& feature, const GEOSGeometry* geometry, const GeosContext& ctx,
                                 const std::string& where)
{
    if (!geometry || GEOSisEmpty_r(ctx.handle(), geometry)) {
        feature.SetGeometryDirectly(nullptr);
        return;
    }
    OGRGeometry* g = OGRGeometryFactory::createFromGEOS(ctx.handle(), const_cast<GEOSGeometry*>(geometry));
    if (!g)
        throw OutputError(where + ": cannot convert its geometry");
    feature.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
}

namespace {

void set_merge_fields(OGRFeature& f, const LedgerPatch& p)
{
    set_text(f, "ledger_id", p.ledger_id);
    set_text(f, "redline_id", p.redline_id);
    set_text(f, "redline_name", p.redline_name);
    set_text(f, "zone_id", p.zone_id);
    set_text(f, "zone_name", p.zone_name);
    set_text(f, "classification", p.classification);
    set_text(f, "first_campaign", p.first_campaign);
    set_text(f, "last_campaign", p.last_campaign);
    set_text(f, "last_seen", p.last_seen);
    set_integer(f, "observations", p.observations);
    set_text(f, "patch_id", p.patch_id);
    set_real(f, "area_m2", p.area_m2, 2);
    set_real(f, "previous_area_m2", p.previous_area_m2, 2);
    set_text(f, "change_type", p.change_type);
    set_real(f, "lon", p.lon, 7);
    set_real(f, "lat", p.lat, 7);
}

} // namespace

void LedgerStore::add_patch(const LedgerPatch& patch, const GeosContext& ctx)
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_patches_layer);
    const std::string where = m_label + ", layer " + ledger_patches_layer + ", " + patch.ledger_id;
    OGRFeature f(l->GetLayerDefn());
    set_merge_fields(f, patch);
    set_verification_fields(f, patch.verification);
    write_geometry(f, patch.geometry.get(), ctx, where);
    if (l->CreateFeature(&f) != OGRERR_NONE)
        throw OutputError(where + ": cannot add the patch" + gdal_says(capture));
}

void LedgerStore::update_patch(const LedgerPatch& patch, const GeosContext& ctx)
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_patches_layer);
    const std::string where = m_label + ", layer " + ledger_patches_layer + ", " + patch.ledger_id;
    OGRFeatureUniquePtr f(l->GetFeature(patch.fid));
    if (!f)
        throw OutputError(where + ": feature FID " + std::to_string(patch.fid) + " is gone (was the ledger edited "
                          "during the merge?)" + gdal_says(capture));
    // The feature was read inside this transaction: its verification fields go back as they are.
    set_merge_fields(*f, patch);
    write_geometry(*f, patch.geometry.get(), ctx, where);
    if (l->SetFeature(f.get()) != OGRERR_NONE)
        throw OutputError(where + ": cannot update the patch" + gdal_says(capture));
}

void LedgerStore::set_verification(std::int64_t fid, const Verification& verification)
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_patches_layer);
    const std::string where = m_label + ", layer " + ledger_patches_layer + ", feature FID " + std::to_string(fid);
    OGRFeatureUniquePtr f(l->GetFeature(fid));
    if (!f)
        throw OutputError(where + ": the feature is gone" + gdal_says(capture));
    set_verification_fields(*f, verification);
    if (l->SetFeature(f.get()) != OGRERR_NONE)
        throw OutputError(where + ": cannot update the patch" + gdal_says(capture));
}

void LedgerStore::add_observation(const LedgerObservation& o, const GeosContext& ctx)
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_observations_layer);
    const std::string where = m_label + ", layer " + ledger_observations_layer + ", " + o.ledger_id + " in " + o.campaign;
    OGRFeature f(l->GetLayerDefn());
    set_text(f, "ledger_id", o.ledger_id);
    set_text(f, "campaign", o.campaign);
    set_text(f, "campaign_date", o.campaign_date);
    set_text(f, "patch_id", o.patch_id);
    set_text(f, "redline_id", o.redline_id);
    set_text(f, "redline_name", o.redline_name);
    set_text(f, "zone_id", o.zone_id);
    set_text(f, "zone_name", o.zone_name);
    set_text(f, "classification", o.classification);
    set_real(f, "area_m2", o.area_m2, 2);
    set_real(f, "previous_area_m2", o.previous_area_m2, 2);
    set_real(f, "overlap", o.overlap, 4);
    set_text(f, "change_type", o.change_type);
    set_real(f, "lon", o.lon, 7);
    set_real(f, "lat", o.lat, 7);
    set_optional_real(f, "score", o.score, 4);
    set_optional_real(f, "confidence", o.confidence, 4);
    write_geometry(f, o.geometry, ctx, where);
    if (l->CreateFeature(&f) != OGRERR_NONE)
        throw OutputError(where + ": cannot add the observation" + gdal_says(capture));
}

void LedgerStore::add_campaign(const LedgerCampaign& c)
{
    CplErrorCapture capture;
    OGRLayer* l = layer(ledger_campaigns_layer);
    const std::string where = m_label + ", layer " + ledger_campaigns_layer + ", campaign " + c.campaign;
    OGRFeature f(l->GetLayerDefn());
    set_text(f, "campaign", c.campaign);
    set_text(f, "campaign_date", c.campaign_date);
    set_text(f, "merged_on", c.merged_on);
    set_text(f, "source", c.source);
    set_text(f, "source_layer", c.source_layer);
    set_integer(f, "patches", c.patches);
    for (int i = 0; i < 6; ++i)
        set_integer(f, count_fields[i], c.counts[i]);
    set_real(f, "area_m2", c.area_m2, 2);
    set_real(f, "min_overlap", c.min_overlap, 6);
    set_real(f, "area_change", c.area_change, 6);
    set_text(f, "redline_version", c.redline_version);
    if (l->CreateFeature(&f) != OGRERR_NONE)
        throw OutputError(where + ": cannot record the campaign" + gdal_says(capture));
}

GeomPtr LedgerStore::to_ledger_crs(const OGRGeometry& geometry, const OGRSpatialReference& from,
                                   const GeosContext& ctx, const std::string& where) const
{
    CplErrorCapture capture;
    std::unique_ptr<OGRGeometry> g(geometry.clone());
    if (!same_crs(from, *m_srs)) {
        const Reprojection to_ledger(from, *m_srs, densify_step_for(from), where);
        if (!to_ledger.apply(*g))
            throw InputError(where + ": cannot transform it to the ledger's CRS " + redline::label(*m_srs) + gdal_says(capture));
    }
    GEOSGeometry* geos = g->exportToGEOS(ctx.handle());
    if (!geos)
        throw InputError(where + ": cannot convert its geometry" + gdal_says(capture));
    return GeomPtr(geos, GeomDeleter{ ctx.handle() });
}

void LedgerStore::export_patches(const std::string& path, const std::string& option)
{
    CplErrorCapture capture;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!driver)
        throw OutputError(option + " " + path + ": GDAL's GeoPackage driver is missing");
    AtomicOutput out(path, option);
    GDALDatasetUniquePtr ds(driver->Create(out.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds)
        throw OutputError(option + " " + path + ": cannot create the GeoPackage" + gdal_says(capture));
    CPLStringList lco;
    lco.SetNameValue("GEOMETRY_NAME", "geom");
    lco.SetNameValue("FID", "fid");
    OGRLayer* source = layer(ledger_patches_layer);
    source->ResetReading();
    if (!ds->CopyLayer(source, ledger_patches_layer, lco.List()))
        throw OutputError(option + " " + path + ": cannot copy the ledger's patches" + gdal_says(capture));
    CPLErrorReset();
    GDALClose(GDALDataset::ToHandle(ds.release()));
    if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
        throw OutputError(option + " " + path + ": cannot finish the GeoPackage" + gdal_says(capture));
    out.commit();
}

} // namespace redline
