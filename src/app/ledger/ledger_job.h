#pragma once
// `redline ledger`: the patch ledger (台账) of suspected human-activity patches across monitoring
// campaigns. Merges `redline activity` results campaign after campaign, imports the field teams'
// verification, summarises per red-line polygon and campaign, exports the current patches.

#include "common/progress.h"
#include "geos_context.h"
#include "ledger_matching.h"

#include <cstdint>
#include <string>
#include <vector>

namespace redline {

/// @brief Everything `redline ledger merge` needs, as plain values.
struct LedgerMergeOptions
{
    std::string ledger;        ///< GeoPackage path (created if missing) or OGR datasource (PG:...)
    std::string patches;       ///< the campaign's `redline activity` output
    std::string patches_layer; ///< empty: activity_patches, else the only layer
    std::string campaign;      ///< name, used in ledger ids
    std::string date;          ///< YYYY-MM-DD, optional
    MatchRules rules;
};

/// @brief Count and area of a group of patches.
struct PatchTally
{
    std::int64_t count = 0;
    double area_m2 = 0;
    void add(double area)
    {
        ++count;
        area_m2 += area;
    }
};

/// @brief What a merge did.
struct LedgerMergeResult
{
    std::string ledger_label;
    bool created = false;
    std::string campaign;
    std::size_t patches = 0;
    double area_m2 = 0;
    PatchTally by_change[6]; ///< indexed by PatchChange; vanished: their last area
    std::size_t ledger_patches = 0, ledger_vanished = 0;
    std::size_t repaired = 0;
    std::vector<std::string> warnings;
};

/// Merges a campaign into the ledger in one transaction: nothing is written unless everything is.
LedgerMergeResult run_ledger_merge(const LedgerMergeOptions& options, const GeosContext& ctx,
                                   const ProgressFn& progress);

/// @brief Everything `redline ledger import` needs.
struct LedgerImportOptions
{
    std::string ledger;
    std::string from;  ///< CSV or GeoPackage edited by the field teams
    std::string layer; ///< empty: the only layer, else ledger_patches, else activity_patches
};

/// @brief What an import did.
struct LedgerImportResult
{
    std::string ledger_label, source_label;
    std::vector<std::string> columns; ///< verification columns found
    std::size_t rows = 0;
    std::size_t skipped = 0;   ///< rows that say nothing (empty, or only the default to_verify)
    std::size_t updated = 0;   ///< ledger patches whose verification changed
    std::size_t unchanged = 0; ///< rows that repeat what the ledger holds
    std::size_t by_patch_id = 0; ///< rows found through patch_id and the observations
};

/// Imports verification results in one transaction; any bad row refuses the whole import.
LedgerImportResult run_ledger_import(const LedgerImportOptions& options, const ProgressFn& progress);

/// @brief Counts and areas by classification and by verdict.
struct LedgerTallies
{
    PatchTally patches;      ///< observed in the campaign (vanished ones excluded)
    PatchTally by_change[6]; ///< vanished: the area they had
    PatchTally confirmed, false_alarm, permitted, unverified;
};

/// @brief One red-line polygon in one campaign.
struct LedgerRedlineRow
{
    std::string redline_id, redline_name;
    LedgerTallies tallies;
};

/// @brief One campaign of the summary.
struct LedgerCampaignSummary
{
    std::string campaign, date, merged_on, source;
    LedgerTallies total;
    std::vector<LedgerRedlineRow> redlines; ///< by redline_id
};

/// @brief The whole summary.
struct LedgerSummary
{
    std::string ledger_label;
    std::vector<LedgerCampaignSummary> campaigns; ///< in merge order
    std::size_t patches = 0, present = 0, vanished = 0;
    PatchTally confirmed, false_alarm, permitted, unverified; ///< current patches, by current verdict
    std::int64_t status_to_verify = 0, status_in_progress = 0, status_verified = 0;
    std::int64_t permitted_by_code[11] = {};
};

struct LedgerSummaryOptions
{
    std::string ledger, json_path, csv_path;
};

/// Reads the ledger and tallies it (verdicts are the patches' current ones).
LedgerSummary run_ledger_summary(const LedgerSummaryOptions& options);

struct LedgerExportOptions
{
    std::string ledger, out; ///< out: .gpkg (with outlines) or .csv (without)
};

/// Writes the ledger's current patches for the field teams; returns how many.
std::size_t run_ledger_export(const LedgerExportOptions& options);

} // namespace redline
