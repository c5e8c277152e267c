#pragma once
// The patch ledger's storage: three layers in any OGR datasource with transactions (a GeoPackage
// by default, PostGIS for a ledger edited by several people). Its inputs have readers of their
// own: campaign_patches.h (a campaign to merge), verification_rows.h (the field teams' tables).

#include "atomic_file.h"
#include "crs.h"
#include "geos_context.h"
#include "ledger_matching.h"

#include <gdal_priv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// The ledger's layers (tables in PostGIS), with the same names and columns in every datasource.
extern const char* const ledger_patches_layer;      ///< one feature per patch, latest outline
extern const char* const ledger_observations_layer; ///< one feature per patch per campaign
extern const char* const ledger_campaigns_layer;    ///< one row per merged campaign

/// @brief A patch of the ledger: the latest observation's outline and attributes, and the field
/// teams' verification, which only `ledger import` writes.
struct LedgerPatch
{
    std::int64_t fid = -1;
    std::string ledger_id;
    std::string redline_id, redline_name, zone_id, zone_name;
    std::string classification; ///< change_name() of the latest campaign's outcome
    std::string first_campaign; ///< the campaign that found it
    std::string last_campaign;  ///< the latest campaign that classified it (vanished included)
    std::string last_seen;      ///< the latest campaign that observed it
    std::int64_t observations = 0;
    std::string patch_id;       ///< `redline activity`'s id in the latest observation
    double area_m2 = 0;         ///< latest observed area (ellipsoidal)
    double previous_area_m2 = 0;
    std::string change_type;
    double lon = 0, lat = 0;
    Verification verification;
    GeomPtr geometry; ///< ledger CRS; null when read without geometry
};

/// @brief One patch in one campaign (or a vanished patch's record in the campaign it vanished).
struct LedgerObservation
{
    std::string ledger_id, campaign, campaign_date, patch_id;
    std::string redline_id, redline_name, zone_id, zone_name;
    std::string classification, change_type;
    double area_m2 = 0, previous_area_m2 = 0, overlap = 0, lon = 0, lat = 0;
    std::optional<double> score, confidence;
    const GEOSGeometry* geometry = nullptr; ///< ledger CRS, not owned; null for vanished
};

/// @brief A merged campaign.
struct LedgerCampaign
{
    std::int64_t fid = -1;
    std::string campaign, campaign_date, merged_on, source, source_layer, redline_version;
    std::int64_t patches = 0;
    std::int64_t counts[6] = {}; ///< indexed by PatchChange
    double area_m2 = 0;          ///< observed patches
    double min_overlap = 0, area_change = 0;
};

/// @brief An open ledger.
///
/// Opening for a merge creates what is missing: a new GeoPackage (under a temporary name, moved
/// into place only by commit(), so a failed first merge leaves no file) or, in an existing
/// datasource such as a PostGIS database, the three tables. Writes happen inside the datasource's
/// own transaction (begin() / commit()); the destructor rolls back whatever was not committed.
/// Everything a merge owns is written through update_patch(); the verification fields only
/// through set_verification().
class LedgerStore
{
public:
    enum class Mode
    {
        read,
        update,
        create_if_missing
    };

    /// @param target  a GeoPackage path or any OGR datasource ("PG:dbname=... host=...")
    /// @param option  the option that named it, for messages
    /// @param srs_if_new the CRS of the layers when they must be created
    LedgerStore(const std::string& target, const std::string& option, Mode mode,
                const OGRSpatialReference* srs_if_new = nullptr);
    ~LedgerStore();
    LedgerStore(const LedgerStore&) = delete;
    LedgerStore& operator=(const LedgerStore&) = delete;

    /// "--ledger PATH" (passwords in connection strings masked), for messages.
    const std::string& label() const { return m_label; }
    /// The path or connection string (passwords masked), for reports.
    const std::string& name() const { return m_name; }
    bool created() const { return m_created; }
    const OGRSpatialReference& srs() const { return *m_srs; }
    std::string driver_name() const;

    /// Starts the transaction (already started when the tables were just created in a
    /// database); in PostGIS, also locks the ledger's tables against concurrent
    /// writers until commit or rollback (so no one's edit is lost and no campaign merged twice).
    void begin();
    /// Commits; a new GeoPackage is then closed and moved into place.
    void commit();
    /// Rolls back (also done by the destructor when commit() was not reached).
    void rollback();

    /// The merged campaigns, in merge order.
    std::vector<LedgerCampaign> campaigns();
    /// Every ledger patch, sorted by ledger_id; with geometries when @p ctx is given.
    std::vector<LedgerPatch> patches(const GeosContext* ctx);
    /// Every observation, without geometry, in the order written.
    std::vector<LedgerObservation> observations();

    void add_patch(const LedgerPatch& patch, const GeosContext& ctx);
    /// Writes the fields a merge owns (all but the verification) and the outline of patch.fid.
    void update_patch(const LedgerPatch& patch, const GeosContext& ctx);
    /// Writes the verification fields of patch @p fid, nothing else.
    void set_verification(std::int64_t fid, const Verification& verification);
    void add_observation(const LedgerObservation& observation, const GeosContext& ctx);
    void add_campaign(const LedgerCampaign& campaign);

    /// @p geometry (in @p from) as a GEOS geometry in the ledger's CRS.
    GeomPtr to_ledger_crs(const OGRGeometry& geometry, const OGRSpatialReference& from, const GeosContext& ctx,
                          const std::string& where) const;

    /// Copies the ledger_patches layer into a new GeoPackage at @p path, atomically.
    void export_patches(const std::string& path, const std::string& option);

private:
    void open_existing(bool update);
    void begin_transaction();
    void create_geopackage(const OGRSpatialReference& srs);
    void create_layers(const OGRSpatialReference& srs);
    void check_layers();
    OGRLayer* layer(const char* name) const;
    void write_geometry(OGRFeature& feature, const GEOSGeometry* geometry, const GeosContext& ctx,
                        const std::string& where);

    std::string m_target;
    std::string m_option;
    std::string m_name;
    std::string m_label;
    bool m_created = false;
    bool m_in_transaction = false;
    std::unique_ptr<AtomicOutput> m_new_file;
    GDALDatasetUniquePtr m_dataset;
    SrsPtr m_srs;
};

} // namespace redline
