#include "ledger/ledger_job.h"

#include "atomic_file.h"
#include "campaign_patches.h"
#include "error.h"
#include "ledger_store.h"
#include "polygon_ops.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"
#include "utc_timestamp.h"
#include "verification_rows.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace redline {

namespace {

std::size_t index_of(PatchChange c)
{
    return static_cast<std::size_t>(c);
}

void step(const ProgressFn& progress, double fraction, const std::string& stage)
{
    if (progress && !progress(fraction, stage))
        throw Cancelled();
}

/// Commits the merge or import: the last moment an interruption can still undo everything.
void commit(LedgerStore& store, const ProgressFn& progress, const std::string& stage)
{
    step(progress, 0.96, stage);
    store.commit();
    if (progress)
        progress(1.0, "done");
}

void check_merge_options(const LedgerMergeOptions& o)
{
    if (o.ledger.empty())
        throw InputError("--ledger is required: the ledger GeoPackage (created if missing) or a datasource such as "
                         "PG:\"dbname=ledger host=...\"");
    if (o.patches.empty())
        throw InputError("--patches is required: the campaign's patches, as written by redline activity --out");
    if (!valid_campaign_name(o.campaign))
        throw InputError("--campaign '" + o.campaign +
                         "': a campaign name is 1 to 32 letters, digits, '_', '-' or '.' (e.g. 2024Q1, 2024-H2); it "
                         "becomes part of the ledger ids (L2024Q1-0001)");
    if (!o.date.empty() && !valid_iso_date(o.date))
        throw InputError("--date '" + o.date + "': write the campaign's date as YYYY-MM-DD, e.g. 2024-06-30");
    if (!(o.rules.min_overlap > 0 && o.rules.min_overlap <= 1))
        throw InputError("--min-overlap " + fixed(o.rules.min_overlap, 3) +
                         ": give a fraction of the smaller patch above 0 and at most 1 (default 0.2)");
    if (!(o.rules.area_change > 0 && o.rules.area_change < 1))
        throw InputError("--area-change " + fixed(o.rules.area_change, 3) +
                         ": give a relative change above 0 and below 1 (default 0.2, i.e. 20 %)");
}

/// A merge refuses a campaign the ledger already holds, and one dated before a campaign it holds:
/// each campaign is compared with the latest outlines, so campaigns go in in date order.
void check_campaign_is_next(const LedgerMergeOptions& o, const std::vector<LedgerCampaign>& campaigns,
                            const LedgerStore& store)
{
    for (const LedgerCampaign& c : campaigns) {
        if (c.campaign == o.campaign)
            throw InputError("--campaign " + o.campaign + ": " + store.label() + " already holds campaign " +
                             o.campaign + " (merged " + c.merged_on + " from " + c.source +
                             "); a campaign is merged once, so nothing was changed. Merge a new campaign under a new "
                             "name; to redo this one, restore the ledger from the copy made before its merge");
        if (!o.date.empty() && !c.campaign_date.empty() && c.campaign_date > o.date)
            throw InputError("--date " + o.date + ": the ledger already holds campaign " + c.campaign + " of " +
                             c.campaign_date + "; campaigns are merged in date order, each compared with the latest "
                                               "outlines, so a later campaign cannot be merged before an earlier one");
    }
}

/// @brief The campaign's patches ready to match: in patch_id order, outlines in the ledger's CRS.
struct CampaignOutlines
{
    std::vector<std::size_t> order;     ///< indices into CampaignInput::patches, by patch_id
    std::vector<GeomPtr> outlines;      ///< in that order, valid, in the ledger's CRS
    std::vector<ObservedShape> observed; ///< the same outlines (not owned) with their areas
    std::size_t repaired = 0;           ///< invalid outlines repaired
};

/// The order decides ties in the matching and the sequence of new ids, so equal inputs give
/// equal ledgers in any datasource.
CampaignOutlines outlines_in_ledger_crs(const CampaignInput& input, const LedgerStore& store, const GeosContext& ctx)
{
    CampaignOutlines c;
    c.order.resize(input.patches.size());
    std::iota(c.order.begin(), c.order.end(), std::size_t(0));
    std::sort(c.order.begin(), c.order.end(), [&](std::size_t a, std::size_t b) {
        return input.patches[a].patch_id < input.patches[b].patch_id;
    });
    for (std::size_t k : c.order) {
        const CampaignPatch& p = input.patches[k];
        const std::string where = input.label + ", patch_id " + p.patch_id;
        GeomPtr g = store.to_ledger_crs(*p.geometry, *input.srs, ctx, where);
        std::string reason;
        if (!is_valid(ctx, g.get(), reason)) {
            g = repair_polygon(ctx, g.get());
            ++c.repaired;
            if (GEOSisEmpty_r(ctx.handle(), g.get()))
                throw InputError(where + ": its outline is invalid (" + reason +
                                 ") and encloses no area once repaired; fix or delete the feature");
        } else {
            g = polygonal_part(ctx, g.get());
        }
        c.observed.push_back(ObservedShape{ g.get(), p.area_m2 });
        c.outlines.push_back(std::move(g));
    }
    return c;
}

std::vector<LedgerShape> ledger_shapes(const std::vector<LedgerPatch>& ledger)
{
    std::vector<LedgerShape> shapes;
    for (const LedgerPatch& p : ledger)
        shapes.push_back(LedgerShape{ p.geometry.get(), p.area_m2, p.classification == change_name(PatchChange::vanished) });
    return shapes;
}

/// A copy of the previous campaign merged again under a new name would make every patch
/// "unchanged", and the ledger cannot tell: a warning when every patch_id is the latest
/// campaign's and no other.
std::optional<std::string> same_campaign_again(const CampaignInput& input, const std::vector<LedgerPatch>& ledger,
                                               const std::vector<LedgerCampaign>& campaigns)
{
    if (campaigns.empty() || input.patches.empty())
        return std::nullopt;
    std::set<std::string> latest;
    for (const LedgerPatch& p : ledger)
        if (p.last_seen == campaigns.back().campaign)
            latest.insert(p.patch_id);
    std::set<std::string> now;
    for (const CampaignPatch& p : input.patches)
        now.insert(p.patch_id);
    if (latest != now)
        return std::nullopt;
    return "every patch_id of " + input.label + " is one of campaign " + campaigns.back().campaign +
           ", and no other: is it the same campaign again?";
}

/// Where a patch is: the red-line polygon and zone it lies in and its navigation point, handed on
/// from a campaign's patch or a ledger patch to an observation or a ledger patch.
template<typename To, typename From>
void copy_place(To& to, const From& from)
{
    to.redline_id = from.redline_id;
    to.redline_name = from.redline_name;
    to.zone_id = from.zone_id;
    to.zone_name = from.zone_name;
    to.lon = from.lon;
    to.lat = from.lat;
}

/// The attributes of a campaign's patch that its observation and its ledger patch both take.
template<typename To>
void copy_patch_attributes(To& to, const CampaignPatch& from)
{
    copy_place(to, from);
    to.patch_id = from.patch_id;
    to.area_m2 = from.area_m2;
    to.change_type = from.change_type;
}

/// @brief Writes a matched campaign into the ledger, patch by patch, inside the store's
/// transaction: new ids, observations, updated ledger patches, and the merge's tallies.
class MergeWriter
{
public:
    MergeWriter(const LedgerMergeOptions& o, LedgerStore& store, const GeosContext& ctx, const ProgressFn& progress,
                const std::vector<LedgerPatch>& ledger, std::size_t total_writes, LedgerMergeResult& result)
      : m_o(o)
      , m_store(store)
      , m_ctx(ctx)
      , m_progress(progress)
      , m_total_writes(total_writes)
      , m_result(result)
    {
        for (const LedgerPatch& p : ledger)
            m_ids.insert(p.ledger_id);
    }

    /// A campaign's patch: a new ledger patch, or the matched one followed to its latest outline.
    void write_observed(const CampaignPatch& p, const ObservationMatch& m, GeomPtr outline,
                        std::vector<LedgerPatch>& ledger)
    {
        LedgerObservation obs;
        obs.campaign = m_o.campaign;
        obs.campaign_date = m_o.date;
        copy_patch_attributes(obs, p);
        obs.classification = change_name(m.change);
        obs.overlap = m.overlap;
        obs.score = p.score;
        obs.confidence = p.confidence;
        obs.geometry = outline.get();

        LedgerPatch fresh;
        LedgerPatch& lp = m.ledger ? ledger[*m.ledger] : fresh;
        if (m.ledger) {
            lp.previous_area_m2 = lp.area_m2;
            ++lp.observations;
        } else {
            lp.ledger_id = next_id();
            lp.first_campaign = m_o.campaign;
            lp.observations = 1;
            lp.verification.status = "to_verify";
        }
        obs.ledger_id = lp.ledger_id;
        obs.previous_area_m2 = lp.previous_area_m2;
        m_store.add_observation(obs, m_ctx);

        // The outline and the attributes follow the latest observation; the verification stays.
        copy_patch_attributes(lp, p);
        lp.classification = change_name(m.change);
        lp.last_campaign = m_o.campaign;
        lp.last_seen = m_o.campaign;
        lp.geometry = std::move(outline);
        if (m.ledger)
            m_store.update_patch(lp, m_ctx);
        else
            m_store.add_patch(lp, m_ctx);
        m_result.by_change[index_of(m.change)].add(p.area_m2);
        ++m_result.patches;
        m_result.area_m2 += p.area_m2;
        if (!m.ledger)
            ++m_result.ledger_patches; // counted with the old ones at the end of the merge
        written_one();
    }

    /// A ledger patch the campaign did not see. It keeps its last outline and area: where to check
    /// the restoration on the ground.
    void write_vanished(LedgerPatch& lp)
    {
        lp.classification = change_name(PatchChange::vanished);
        lp.last_campaign = m_o.campaign;
        lp.previous_area_m2 = lp.area_m2;
        LedgerObservation obs;
        obs.ledger_id = lp.ledger_id;
        obs.campaign = m_o.campaign;
        obs.campaign_date = m_o.date;
        copy_place(obs, lp);
        obs.classification = lp.classification;
        obs.previous_area_m2 = lp.area_m2;
        m_store.add_observation(obs, m_ctx);
        m_store.update_patch(lp, m_ctx);
        m_result.by_change[index_of(PatchChange::vanished)].add(lp.area_m2);
        written_one();
    }

private:
    /// The campaign's next ledger id not yet taken (ids of an earlier, deleted patch are not reused).
    std::string next_id()
    {
        std::string id;
        do
            id = make_ledger_id(m_o.campaign, ++m_sequence);
        while (m_ids.count(id));
        m_ids.insert(id);
        return id;
    }

    void written_one()
    {
        ++m_written;
        if (m_written % 32 == 0)
            step(m_progress, 0.4 + 0.55 * double(m_written) / double(std::max<std::size_t>(m_total_writes, 1)),
                 "writing the ledger");
    }

    const LedgerMergeOptions& m_o;
    LedgerStore& m_store;
    const GeosContext& m_ctx;
    const ProgressFn& m_progress;
    const std::size_t m_total_writes;
    LedgerMergeResult& m_result;
    std::set<std::string> m_ids;
    std::size_t m_sequence = 0;
    std::size_t m_written = 0;
};

/// The campaign's row in ledger_campaigns: what was merged, from where, with which rules.
LedgerCampaign campaign_record(const LedgerMergeOptions& o, const CampaignInput& input, const LedgerMergeResult& result)
{
    LedgerCampaign record;
    record.campaign = o.campaign;
    record.campaign_date = o.date;
    record.merged_on = utc_timestamp();
    record.source = canonical_path(o.patches);
    record.source_layer = input.layer_name;
    record.redline_version = REDLINE_VERSION;
    record.patches = std::int64_t(result.patches);
    for (PatchChange c : all_changes())
        record.counts[index_of(c)] = result.by_change[index_of(c)].count;
    record.area_m2 = result.area_m2;
    record.min_overlap = o.rules.min_overlap;
    record.area_change = o.rules.area_change;
    return record;
}

} // namespace

LedgerMergeResult run_ledger_merge(const LedgerMergeOptions& o, const GeosContext& ctx, const ProgressFn& progress)
{
    check_merge_options(o);
    LedgerMergeResult result;
    result.campaign = o.campaign;

    // The campaign is read and checked whole before the ledger is opened: bad input never
    // touches the ledger, not even its file's bytes.
    step(progress, 0.0, "reading the campaign's patches");
    const CampaignInput input = read_campaign_patches(o.patches, o.patches_layer, "--patches");
    result.warnings = input.warnings;

    step(progress, 0.15, "opening the ledger");
    LedgerStore store(o.ledger, "--ledger", LedgerStore::Mode::create_if_missing, input.srs.get());
    result.ledger_label = store.name();
    result.created = store.created();
    store.begin();
    const std::vector<LedgerCampaign> campaigns = store.campaigns();
    check_campaign_is_next(o, campaigns, store);

    step(progress, 0.2, "reading the ledger");
    std::vector<LedgerPatch> ledger = store.patches(&ctx);
    CampaignOutlines campaign = outlines_in_ledger_crs(input, store, ctx);
    result.repaired = campaign.repaired;
    if (result.repaired)
        result.warnings.push_back(input.label + ": " + std::to_string(result.repaired) +
                                  " invalid outline(s) repaired (GEOS MakeValid) before matching");

    step(progress, 0.3, "matching the patches to the ledger");
    const CampaignMatch match = match_campaign(ctx, ledger_shapes(ledger), campaign.observed, o.rules);
    if (const std::optional<std::string> warning = same_campaign_again(input, ledger, campaigns))
        result.warnings.push_back(*warning);

    step(progress, 0.4, "writing the ledger");
    MergeWriter writer(o, store, ctx, progress, ledger, campaign.order.size() + match.vanished.size(), result);
    for (std::size_t k = 0; k < campaign.order.size(); ++k)
        writer.write_observed(input.patches[campaign.order[k]], match.observed[k], std::move(campaign.outlines[k]),
                              ledger);
    for (std::size_t j : match.vanished)
        writer.write_vanished(ledger[j]);
    result.ledger_patches += ledger.size();
    for (const LedgerPatch& p : ledger)
        if (p.classification == change_name(PatchChange::vanished))
            ++result.ledger_vanished;
    store.add_campaign(campaign_record(o, input, result));
    commit(store, progress, "committing the merge");
    return result;
}

// ---- import -------------------------------------------------------------------------------------

namespace {

std::string row_key(const VerificationRow& r)
{
    if (!r.ledger_id.empty())
        return "ledger_id " + r.ledger_id;
    if (!r.patch_id.empty())
        return "patch_id " + r.patch_id;
    return "";
}

std::string row_label(const VerificationInput& in, const VerificationRow& r)
{
    const std::string key = row_key(r);
    return in.label + ", " + r.where + (key.empty() ? "" : " (" + key + ")");
}

/// True when the row carries nothing to import: all empty, or only the `to_verify` that
/// `redline activity` writes in every row (importing it would undo verifications).
bool says_nothing(const Verification& v)
{
    return (v.status.empty() || v.status == "to_verify") && v.verdict.empty() && v.reason_code.empty() &&
           v.verified_by.empty() && v.verified_on.empty() && v.activity_class.empty();
}

[[noreturn]] void refuse(const std::vector<std::string>& problems, const std::string& what)
{
    std::string message = std::to_string(problems.size()) + " row(s) cannot be imported, so nothing was " + what +
                          ":";
    for (std::size_t i = 0; i < problems.size() && i < 20; ++i)
        message += "\n  " + problems[i];
    if (problems.size() > 20)
        message += "\n  ... and " + std::to_string(problems.size() - 20) + " more";
    throw InputError(message);
}

/// Every row's values checked on their own (a known status, verdict and reason code) before the
/// ledger is opened; check_verification also normalises them (trimmed, codes lowered), in place.
void check_row_values(VerificationInput& in)
{
    std::vector<std::string> problems;
    for (VerificationRow& r : in.rows)
        for (const std::string& p : check_verification(r.values))
            problems.push_back(row_label(in, r) + ": " + p);
    if (!problems.empty())
        refuse(problems, "imported");
}

/// @brief Which ledger patch each row is about: the ledger's ids, and patch_id → ledger ids
/// through every campaign's observations, so that an activity table of any merged campaign can
/// be imported as it is.
class RowResolver
{
public:
    RowResolver(LedgerStore& store, const std::vector<LedgerPatch>& patches, bool by_patch_id)
      : m_ledger_label(store.label())
    {
        for (std::size_t i = 0; i < patches.size(); ++i)
            m_by_id[patches[i].ledger_id] = i;
        if (by_patch_id)
            for (const LedgerObservation& obs : store.observations())
                if (!obs.patch_id.empty())
                    m_by_patch_id[obs.patch_id].insert(obs.ledger_id);
    }

    /// The index of the row's ledger patch, or nothing with the reason in @p problem.
    /// @param through_patch_id set when the patch was found through the row's patch_id
    std::optional<std::size_t> find(const VerificationRow& r, std::string& problem, bool& through_patch_id) const
    {
        std::string id = r.ledger_id;
        if (id.empty() && !r.patch_id.empty()) {
            const auto found = m_by_patch_id.find(r.patch_id);
            if (found == m_by_patch_id.end()) {
                problem = "patch_id " + r.patch_id +
                          " is in no campaign of the ledger; merge its campaign first (redline ledger merge)";
                return std::nullopt;
            }
            if (found->second.size() > 1) {
                problem = "patch_id " + r.patch_id + " belongs to several ledger patches (" +
                          join_values(std::vector<std::string>(found->second.begin(), found->second.end())) +
                          "); give the ledger_id instead";
                return std::nullopt;
            }
            id = *found->second.begin();
            through_patch_id = true;
        }
        if (id.empty()) {
            problem = "has neither a ledger_id nor a patch_id; say which patch it is about";
            return std::nullopt;
        }
        const auto it = m_by_id.find(id);
        if (it == m_by_id.end()) {
            problem = "ledger_id " + id + " is not in " + m_ledger_label + " (is the table from another ledger?)";
            return std::nullopt;
        }
        return it->second;
    }

private:
    std::string m_ledger_label;
    std::map<std::string, std::size_t> m_by_id;
    std::map<std::string, std::set<std::string>> m_by_patch_id;
};

/// @brief A row that says something about a ledger patch.
struct Assignment
{
    const VerificationRow* row;
    Verification values;
};

/// Each row that says something, given to its ledger patch (by index); two rows that say
/// different things about one patch are a problem, rows that repeat each other are not.
std::map<std::size_t, Assignment> assign_rows(const VerificationInput& in, const RowResolver& resolver,
                                              const std::vector<LedgerPatch>& patches, LedgerImportResult& result,
                                              std::vector<std::string>& problems)
{
    std::map<std::size_t, Assignment> assignments;
    for (const VerificationRow& r : in.rows) {
        if (says_nothing(r.values)) {
            ++result.skipped;
            continue;
        }
        std::string problem;
        bool through_patch_id = false;
        const std::optional<std::size_t> index = resolver.find(r, problem, through_patch_id);
        if (through_patch_id)
            ++result.by_patch_id;
        if (!index) {
            problems.push_back(row_label(in, r) + ": " + problem);
            continue;
        }
        const auto [slot, fresh] = assignments.emplace(*index, Assignment{ &r, r.values });
        if (!fresh && slot->second.values != r.values)
            problems.push_back(row_label(in, r) + ": says something else about " + patches[*index].ledger_id +
                               " than " + slot->second.row->where + "; keep one of the two rows");
    }
    return assignments;
}

/// The row laid over the ledger's values: empty cells leave the ledger's value, so a partly
/// filled table never erases a verdict.
Verification laid_over(const Verification& ledger, const Verification& row)
{
    Verification merged = ledger;
    for (auto [to, from] : { std::pair{ &merged.status, &row.status }, std::pair{ &merged.verdict, &row.verdict },
                             std::pair{ &merged.reason_code, &row.reason_code },
                             std::pair{ &merged.verified_by, &row.verified_by },
                             std::pair{ &merged.verified_on, &row.verified_on },
                             std::pair{ &merged.activity_class, &row.activity_class } })
        if (!from->empty())
            *to = *from;
    // A new verdict other than permitted drops a reason code left from an earlier one.
    if (!row.verdict.empty() && row.verdict != "permitted" && row.reason_code.empty())
        merged.reason_code.clear();
    return merged;
}

/// The verifications that change, by patch index; each checked whole once laid over the ledger's
/// (a verdict and its reason code may come from different rows and tables).
std::vector<std::pair<std::size_t, Verification>> changed_verifications(
    const VerificationInput& in, const std::map<std::size_t, Assignment>& assignments,
    const std::vector<LedgerPatch>& patches, LedgerImportResult& result, std::vector<std::string>& problems)
{
    std::vector<std::pair<std::size_t, Verification>> updates;
    for (const auto& [index, a] : assignments) {
        const Verification merged = laid_over(patches[index].verification, a.values);
        for (const std::string& problem : check_verdict_consistency(merged))
            problems.push_back(row_label(in, *a.row) + ": " + problem);
        if (merged == patches[index].verification)
            ++result.unchanged;
        else
            updates.emplace_back(index, merged);
    }
    return updates;
}

} // namespace

LedgerImportResult run_ledger_import(const LedgerImportOptions& o, const ProgressFn& progress)
{
    if (o.ledger.empty())
        throw InputError("--ledger is required (see redline ledger import --help)");
    if (o.from.empty())
        throw InputError("--from is required: the CSV or GeoPackage the field teams edited");
    step(progress, 0.0, "reading the edited table");
    VerificationInput in = read_verification_rows(o.from, o.layer, "--from");
    LedgerImportResult result;
    result.source_label = in.label;
    result.columns = in.columns;
    result.rows = in.rows.size();
    check_row_values(in);

    step(progress, 0.2, "opening the ledger");
    LedgerStore store(o.ledger, "--ledger", LedgerStore::Mode::update);
    result.ledger_label = store.name();
    store.begin();
    const std::vector<LedgerPatch> patches = store.patches(nullptr);
    const RowResolver resolver(store, patches, in.has_patch_id);

    // Any problem refuses the whole import, after every row was looked at, so that one run lists them all.
    step(progress, 0.5, "checking the rows against the ledger");
    std::vector<std::string> problems;
    const std::map<std::size_t, Assignment> assignments = assign_rows(in, resolver, patches, result, problems);
    if (!problems.empty())
        refuse(problems, "imported");
    const std::vector<std::pair<std::size_t, Verification>> updates =
        changed_verifications(in, assignments, patches, result, problems);
    if (!problems.empty())
        refuse(problems, "imported");

    step(progress, 0.6, "writing the verification");
    std::size_t done = 0;
    for (const auto& [index, merged] : updates) {
        store.set_verification(patches[index].fid, merged);
        ++result.updated;
        if (++done % 32 == 0)
            step(progress, 0.6 + 0.35 * double(done) / double(updates.size()), "writing the verification");
    }
    commit(store, progress, "committing the import");
    return result;
}

// ---- summary ------------------------------------------------------------------------------------

namespace {

void tally_verdict(LedgerTallies& t, const Verification& v, double area)
{
    if (v.verdict == "confirmed")
        t.confirmed.add(area);
    else if (v.verdict == "false_alarm")
        t.false_alarm.add(area);
    else if (v.verdict == "permitted")
        t.permitted.add(area);
    else
        t.unverified.add(area);
}

} // namespace

LedgerSummary run_ledger_summary(const LedgerSummaryOptions& o)
{
    if (o.ledger.empty())
        throw InputError("--ledger is required (see redline ledger summary --help)");
    // The outputs' paths, before the work (bad input, exit status 2; see check_output_path).
    for (const auto& out : { std::make_pair("--json", &o.json_path), std::make_pair("--csv", &o.csv_path) })
        if (!out.second->empty())
            check_output_path(*out.second, out.first);
    LedgerStore store(o.ledger, "--ledger", LedgerStore::Mode::read);
    LedgerSummary s;
    s.ledger_label = store.name();
    const std::vector<LedgerCampaign> campaigns = store.campaigns();
    const std::vector<LedgerPatch> patches = store.patches(nullptr);
    const std::vector<LedgerObservation> observations = store.observations();

    std::map<std::string, const LedgerPatch*> by_id;
    for (const LedgerPatch& p : patches) {
        by_id[p.ledger_id] = &p;
        ++s.patches;
        if (p.classification == change_name(PatchChange::vanished))
            ++s.vanished;
        else
            ++s.present;
        LedgerTallies overall;
        tally_verdict(overall, p.verification, p.area_m2);
        s.confirmed.count += overall.confirmed.count;
        s.confirmed.area_m2 += overall.confirmed.area_m2;
        s.false_alarm.count += overall.false_alarm.count;
        s.false_alarm.area_m2 += overall.false_alarm.area_m2;
        s.permitted.count += overall.permitted.count;
        s.permitted.area_m2 += overall.permitted.area_m2;
        s.unverified.count += overall.unverified.count;
        s.unverified.area_m2 += overall.unverified.area_m2;
        const std::string& status = p.verification.status;
        if (status == "verified")
            ++s.status_verified;
        else if (status == "in_progress")
            ++s.status_in_progress;
        else
            ++s.status_to_verify;
        if (p.verification.verdict == "permitted") {
            const int code = std::atoi(p.verification.reason_code.c_str());
            if (code >= 1 && code <= 10)
                ++s.permitted_by_code[code];
        }
    }

    std::map<std::string, std::size_t> campaign_index;
    for (const LedgerCampaign& c : campaigns) {
        campaign_index[c.campaign] = s.campaigns.size();
        LedgerCampaignSummary cs;
        cs.campaign = c.campaign;
        cs.date = c.campaign_date;
        cs.merged_on = c.merged_on;
        cs.source = c.source;
        s.campaigns.push_back(std::move(cs));
    }
    std::vector<std::map<std::string, LedgerRedlineRow>> rows(s.campaigns.size());
    for (const LedgerObservation& obs : observations) {
        const auto ci = campaign_index.find(obs.campaign);
        if (ci == campaign_index.end())
            continue; // an observation of a campaign whose record was deleted by hand
        LedgerCampaignSummary& cs = s.campaigns[ci->second];
        LedgerRedlineRow& row = rows[ci->second][obs.redline_id];
        row.redline_id = obs.redline_id;
        if (row.redline_name.empty())
            row.redline_name = obs.redline_name;
        const std::optional<PatchChange> change = change_from_name(obs.classification);
        if (!change)
            throw InputError(store.label() + ", layer " + ledger_observations_layer + ", " + obs.ledger_id + " in " +
                             obs.campaign + ": classification '" + obs.classification + "' is not one of new, "
                             "expanded, reduced, unchanged, vanished, reappeared");
        for (LedgerTallies* t : { &cs.total, &row.tallies }) {
            if (*change == PatchChange::vanished) {
                t->by_change[index_of(*change)].add(obs.previous_area_m2);
                continue;
            }
            t->patches.add(obs.area_m2);
            t->by_change[index_of(*change)].add(obs.area_m2);
            const auto p = by_id.find(obs.ledger_id);
            tally_verdict(*t, p == by_id.end() ? Verification{} : p->second->verification, obs.area_m2);
        }
    }
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (auto& kv : rows[i])
            s.campaigns[i].redlines.push_back(std::move(kv.second));
    return s;
}

// ---- export -------------------------------------------------------------------------------------

std::size_t run_ledger_export(const LedgerExportOptions& o)
{
    if (o.ledger.empty())
        throw InputError("--ledger is required (see redline ledger export --help)");
    if (o.out.empty())
        throw InputError("--out is required: a .gpkg (with outlines) or .csv (without) for the field teams");
    const std::string lower = to_lower(o.out);
    const bool gpkg = lower.size() > 5 && lower.compare(lower.size() - 5, 5, ".gpkg") == 0;
    const bool csv = lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".csv") == 0;
    if (!gpkg && !csv)
        throw InputError("--out " + o.out + ": give a .gpkg (with outlines) or a .csv (without) file name");
    if (canonical_path(o.out) == canonical_path(o.ledger))
        throw InputError("--out " + o.out + ": is the ledger itself; give another file name");
    check_output_path(o.out, "--out"); // before the work: bad input (exit status 2)
    LedgerStore store(o.ledger, "--ledger", LedgerStore::Mode::read);
    const std::vector<LedgerPatch> patches = store.patches(nullptr);
    if (gpkg) {
        store.export_patches(o.out, "--out");
        return patches.size();
    }
    // The verification columns come first, beside the id: the ones a field team fills in.
    CsvTable table;
    table.columns = { "ledger_id",    "status",        "verdict",        "reason_code",   "verified_by",
                      "verified_on",  "activity_class", "redline_id",    "redline_name",  "zone_id",
                      "zone_name",    "classification", "first_campaign", "last_campaign", "last_seen",
                      "observations", "patch_id",       "area_m2",       "previous_area_m2", "change_type",
                      "lon",          "lat" };
    for (const LedgerPatch& p : patches) {
        const Verification& v = p.verification;
        table.rows.push_back({ p.ledger_id, v.status, v.verdict, v.reason_code, v.verified_by, v.verified_on,
                               v.activity_class, p.redline_id, p.redline_name, p.zone_id, p.zone_name,
                               p.classification, p.first_campaign, p.last_campaign, p.last_seen,
                               std::to_string(p.observations), p.patch_id, fixed(p.area_m2, 2),
                               fixed(p.previous_area_m2, 2), p.change_type, fixed(p.lon, 7), fixed(p.lat, 7) });
    }
    write_csv(table, o.out, "--out");
    return patches.size();
}

} // namespace redline
