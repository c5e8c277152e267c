#pragma once
// The patch ledger (台账) without its storage: how a campaign's patches are matched to the
// ledger's, how each is classified, how ledger ids are made, and the field teams' vocabularies.

#include "geos_context.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief What became of a patch between two campaigns.
enum class PatchChange
{
    new_patch,  ///< 新增: no ledger patch overlaps it enough
    expanded,   ///< 扩大: matched, and its area grew by more than the tolerance
    reduced,    ///< 减少: matched, and its area shrank by more than the tolerance
    unchanged,  ///< matched, area within the tolerance
    vanished,   ///< 消失/恢复: a ledger patch that no patch of the campaign matched
    reappeared  ///< 复现: matched a ledger patch that had vanished in an earlier campaign
};

/// "new", "expanded", "reduced", "unchanged", "vanished", "reappeared": the values of the
/// ledger's `classification` fields.
const char* change_name(PatchChange change);
/// 新增, 扩大, 减少, 未变化, 消失, 复现
const char* change_label_zh(PatchChange change);
/// Every classification, in report order.
const std::vector<PatchChange>& all_changes();
/// The classification named @p name (as change_name() writes it), or nullopt.
std::optional<PatchChange> change_from_name(const std::string& name);

/// @brief The thresholds of matching and classification.
struct MatchRules
{
    /// A campaign patch and a ledger patch are the same patch when their intersection covers at
    /// least this fraction of the smaller of the two.
    double min_overlap = 0.2;
    /// Relative area change beyond which a matched patch is expanded (after > before × (1 + t))
    /// or reduced (after < before × (1 − t)).
    double area_change = 0.2;
};

/// expanded, reduced or unchanged, from the areas before and after.
PatchChange classify_area_change(double before_m2, double after_m2, const MatchRules& rules);

/// @brief A ledger patch as the matcher sees it.
struct LedgerShape
{
    const GEOSGeometry* geometry = nullptr; ///< the latest observation's outline; not owned
    double area_m2 = 0;                     ///< the latest observation's area
    bool vanished = false;                  ///< vanished in an earlier campaign (can reappear)
};

/// @brief A patch of the campaign being merged, in the ledger's CRS.
struct ObservedShape
{
    const GEOSGeometry* geometry = nullptr; ///< not owned
    double area_m2 = 0;
};

/// @brief The outcome for one observed patch.
struct ObservationMatch
{
    std::optional<std::size_t> ledger; ///< index of the matched ledger patch
    double overlap = 0;                ///< intersection / smaller area, for the match (0 when new)
    PatchChange change = PatchChange::new_patch;
};

/// @brief The outcome of matching one campaign against the ledger.
struct CampaignMatch
{
    std::vector<ObservationMatch> observed; ///< one per observed patch, in the input order
    std::vector<std::size_t> vanished;      ///< ledger patches (not already vanished) left unmatched, ascending
};

/// Matches a campaign's patches to the ledger's, one to one.
///
/// Candidate pairs are those whose intersection covers at least rules.min_overlap of the smaller
/// patch (areas measured in the plane of the shared CRS: only their ratio is used, and over a
/// patch the ratio hardly depends on the projection). Pairs are then taken greedily, largest
/// intersection first, each patch at most once, so that when two patches overlap one old patch
/// the one sharing most of it keeps its id and the other is new. Ties fall to the lower indices:
/// the result depends only on the inputs and their order.
/// Matched patches are classified by their area attributes (ellipsoidal m²) with
/// classify_area_change(), or as reappeared when the ledger patch had vanished before.
CampaignMatch match_campaign(const GeosContext& ctx, const std::vector<LedgerShape>& ledger,
                             const std::vector<ObservedShape>& observed, const MatchRules& rules);

/// A campaign name usable in ledger ids: 1 to 32 of A-Z a-z 0-9 _ - . (e.g. 2024Q1, 2024-H2).
bool valid_campaign_name(const std::string& campaign);

/// "L" + campaign + "-" + sequence, zero-padded to 4 digits: L2024Q1-0007.
std::string make_ledger_id(const std::string& campaign, std::size_t sequence);

/// True for a real calendar date written YYYY-MM-DD.
bool valid_iso_date(const std::string& date);

// ---- Field verification (实地核查) ------------------------------------------------------------

/// to_verify, in_progress, verified
const std::vector<std::string>& verification_statuses();
/// confirmed, false_alarm, permitted
const std::vector<std::string>& verdicts();
/// mining, industry, energy, tourism, transport, aquaculture_farming, settlement, other
/// (the interpreter's classes of `redline activity`)
const std::vector<std::string>& activity_classes();

/// @brief One of the ten kinds of limited human activity the red-line rules allow (生态保护红线内
/// 允许的有限人为活动, 自然资发〔2022〕142号); a `permitted` verdict names one by its code.
struct PermittedCategory
{
    int code;
    const char* label;
    const char* label_zh;
};
const std::vector<PermittedCategory>& permitted_categories();

/// @brief The verification fields of a ledger patch (all text; empty = not set).
struct Verification
{
    std::string status, verdict, reason_code, verified_by, verified_on, activity_class;

    bool operator==(const Verification& o) const
    {
        return status == o.status && verdict == o.verdict && reason_code == o.reason_code &&
               verified_by == o.verified_by && verified_on == o.verified_on && activity_class == o.activity_class;
    }
    bool operator!=(const Verification& o) const { return !(*this == o); }
};

/// Normalises @p v (values trimmed, the coded ones lowered, reason codes as plain integers) and
/// returns what is wrong with it, one sentence per problem naming the field, the value and the
/// allowed values; empty when it is acceptable. A verdict with an empty or `to_verify` status
/// (the default left in the cell) sets the status to `verified`.
std::vector<std::string> check_verification(Verification& v);

/// What is inconsistent in a patch's whole verification record (after an import has laid a row
/// over the ledger's values): a permitted verdict without a reason code, a reason code without
/// a permitted verdict.
std::vector<std::string> check_verdict_consistency(const Verification& v);

/// The values of @p values joined with ", ".
std::string join_values(const std::vector<std::string>& values);

} // namespace redline
