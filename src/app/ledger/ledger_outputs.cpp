#include "ledger/ledger_outputs.h"

#include "atomic_file.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"

namespace redline {

namespace {

std::size_t index_of(PatchChange c)
{
    return static_cast<std::size_t>(c);
}

void json_tally(JsonWriter& j, const std::string& key, const PatchTally& t)
{
    j.key(key).begin_object().field("count", t.count).field("area_m2", t.area_m2, 2).end_object();
}

void json_tallies(JsonWriter& j, const LedgerTallies& t)
{
    j.field("patches", t.patches.count).field("area_m2", t.patches.area_m2, 2);
    j.key("classification").begin_object();
    for (PatchChange c : all_changes())
        json_tally(j, change_name(c), t.by_change[index_of(c)]);
    j.end_object();
    j.key("verdict").begin_object();
    json_tally(j, "confirmed", t.confirmed);
    json_tally(j, "false_alarm", t.false_alarm);
    json_tally(j, "permitted", t.permitted);
    json_tally(j, "unverified", t.unverified);
    j.end_object();
}

std::vector<std::string> csv_cells(const LedgerTallies& t)
{
    std::vector<std::string> cells{ std::to_string(t.patches.count), fixed(t.patches.area_m2, 2) };
    for (PatchChange c : all_changes()) {
        cells.push_back(std::to_string(t.by_change[index_of(c)].count));
        cells.push_back(fixed(t.by_change[index_of(c)].area_m2, 2));
    }
    for (const PatchTally* v : { &t.confirmed, &t.false_alarm, &t.permitted, &t.unverified }) {
        cells.push_back(std::to_string(v->count));
        cells.push_back(fixed(v->area_m2, 2));
    }
    return cells;
}

} // namespace

std::string ledger_summary_json(const LedgerSummary& s)
{
    JsonWriter j;
    j.begin_object();
    j.field("ledger", s.ledger_label);
    j.field("version", REDLINE_VERSION);
    j.key("patches").begin_object();
    j.field("total", s.patches).field("present", s.present).field("vanished", s.vanished);
    j.key("status").begin_object();
    j.field("to_verify", s.status_to_verify).field("in_progress", s.status_in_progress).field("verified", s.status_verified);
    j.end_object();
    j.key("verdict").begin_object();
    json_tally(j, "confirmed", s.confirmed);
    json_tally(j, "false_alarm", s.false_alarm);
    json_tally(j, "permitted", s.permitted);
    json_tally(j, "unverified", s.unverified);
    j.end_object();
    j.key("permitted_by_reason_code").begin_object();
    for (int code = 1; code <= 10; ++code)
        j.field(std::to_string(code), s.permitted_by_code[code]);
    j.end_object();
    j.end_object();
    j.key("campaigns").begin_array();
    for (const LedgerCampaignSummary& c : s.campaigns) {
        j.begin_object();
        j.field("campaign", c.campaign).field("date", c.date).field("merged_on", c.merged_on).field("source", c.source);
        j.key("total").begin_object();
        json_tallies(j, c.total);
        j.end_object();
        j.key("redlines").begin_array();
        for (const LedgerRedlineRow& r : c.redlines) {
            j.begin_object();
            j.field("redline_id", r.redline_id).field("redline_name", r.redline_name);
            json_tallies(j, r.tallies);
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    j.end_object();
    return j.str();
}

void write_ledger_summary(const LedgerSummary& s, const LedgerSummaryOptions& o)
{
    if (!o.csv_path.empty()) {
        CsvTable table;
        table.columns = { "campaign", "campaign_date", "redline_id", "redline_name", "patches", "area_m2" };
        for (PatchChange c : all_changes()) {
            table.columns.push_back(std::string(change_name(c)));
            table.columns.push_back(std::string(change_name(c)) + "_m2");
        }
        for (const char* v : { "confirmed", "false_alarm", "permitted", "unverified" }) {
            table.columns.push_back(v);
            table.columns.push_back(std::string(v) + "_m2");
        }
        for (const LedgerCampaignSummary& c : s.campaigns) {
            for (const LedgerRedlineRow& r : c.redlines) {
                std::vector<std::string> row{ c.campaign, c.date, r.redline_id, r.redline_name };
                for (std::string& cell : csv_cells(r.tallies))
                    row.push_back(std::move(cell));
                table.rows.push_back(std::move(row));
            }
            // The campaign's total: the row a spreadsheet's filter on redline_id "*" finds.
            std::vector<std::string> row{ c.campaign, c.date, "*", "all red-line polygons" };
            for (std::string& cell : csv_cells(c.total))
                row.push_back(std::move(cell));
            table.rows.push_back(std::move(row));
        }
        write_csv(table, o.csv_path, "--csv");
    }
    if (!o.json_path.empty())
        write_file_atomically(o.json_path, ledger_summary_json(s), "--json");
}

} // namespace redline
