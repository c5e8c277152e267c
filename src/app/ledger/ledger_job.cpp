#include "ledger/ledger_job.h"

#include "atomic_file.h"
#include "error.h"
#include "ledger_store.h"
#include "polygon_ops.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"
#include "utc_timestamp.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <numeric>
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

} // namespace

LedgerMergeResult run_ledger_merge(const LedgerMergeOptions& o, const GeosContext& ctx, const ProgressFn& progress)
{
    check_merge_options(o);
    LedgerMergeResult result;
    result.campaign = o.campaign;

    // The campaign is read and checked whole before the ledger is opened: bad input never
    // touches the ledger, not even its file's bytes.
    step(progress, 0.0, "reading the campaign's patches");
    CampaignInput input = read_campaign_patches(o.patches, o.patches_layer, "--patches");
    result.warnings = input.warnings;

    step(progress, 0.15, "opening the ledger");
    LedgerStore store(o.ledger, "--ledger", LedgerStore::Mode::create_if_missing, input.srs.get());
    result.ledger_label = store.name();
    result.created = store.created();
    store.begin();

    const std::vector<LedgerCampaign> campaigns = store.campaigns();
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

    step(progress, 0.2, "reading the ledger");
    std::vector<LedgerPatch> ledger = store.patches(&ctx);
    std::set<std::string> ids;
    for (const LedgerPatch& p : ledger)
        ids.insert(p.ledger_id);

    // The campaign's patches in patch_id order, in the ledger's CRS: the order decides ties in the
    // matching and the sequence of new ids, so equal inputs give equal ledgers in any datasource.
    std::vector<std::size_t> order(input.patches.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return input.patches[a].patch_id < input.patches[b].patch_id;
    });
    std::vector<GeomPtr> outlines;
    std::vector<ObservedShape> observed;
    for (std::size_t k : order) {
        const CampaignPatch& p = input.patches[k];
        const std::string where = input.label + ", patch_id " + p.patch_id;
        GeomPtr g = store.to_ledger_crs(*p.geometry, *input.srs, ctx, where);
        std::string reason;
        if (!is_valid(ctx, g.get(), reason)) {
            g = repair_polygon(ctx, g.get());
            ++result.repaired;
            if (GEOSisEmpty_r(ctx.handle(), g.get()))
                throw InputError(where + ": its outline is invalid (" + reason +
                                 ") and encloses no area once repaired; fix or delete the feature");
        } else {
            g = polygonal_part(ctx, g.get());
        }
        observed.push_back(ObservedShape{ g.get(), p.area_m2 });
        outlines.push_back(std::move(g));
    }
    if (result.repaired)
        result.warnings.push_back(input.label + ": " + std::to_string(result.repaired) +
                                  " invalid outline(s) repaired (GEOS MakeValid) before matching");

    step(progress, 0.3, "matching the patches to the ledger");
    std::vector<LedgerShape> shapes;
    for (const LedgerPatch& p : ledger)
        shapes.push_back(LedgerShape{ p.geometry.get(), p.area_m2, p.classification == change_name(PatchChange::vanished) });
    const CampaignMatch match = match_campaign(ctx, shapes, observed, o.rules);

    // A copy of the previous campaign merged again under a new name would make every patch
    // "unchanged": say so, since the ledger cannot tell.
    if (!campaigns.empty() && !input.patches.empty()) {
        std::set<std::string> latest;
        for (const LedgerPatch& p : ledger)
            if (p.last_seen == campaigns.back().campaign)
                latest.insert(p.patch_id);
        std::set<std::string> now;
        for (const CampaignPatch& p : input.patches)
            now.insert(p.patch_id);
        if (latest == now)
            result.warnings.push_back("every patch_id of " + input.label + " is one of campaign " +
                                      campaigns.back().campaign + ", and no other: is it the same campaign again?");
    }

    step(progress, 0.4, "writing the ledger");
    std::size_t sequence = 0;
    auto next_id = [&]() {
        std::string id;
        do
            id = make_ledger_id(o.campaign, ++sequence);
        while (ids.count(id));
        ids.insert(id);
        return id;
    };
    const std::size_t total_writes = order.size() + match.vanished.size();
    std::size_t written = 0;
    auto written_one = [&]() {
        ++written;
        if (written % 32 == 0)
            step(progress, 0.4 + 0.55 * double(written) / double(std::max<std::size_t>(total_writes, 1)),
                 "writing the ledger");
    };
    for (std::size_t k = 0; k < order.size(); ++k) {
        const CampaignPatch& p = input.patches[order[k]];
        const ObservationMatch& m = match.observed[k];
        LedgerObservation obs;
        obs.campaign = o.campaign;
        obs.campaign_date = o.date;
        obs.patch_id = p.patch_id;
        obs.redline_id = p.redline_id;
        obs.redline_name = p.redline_name;
        obs.zone_id = p.zone_id;
        obs.zone_name = p.zone_name;
        obs.classification = change_name(m.change);
        obs.area_m2 = p.area_m2;
        obs.overlap = m.overlap;
        obs.change_type = p.change_type;
        obs.lon = p.lon;
        obs.lat = p.lat;
        obs.score = p.score;
        obs.confidence = p.confidence;
        obs.geometry = outlines[k].get();

        LedgerPatch fresh;
        LedgerPatch& lp = m.ledger ? ledger[*m.ledger] : fresh;
        if (m.ledger) {
            lp.previous_area_m2 = lp.area_m2;
            ++lp.observations;
        } else {
            lp.ledger_id = next_id();
            lp.first_campaign = o.campaign;
            lp.observations = 1;
            lp.verification.status = "to_verify";
        }
        obs.ledger_id = lp.ledger_id;
        obs.previous_area_m2 = lp.previous_area_m2;
        store.add_observation(obs, ctx);

        // The outline and the attributes follow the latest observation; the verification stays.
        lp.redline_id = p.redline_id;
        lp.redline_name = p.redline_name;
        lp.zone_id = p.zone_id;
        lp.zone_name = p.zone_name;
        lp.classification = change_name(m.change);
        lp.last_campaign = o.campaign;
        lp.last_seen = o.campaign;
        lp.patch_id = p.patch_id;
        lp.area_m2 = p.area_m2;
        lp.change_type = p.change_type;
        lp.lon = p.lon;
        lp.lat = p.lat;
        lp.geometry = std::move(outlines[k]);
        if (m.ledger)
            store.update_patch(lp, ctx);
        else
            store.add_patch(lp, ctx);
        result.by_change[index_of(m.change)].add(p.area_m2);
        ++result.patches;
        result.area_m2 += p.area_m2;
        if (!m.ledger)
            ++result.ledger_patches; // counted with the old ones below
        written_one();
    }
    for (std::size_t j : match.vanished) {
        LedgerPatch& lp = ledger[j];
        // A vanished patch keeps its last outline and area: where to check the restoration on the ground.
        lp.classification = change_name(PatchChange::vanished);
        lp.last_campaign = o.campaign;
        lp.previous_area_m2 = lp.area_m2;
        LedgerObservation obs;
        obs.ledger_id = lp.ledger_id;
        obs.campaign = o.campaign;
        obs.campaign_date = o.date;
        obs.redline_id = lp.redline_id;
        obs.redline_name = lp.redline_name;
        obs.zone_id = lp.zone_id;
        obs.zone_name = lp.zone_name;
        obs.classification = lp.classification;
        obs.previous_area_m2 = lp.area_m2;
        obs.lon = lp.lon;
        obs.lat = lp.lat;
        store.add_observation(obs, ctx);
        store.update_patch(lp, ctx);
        result.by_change[index_of(PatchChange::vanished)].add(lp.area_m2);
        written_one();
    }
    result.ledger_patches += ledger.size();
    for (const LedgerPatch& p : ledger)
        if (p.classification == change_name(PatchChange::vanished))
            ++result.ledger_vanished;

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
    store.add_campaign(record);

    // The last moment an interruption can still undo everything.
    step(progress, 0.96, "committing the merge");
    store.commit();
    if (progress)
        progress(1.0, "done");
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

    std::vector<std::string> problems;
    for (VerificationRow& r : in.rows)
        for (const std::string& p : check_verification(r.values))
            problems.push_back(row_label(in, r) + ": " + p);
    if (!problems.empty())
        refuse(problems, "imported");

    step(progress, 0.2, "opening the ledger");
    LedgerStore store(o.ledger, "--ledger", LedgerStore::Mode::update);
    result.ledger_label = store.name();
    store.begin();
    const std::vector<LedgerPatch> patches = store.patches(nullptr);
    std::map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < patches.size(); ++i)
        by_id[patches[i].ledger_id] = i;
    // patch_id → ledger ids, through every campaign's observations: an activity table of any
    // merged campaign can be imported as it is.
    std::map<std::string, std::set<std::string>> by_patch_id;
    if (in.has_patch_id)
        for (const LedgerObservation& obs : store.observations())
            if (!obs.patch_id.empty())
                by_patch_id[obs.patch_id].insert(obs.ledger_id);

    step(progress, 0.5, "checking the rows against the ledger");
    struct Assignment
    {
        const VerificationRow* row;
        Verification values;
    };
    std::map<std::size_t, Assignment> assignments;
    for (const VerificationRow& r : in.rows) {
        if (says_nothing(r.values)) {
            ++result.skipped;
            continue;
        }
        std::string id = r.ledger_id;
        if (id.empty() && !r.patch_id.empty()) {
            const auto found = by_patch_id.find(r.patch_id);
            if (found == by_patch_id.end()) {
                problems.push_back(row_label(in, r) + ": patch_id " + r.patch_id +
                                   " is in no campaign of the ledger; merge its campaign first (redline ledger merge)");
                continue;
            }
            if (found->second.size() > 1) {
                problems.push_back(row_label(in, r) + ": patch_id " + r.patch_id + " belongs to several ledger patches (" +
                                   join_values(std::vector<std::string>(found->second.begin(), found->second.end())) +
                                   "); give the ledger_id instead");
                continue;
            }
            id = *found->second.begin();
            ++result.by_patch_id;
        }
        if (id.empty()) {
            problems.push_back(row_label(in, r) + ": has neither a ledger_id nor a patch_id; say which patch it is about");
            continue;
        }
        const auto it = by_id.find(id);
        if (it == by_id.end()) {
            problems.push_back(row_label(in, r) + ": ledger_id " + id + " is not in " + store.label() +
                               " (is the table from another ledger?)");
            continue;
        }
        const auto [slot, fresh] = assignments.emplace(it->second, Assignment{ &r, r.values });
        if (!fresh && slot->second.values != r.values)
            problems.push_back(row_label(in, r) + ": says something else about " + id + " than " +
                               slot->second.row->where + "; keep one of the two rows");
    }
    if (!problems.empty())
        refuse(problems, "imported");

    // Each row laid over the ledger's values: empty cells leave the ledger's value, so a partly
    // filled table never erases a verdict.
    std::vector<std::pair<std::size_t, Verification>> updates;
    for (const auto& [index, a] : assignments) {
        const LedgerPatch& p = patches[index];
        Verification merged = p.verification;
        const Verification& v = a.values;
        for (auto [to, from] : { std::pair{ &merged.status, &v.status }, std::pair{ &merged.verdict, &v.verdict },
                                 std::pair{ &merged.reason_code, &v.reason_code },
                                 std::pair{ &merged.verified_by, &v.verified_by },
                                 std::pair{ &merged.verified_on, &v.verified_on },
                                 std::pair{ &merged.activity_class, &v.activity_class } })
            if (!from->empty())
                *to = *from;
        // A new verdict other than permitted drops a reason code left from an earlier one.
        if (!v.verdict.empty() && v.verdict != "permitted" && v.reason_code.empty())
            merged.reason_code.clear();
        for (const std::string& problem : check_verdict_consistency(merged))
            problems.push_back(row_label(in, *a.row) + ": " + problem);
        if (merged == p.verification)
            ++result.unchanged;
        else
            updates.emplace_back(index, merged);
    }
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
    step(progress, 0.96, "committing the import");
    store.commit();
    if (progress)
        progress(1.0, "done");
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
