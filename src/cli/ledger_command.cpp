// `redline ledger`: merge / import / summary / export; options to the ledger job's structs, and
// the printed report.
#include "commands.h"
#include "error.h"
#include "ledger/ledger_outputs.h"
#include "option_helpers.h"
#include "text.h"

#include <cstdint>
#include <cstdio>
#include <iostream>

namespace redline::cli {

namespace {

const char* const usage = R"(redline ledger: the patch ledger (台账) of suspected human activity across monitoring campaigns

Usage: redline ledger merge   --ledger LEDGER --patches ACTIVITY.gpkg --campaign NAME [--date YYYY-MM-DD]
       redline ledger import  --ledger LEDGER --from EDITED.csv|EDITED.gpkg [--layer NAME]
       redline ledger summary --ledger LEDGER [--json FILE] [--csv FILE]
       redline ledger export  --ledger LEDGER --out FILE.gpkg|FILE.csv

The ledger keeps every patch `redline activity` finds, campaign after campaign, under a stable id
(L + the campaign that found it + a sequence: L2024Q1-0007), with its latest outline, what became
of it in each campaign (new 新增, expanded 扩大, reduced 减少, unchanged, vanished 消失/恢复,
reappeared 复现) and the field teams' verification (status, verdict, reason code), which a merge
never touches. LEDGER is a GeoPackage (created by the first merge) or any OGR datasource with
transactions, such as PostGIS: PG:"host=... dbname=... user=...". Merges and imports are
transactions: when one fails or is interrupted, the ledger is left as it was.

Run `redline ledger COMMAND --help` for a command's options and examples.
Exit status: 0 done, 2 bad input, 3 the ledger or an output could not be written, 4 out of memory,
5 internal error (after a failure the ledger is unchanged), 130 interrupted (the ledger unchanged).
)";

const char* const merge_usage = R"(redline ledger merge: add a campaign's patches to the ledger

Usage: redline ledger merge --ledger LEDGER --patches ACTIVITY.gpkg --campaign NAME [--date YYYY-MM-DD]
                            [--patches-layer activity_patches] [--min-overlap 0.2] [--area-change 0.2]

Each patch of the campaign is matched to the ledger's patches by overlap: a pair is a candidate
when their intersection covers at least --min-overlap of the smaller one, and pairs are taken
largest intersection first, each patch at most once. A matched patch keeps its ledger id and is
  expanded   its area grew by more than --area-change (20 %),
  reduced    its area shrank by more than --area-change,
  unchanged  otherwise, or
  reappeared when the ledger patch had vanished in an earlier campaign;
an unmatched patch is new (a new id), and a ledger patch no patch matched has vanished. The
ledger patch's outline and area follow the latest observation; ledger_observations keeps every
campaign's. A campaign is merged once: merging a campaign name again is refused, and so is a
--date earlier than a campaign already merged.

Examples:
  redline activity --before S2_2023.tif --after S2_2024.tif --sensor sentinel2_l2a --redline redline.shp \
      --out patches_2024Q1.gpkg
  redline ledger merge --ledger ledger.gpkg --patches patches_2024Q1.gpkg --campaign 2024Q1 --date 2024-03-31

  # a ledger the bureau's staff edit together, in PostGIS
  redline ledger merge --ledger PG:"host=gis.example dbname=redline user=gis" \
      --patches patches_2024Q2.gpkg --campaign 2024Q2 --date 2024-06-30
)";

const char* const import_usage = R"(redline ledger import: bring the field teams' verification into the ledger

Usage: redline ledger import --ledger LEDGER --from EDITED.csv|EDITED.gpkg [--layer NAME]

The table is the ledger's own export (rows keyed by ledger_id) or `redline activity`'s CSV or
GeoPackage of a merged campaign (rows keyed by patch_id, found through ledger_observations).
Its columns status, verdict, reason_code, verified_by, verified_on, activity_class are imported;
empty cells leave the ledger's value, and rows that say only `to_verify` are skipped. Allowed values:
  status          to_verify, in_progress, verified (a verdict with status empty or to_verify: verified)
  verdict         confirmed (违法违规属实), false_alarm (误报), permitted (允许的有限人为活动)
  reason_code     with verdict permitted: the category of permitted activity, 1 to 10
                  (自然资发〔2022〕142号):
%s  verified_on     YYYY-MM-DD
  activity_class  mining, industry, energy, tourism, transport, aquaculture_farming, settlement, other
Any bad row refuses the whole import (every bad row is listed); nothing is half-imported.

Examples:
  redline ledger export --ledger ledger.gpkg --out field_2024Q1.csv     # to the field teams
  redline ledger import --ledger ledger.gpkg --from field_2024Q1.csv    # their edits back
  redline ledger import --ledger ledger.gpkg --from patches_2024Q1.csv  # or the activity CSV itself
)";

const char* const summary_usage = R"(redline ledger summary: counts and areas per campaign and red-line polygon

Usage: redline ledger summary --ledger LEDGER [--json FILE] [--csv FILE]

For each campaign and each red-line polygon: patches observed, and counts and areas by
classification (new, expanded, reduced, unchanged, reappeared; vanished with the area they had)
and by verdict (the patches' current verdicts: confirmed, false_alarm, permitted, unverified).

Example:
  redline ledger summary --ledger ledger.gpkg --csv ledger_summary.csv --json ledger_summary.json
)";

const char* const export_usage = R"(redline ledger export: the ledger's current patches, for the field teams

Usage: redline ledger export --ledger LEDGER --out FILE.gpkg|FILE.csv

A GeoPackage keeps the outlines (layer ledger_patches); a CSV (UTF-8 with BOM, for Excel) has
lon/lat to navigate to and the verification columns beside the ledger_id. Either comes back
with `redline ledger import --from`.

Example:
  redline ledger export --ledger ledger.gpkg --out field_teams.gpkg
)";

std::string permitted_lines()
{
    std::string out;
    for (const PermittedCategory& c : permitted_categories()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%18s%2d  ", "", c.code);
        out += std::string(buf) + c.label + "\n";
    }
    return out;
}

/// Columns @p text takes on a terminal: CJK characters take two (printf's widths count bytes).
std::size_t display_width(const std::string& text)
{
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        std::uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
        for (std::size_t k = 1; k < n && i + k < text.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        width += cp >= 0x2E80 && cp <= 0xFFEF ? 2 : 1;
        i += n;
    }
    return width;
}

/// @p text cut (at a character boundary, with "…") or padded with spaces to @p width columns.
std::string fit(const std::string& text, std::size_t width)
{
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        const std::string ch = text.substr(i, n);
        const std::size_t w = display_width(ch);
        if (used + w > width - (i + n < text.size() ? 1 : 0) && display_width(text) > width) {
            out += "…";
            ++used;
            break;
        }
        out += ch;
        used += w;
        i += n;
    }
    return out + std::string(used < width ? width - used : 0, ' ');
}

void print_help(const std::string& text, const po::options_description& options)
{
    std::cout << text << "\n" << options << std::flush;
}

void add_general(po::options_description& d)
{
    d.add_options()("quiet,q", "no progress")("help,h", "this help");
}

void print_tally(const char* name, const char* zh, const PatchTally& t, const char* note = "")
{
    std::printf("  %s %s %6lld patches %12.4f ha%s\n", fit(name, 11).c_str(), fit(zh, 6).c_str(),
                static_cast<long long>(t.count), t.area_m2 / 1e4, note);
}

int merge(const std::vector<std::string>& args)
{
    po::options_description d("Options");
    d.add_options()("ledger", po::value<std::string>()->value_name("LEDGER"),
                    "the ledger: a GeoPackage (created if missing) or PG:\"dbname=... host=...\" (required)")(
      "patches", po::value<std::string>()->value_name("GPKG"), "the campaign's patches from redline activity (required)")(
      "patches-layer", po::value<std::string>()->value_name("NAME"), "their layer (default: activity_patches)")(
      "campaign", po::value<std::string>()->value_name("NAME"), "the campaign's name, e.g. 2024Q1 (required)")(
      "date", po::value<std::string>()->value_name("YYYY-MM-DD"), "the campaign's date (imagery or report date)")(
      "min-overlap", po::value<double>()->default_value(0.2)->value_name("F"),
      "least intersection, as a fraction of the smaller patch, for two patches to be the same")(
      "area-change", po::value<double>()->default_value(0.2)->value_name("F"),
      "relative area change beyond which a patch is expanded or reduced");
    add_general(d);
    po::variables_map vm;
    parse_options(args, d, nullptr, vm);
    if (vm.count("help")) {
        print_help(merge_usage, d);
        return 0;
    }
    LedgerMergeOptions o;
    o.ledger = get(vm, "ledger");
    o.patches = get(vm, "patches");
    o.patches_layer = get(vm, "patches-layer");
    o.campaign = get(vm, "campaign");
    if (!vm.count("campaign"))
        throw InputError("--campaign is required: the campaign's name, e.g. 2024Q1 (see redline ledger merge --help)");
    o.date = get(vm, "date");
    o.rules.min_overlap = vm["min-overlap"].as<double>();
    o.rules.area_change = vm["area-change"].as<double>();

    const GeosContext ctx;
    ProgressPrinter progress(vm.count("quiet") > 0);
    const LedgerMergeResult r = run_ledger_merge(o, ctx, std::ref(progress));

    std::printf("Campaign %s%s merged into %s%s: %zu patches, %.4f ha.\n", r.campaign.c_str(),
                o.date.empty() ? "" : (" (" + o.date + ")").c_str(), r.ledger_label.c_str(),
                r.created ? " (a new ledger)" : "", r.patches, r.area_m2 / 1e4);
    for (PatchChange c : all_changes())
        if (c != PatchChange::vanished)
            print_tally(change_name(c), change_label_zh(c), r.by_change[static_cast<int>(c)]);
    print_tally("vanished", "消失", r.by_change[static_cast<int>(PatchChange::vanished)], " (their last area)");
    std::printf("The ledger holds %zu patches, %zu of them vanished.\n", r.ledger_patches, r.ledger_vanished);
    for (const auto& w : r.warnings)
        std::printf("Warning: %s\n", w.c_str());
    return 0;
}

int import(const std::vector<std::string>& args)
{
    po::options_description d("Options");
    d.add_options()("ledger", po::value<std::string>()->value_name("LEDGER"), "the ledger (required)")(
      "from", po::value<std::string>()->value_name("FILE"), "the edited CSV or GeoPackage (required)")(
      "layer", po::value<std::string>()->value_name("NAME"),
      "its layer (default: the only one, else ledger_patches, else activity_patches)");
    add_general(d);
    po::variables_map vm;
    parse_options(args, d, nullptr, vm);
    if (vm.count("help")) {
        std::string text(import_usage);
        const std::size_t at = text.find("%s");
        text.replace(at, 2, permitted_lines());
        print_help(text, d);
        return 0;
    }
    LedgerImportOptions o;
    o.ledger = get(vm, "ledger");
    o.from = get(vm, "from");
    o.layer = get(vm, "layer");
    ProgressPrinter progress(vm.count("quiet") > 0);
    const LedgerImportResult r = run_ledger_import(o, std::ref(progress));
    std::printf("Imported %s into %s: %zu rows (columns %s); %zu patches updated, %zu already as given, %zu rows "
                "with nothing to import.\n",
                r.source_label.c_str(), r.ledger_label.c_str(), r.rows, join_values(r.columns).c_str(), r.updated,
                r.unchanged, r.skipped);
    if (r.by_patch_id)
        std::printf("%zu row(s) found through their patch_id in the ledger's observations.\n", r.by_patch_id);
    return 0;
}

void print_tally_table(const LedgerCampaignSummary& c)
{
    auto cell = [](const PatchTally& t) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%4lld %8.2f", static_cast<long long>(t.count), t.area_m2 / 1e4);
        return std::string(buf);
    };
    auto name_of = [](const std::string& id, const std::string& name) {
        std::string s = id + (name.empty() ? "" : " " + name);
        return s;
    };
    const std::size_t first = 34;
    std::printf("  %s", fit("by classification (n, ha)", first).c_str());
    for (PatchChange ch : all_changes())
        std::printf(" %13s", change_name(ch));
    std::printf("\n");
    auto classification_row = [&](const std::string& label, const LedgerTallies& t) {
        std::printf("  %s", fit(label, first).c_str());
        for (PatchChange ch : all_changes())
            std::printf(" %13s", cell(t.by_change[static_cast<int>(ch)]).c_str());
        std::printf("\n");
    };
    for (const LedgerRedlineRow& r : c.redlines)
        classification_row(name_of(r.redline_id, r.redline_name), r.tallies);
    classification_row("all", c.total);
    std::printf("  %s %13s %13s %13s %13s %13s\n", fit("by verdict (n, ha)", first).c_str(), "patches", "confirmed",
                "false_alarm", "permitted", "unverified");
    auto verdict_row = [&](const std::string& label, const LedgerTallies& t) {
        std::printf("  %s %13s %13s %13s %13s %13s\n", fit(label, first).c_str(), cell(t.patches).c_str(),
                    cell(t.confirmed).c_str(), cell(t.false_alarm).c_str(), cell(t.permitted).c_str(),
                    cell(t.unverified).c_str());
    };
    for (const LedgerRedlineRow& r : c.redlines)
        verdict_row(name_of(r.redline_id, r.redline_name), r.tallies);
    verdict_row("all", c.total);
}

int summary(const std::vector<std::string>& args)
{
    po::options_description d("Options");
    d.add_options()("ledger", po::value<std::string>()->value_name("LEDGER"), "the ledger (required)")(
      "json", po::value<std::string>()->value_name("FILE"), "the summary as JSON")(
      "csv", po::value<std::string>()->value_name("FILE"), "one row per campaign and red-line polygon (UTF-8, BOM)");
    d.add_options()("help,h", "this help");
    po::variables_map vm;
    parse_options(args, d, nullptr, vm);
    if (vm.count("help")) {
        print_help(summary_usage, d);
        return 0;
    }
    LedgerSummaryOptions o;
    o.ledger = get(vm, "ledger");
    o.json_path = get(vm, "json");
    o.csv_path = get(vm, "csv");
    const LedgerSummary s = run_ledger_summary(o);
    write_ledger_summary(s, o);

    std::printf("Ledger %s: %zu campaign(s), %zu patches (%zu present, %zu vanished).\n", s.ledger_label.c_str(),
                s.campaigns.size(), s.patches, s.present, s.vanished);
    std::printf("Verification: %lld to_verify, %lld in_progress, %lld verified; verdicts: %lld confirmed, "
                "%lld false_alarm, %lld permitted, %lld without a verdict.\n",
                (long long)s.status_to_verify, (long long)s.status_in_progress, (long long)s.status_verified,
                (long long)s.confirmed.count, (long long)s.false_alarm.count, (long long)s.permitted.count,
                (long long)s.unverified.count);
    if (s.permitted.count) {
        std::printf("Permitted, by reason code:");
        for (int code = 1; code <= 10; ++code)
            if (s.permitted_by_code[code])
                std::printf(" %d: %lld", code, (long long)s.permitted_by_code[code]);
        std::printf("\n");
    }
    for (const LedgerCampaignSummary& c : s.campaigns) {
        std::printf("\nCampaign %s%s: %lld patches, %.4f ha\n", c.campaign.c_str(),
                    c.date.empty() ? "" : (" (" + c.date + ")").c_str(), (long long)c.total.patches.count,
                    c.total.patches.area_m2 / 1e4);
        print_tally_table(c);
    }
    if (!o.json_path.empty() || !o.csv_path.empty()) {
        std::printf("\nWrote:");
        for (const auto* p : { &o.json_path, &o.csv_path })
            if (!p->empty())
                std::printf(" %s", p->c_str());
        std::printf("\n");
    }
    return 0;
}

int export_patches(const std::vector<std::string>& args)
{
    po::options_description d("Options");
    d.add_options()("ledger", po::value<std::string>()->value_name("LEDGER"), "the ledger (required)")(
      "out", po::value<std::string>()->value_name("FILE"), "FILE.gpkg (with outlines) or FILE.csv (required)");
    d.add_options()("help,h", "this help");
    po::variables_map vm;
    parse_options(args, d, nullptr, vm);
    if (vm.count("help")) {
        print_help(export_usage, d);
        return 0;
    }
    LedgerExportOptions o;
    o.ledger = get(vm, "ledger");
    o.out = get(vm, "out");
    const std::size_t n = run_ledger_export(o);
    std::printf("Wrote %zu ledger patches to %s.\n", n, o.out.c_str());
    return 0;
}

} // namespace

int ledger_command(const std::vector<std::string>& args)
{
    if (args.empty()) {
        std::fputs(usage, stdout);
        return 2;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "--help" || sub == "-h" || sub == "help") {
        std::fputs(usage, stdout);
        return 0;
    }
    if (sub == "merge")
        return merge(rest);
    if (sub == "import")
        return import(rest);
    if (sub == "summary")
        return summary(rest);
    if (sub == "export")
        return export_patches(rest);
    throw InputError("unknown ledger command '" + sub + "'; the commands are merge, import, summary, export "
                     "(redline ledger --help)");
}

} // namespace redline::cli
