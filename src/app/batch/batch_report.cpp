#include "batch/batch_report.h"

#include "atomic_file.h"
#include "polygon_ops.h"
#include "report_csv.h"
#include "report_json.h"
#include "text.h"
#include "xml_escape.h"

#include <cpl_json.h>

#include <cmath>
#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace redline {

namespace {

void optional_pct(JsonWriter& j, const char* key, const std::optional<double>& v)
{
    j.key(key);
    if (v)
        j.value(*v, 6);
    else
        j.null();
}

std::optional<double> read_optional(const CPLJSONObject& o, const char* key)
{
    const CPLJSONObject v = o.GetObj(key);
    if (!v.IsValid() || v.GetType() == CPLJSONObject::Type::Null)
        return std::nullopt;
    return o.GetDouble(key);
}

std::string html(const std::string& s)
{
    return xml_escape(s, XmlPlace::html);
}

std::string pct(const std::optional<double>& v)
{
    return v ? fixed(*v, 2) + " %" : std::string("–");
}

} // namespace

void unit_summary_json(JsonWriter& j, const UnitSummary& u)
{
    j.begin_object();
    j.field("unit", u.name);
    j.field("status", u.status);
    j.field("error", u.error);
    j.field("exit_status", u.exit_status());
    j.field("district_name", u.district_name);
    j.field("area_m2", u.area_m2, 2);
    optional_pct(j, "redline_pct", u.redline_pct);
    optional_pct(j, "protected_pct", u.protected_pct);
    optional_pct(j, "forest_pct", u.forest_pct);
    j.key("targets").begin_array();
    for (const auto& t : u.targets) {
        j.begin_object();
        j.field("key", t.key);
        j.field("kind", t.kind);
        j.field("target_pct", t.target_pct, 4);
        j.field("actual_pct", t.actual_pct, 6);
        j.field("margin_pp", t.margin_pp, 6);
        j.field("pass", t.pass);
        j.end_object();
    }
    j.end_array();
    j.key("notes").begin_array();
    for (const auto& n : u.notes)
        j.value(n);
    j.end_array();
    j.key("patches");
    if (u.patches)
        j.value(*u.patches);
    else
        j.null();
    j.field("patch_area_m2", u.patch_area_m2, 2);
    j.key("outputs").begin_array();
    for (const auto& o : u.outputs)
        j.value(o);
    j.end_array();
    j.end_object();
}

bool unit_summary_from_json(const std::string& text, UnitSummary& u)
{
    CPLJSONDocument doc;
    if (!doc.LoadMemory(text))
        return false;
    const CPLJSONObject root = doc.GetRoot();
    u.name = root.GetString("unit");
    u.status = root.GetString("status");
    u.error = root.GetString("error");
    // A failed unit's class, as its exit status (2 when a summary without it is read).
    const int status = root.GetInteger("exit_status", 2);
    u.failure = status == 3 ? FailureClass::output
              : status == 4 ? FailureClass::out_of_memory
              : status == 5 ? FailureClass::internal
                            : FailureClass::input;
    u.district_name = root.GetString("district_name");
    u.area_m2 = root.GetDouble("area_m2");
    u.redline_pct = read_optional(root, "redline_pct");
    u.protected_pct = read_optional(root, "protected_pct");
    u.forest_pct = read_optional(root, "forest_pct");
    u.targets.clear();
    for (const CPLJSONObject& t : root.GetArray("targets"))
        u.targets.push_back(UnitTarget{ t.GetString("key"), t.GetString("kind"), t.GetDouble("target_pct"),
                                        t.GetDouble("actual_pct"), t.GetDouble("margin_pp"), t.GetBool("pass") });
    u.notes.clear();
    for (const CPLJSONObject& n : root.GetArray("notes"))
        u.notes.push_back(n.ToString());
    const CPLJSONObject patches = root.GetObj("patches");
    if (patches.IsValid() && patches.GetType() != CPLJSONObject::Type::Null)
        u.patches = std::size_t(root.GetLong("patches"));
    u.patch_area_m2 = root.GetDouble("patch_area_m2");
    u.outputs.clear();
    for (const CPLJSONObject& o : root.GetArray("outputs"))
        u.outputs.push_back(o.ToString());
    return !u.name.empty();
}

void summarise_coverage(const CoverageResult& r, UnitSummary& u)
{
    const UnitResult& d = r.district;
    u.district_name = d.name;
    u.area_m2 = d.area_m2;
    if (d.redline)
        u.redline_pct = d.redline->share_pct;
    if (d.protected_areas)
        u.protected_pct = d.protected_areas->share_pct;
    if (d.forest)
        u.forest_pct = d.forest->share_pct;
    for (const auto& c : d.checks) {
        u.targets.push_back(UnitTarget{ c.check.key, c.check.kind == FigureCheck::Kind::floor ? "target" : "verify",
                                        c.check.percent, c.actual_pct, c.outcome.margin_pp, c.outcome.pass });
        if (c.reconciliation && !c.outcome.pass)
            for (const auto& e : c.reconciliation->explanations)
                u.notes.push_back(c.check.key + ": " + e);
    }
    for (const auto& w : r.warnings)
        u.notes.push_back(w);
}

void summarise_activity(const ActivityResult& r, UnitSummary& u)
{
    u.patches = r.patches.size();
    u.patch_area_m2 = 0;
    for (const auto& p : r.patches)
        u.patch_area_m2 += p.area_m2;
    for (const auto& d : r.disabled)
        u.notes.push_back("activity: " + d);
    for (const auto& w : r.warnings)
        u.notes.push_back("activity: " + w);
}

std::string unit_map_svg(const GeosContext& ctx, const GEOSGeometry* district, const std::vector<const GEOSGeometry*>& zones,
                         const GEOSGeometry* redline, const std::vector<const GEOSGeometry*>& patches)
{
    Box b;
    auto grow = [&](const GEOSGeometry* g) {
        if (g)
            b.expand(bounds(ctx, g));
    };
    grow(district);
    grow(redline);
    for (const auto* g : zones)
        grow(g);
    for (const auto* g : patches)
        grow(g);
    const double width = 640;
    if (b.empty())
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"80\"><text x=\"10\" y=\"40\">no "
               "geometry</text></svg>\n";
    // Equirectangular with the x scale shrunk by cos(latitude), as a map at this latitude looks.
    const double k = std::cos((b.ymin + b.ymax) / 2 * M_PI / 180.0);
    const double sx = width / std::max(1e-9, b.width() * k);
    const double height = std::max(80.0, b.height() * sx);
    auto path = [&](const GEOSGeometry* g) {
        std::string d;
        for (const Ring& ring : to_rings(ctx, g).rings) {
            // Thin dense rings to about a pixel: the report does not need every vertex.
            double last_x = 1e300, last_y = 1e300;
            bool first = true;
            for (const Point& p : ring.points) {
                const double x = (p.x - b.xmin) * k * sx, y = (b.ymax - p.y) * sx;
                if (!first && std::abs(x - last_x) < 0.7 && std::abs(y - last_y) < 0.7)
                    continue;
                d += (first ? "M" : "L") + fixed(x, 1) + " " + fixed(y, 1);
                first = false;
                last_x = x;
                last_y = y;
            }
            d += "Z";
        }
        return d;
    };
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(width, 0) + "\" height=\"" +
                      fixed(height, 0) + "\" viewBox=\"0 0 " + fixed(width, 0) + " " + fixed(height, 0) + "\">\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    for (const auto* z : zones)
        svg += "<path d=\"" + path(z) + "\" fill=\"#f4f8f0\" stroke=\"#b0b0b0\" stroke-width=\"0.6\"/>\n";
    if (redline)
        svg += "<path d=\"" + path(redline) +
               "\" fill=\"#e31a1c\" fill-opacity=\"0.35\" stroke=\"#e31a1c\" stroke-width=\"0.8\" fill-rule=\"evenodd\"/>\n";
    for (const auto* p : patches)
        svg += "<path d=\"" + path(p) + "\" fill=\"#d95f02\" stroke=\"#7f2704\" stroke-width=\"1\"/>\n";
    if (district)
        svg += "<path d=\"" + path(district) + "\" fill=\"none\" stroke=\"#262626\" stroke-width=\"1.6\"/>\n";
    svg += "</svg>\n";
    return svg;
}

namespace {

std::string summary_json(const BatchResult& result, const BatchOptions& options)
{
    JsonWriter j;
    j.begin_object();
    j.field("job_file", options.job_file);
    j.field("exit_status", result.exit_status());
    j.field("interrupted", result.interrupted);
    j.key("units").begin_array();
    for (const auto& u : result.units)
        unit_summary_json(j, u);
    j.end_array();
    j.end_object();
    return j.str();
}

/// One row per unit and target (one row for a unit without targets), the unit's figures repeated:
/// a table that filters and pivots in a spreadsheet without lookups.
CsvTable summary_csv(const BatchResult& result)
{
    CsvTable t;
    t.columns = { "unit", "status", "district", "area_km2", "redline_pct", "protected_pct", "forest_pct",
                  "check", "key", "target_pct", "actual_pct", "margin_pp", "pass", "patches", "error" };
    for (const auto& u : result.units) {
        auto row = [&](const UnitTarget* target) {
            std::vector<std::string> r{ u.name, u.status, u.district_name, fixed(u.area_m2 / 1e6, 6),
                                        u.redline_pct ? fixed(*u.redline_pct, 6) : "",
                                        u.protected_pct ? fixed(*u.protected_pct, 6) : "",
                                        u.forest_pct ? fixed(*u.forest_pct, 6) : "" };
            if (target) {
                r.insert(r.end(), { target->kind, target->key, fixed(target->target_pct, 4),
                                    fixed(target->actual_pct, 6), fixed(target->margin_pp, 6),
                                    target->pass ? "pass" : "fail" });
            } else {
                r.insert(r.end(), { "", "", "", "", "", "" });
            }
            r.push_back(u.patches ? std::to_string(*u.patches) : "");
            r.push_back(u.error);
            t.rows.push_back(r);
        };
        if (u.targets.empty())
            row(nullptr);
        for (const auto& target : u.targets)
            row(&target);
    }
    return t;
}

/// The page's head and title, with the job file and the local time it was generated.
std::string report_head(const BatchOptions& options)
{
    const std::time_t now = std::time(nullptr);
    char when[64];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", std::localtime(&now));
    std::string h = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>redline 批量核查报告</title>\n<style>\n"
                    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}\n"
                    "table{border-collapse:collapse;margin:0.6em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                    "text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}\n"
                    ".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}"
                    ".err{color:#c62828}section{page-break-inside:avoid;border-top:2px solid #888;margin-top:2em}\n"
                    "img{border:1px solid #ccc;max-width:640px}\n</style>\n</head>\n<body>\n";
    h += "<h1>生态保护红线、自然保护地与森林覆盖率核查报告</h1>\n";
    h += "<p>Job file: " + html(options.job_file) + " · generated " + when + " by redline</p>\n";
    return h;
}

/// How many units met every target, missed one, or could not be computed; then one line per unit.
std::string report_overview(const BatchResult& result)
{
    std::size_t passed = 0, missed = 0, failed = 0;
    for (const auto& u : result.units) {
        if (u.status == "failed" || u.status == "interrupted")
            ++failed;
        else if (u.all_pass())
            ++passed;
        else
            ++missed;
    }
    std::string h;
    h += "<h2>Totals 汇总</h2>\n<table><tr><th class=\"l\">units</th><th>all targets met</th><th>target missed</th>"
         "<th>could not be computed</th></tr><tr><td class=\"l\">" +
         std::to_string(result.units.size()) + "</td><td>" + std::to_string(passed) + "</td><td>" +
         std::to_string(missed) + "</td><td>" + std::to_string(failed) + "</td></tr></table>\n";
    h += "<table><tr><th class=\"l\">unit 单元</th><th class=\"l\">status</th><th>area km²</th><th>red line</th>"
         "<th>protected</th><th>forest</th><th>patches</th><th class=\"l\">targets</th></tr>\n";
    for (const auto& u : result.units) {
        std::string targets;
        for (const auto& t : u.targets)
            targets += std::string("<span class=\"") + (t.pass ? "pass" : "fail") + "\">" + html(t.key) +
                       (t.kind == "verify" ? " = " : " ≥ ") + fixed(t.target_pct, 2) + " %</span> ";
        h += "<tr><td class=\"l\"><a href=\"#" + html(u.name) + "\">" + html(u.name) + "</a></td><td class=\"l\">" +
             html(u.status) + "</td><td>" + fixed(u.area_m2 / 1e6, 2) + "</td><td>" + pct(u.redline_pct) +
             "</td><td>" + pct(u.protected_pct) + "</td><td>" + pct(u.forest_pct) + "</td><td>" +
             (u.patches ? std::to_string(*u.patches) : std::string("–")) + "</td><td class=\"l\">" + targets +
             "</td></tr>\n";
    }
    h += "</table>\n";
    return h;
}

/// A computed unit's figures, its checks, its map and its QA notes.
std::string unit_figures_html(const UnitSummary& u)
{
    std::string h = "<table><tr><th class=\"l\">figure</th><th>share</th></tr>"
                    "<tr><td class=\"l\">area 面积</td><td>" +
                    fixed(u.area_m2 / 1e6, 4) + " km²</td></tr><tr><td class=\"l\">red line 生态保护红线</td><td>" +
                    pct(u.redline_pct) + "</td></tr><tr><td class=\"l\">protected areas 自然保护地</td><td>" +
                    pct(u.protected_pct) + "</td></tr><tr><td class=\"l\">forest 森林覆盖率</td><td>" +
                    pct(u.forest_pct) + "</td></tr>";
    if (u.patches)
        h += "<tr><td class=\"l\">suspected activity patches 疑似人类活动图斑</td><td>" + std::to_string(*u.patches) +
             " (" + fixed(u.patch_area_m2 / 1e4, 2) + " ha)</td></tr>";
    h += "</table>\n";
    if (!u.targets.empty()) {
        h += "<table><tr><th class=\"l\">check</th><th>figure</th><th>measured</th><th>margin</th>"
             "<th>result</th></tr>\n";
        for (const auto& t : u.targets)
            h += "<tr><td class=\"l\">" + html(t.kind + " " + t.key) + "</td><td>" + fixed(t.target_pct, 2) +
                 " %</td><td>" + fixed(t.actual_pct, 4) + " %</td><td>" + fixed(t.margin_pp, 4) +
                 " pp</td><td class=\"" + (t.pass ? "pass\">pass 达标" : "fail\">fail 未达标") + "</td></tr>\n";
        h += "</table>\n";
    }
    const std::string map = u.name + "/map.svg";
    h += "<p><img src=\"" + html(map) + "\" alt=\"map of " + html(u.name) + "\"></p>\n";
    if (!u.notes.empty()) {
        h += "<h3>QA 质检说明</h3>\n<ul>\n";
        for (const auto& n : u.notes)
            h += "<li>" + html(n) + "</li>\n";
        h += "</ul>\n";
    }
    return h;
}

/// A unit's section, the overview's link target: its error, or its figures when it has them.
std::string unit_section_html(const UnitSummary& u)
{
    std::string h = "<section id=\"" + html(u.name) + "\">\n<h2>" + html(u.name) +
                    (u.district_name.empty() ? "" : " · " + html(u.district_name)) + "</h2>\n";
    if (!u.error.empty())
        h += "<p class=\"err\">" + html(u.status) + ": " + html(u.error) + "</p>\n";
    if (u.status == "done" || u.status == "skipped")
        h += unit_figures_html(u);
    h += "</section>\n";
    return h;
}

std::string report_html(const BatchResult& result, const BatchOptions& options)
{
    std::string h = report_head(options) + report_overview(result);
    for (const auto& u : result.units)
        h += unit_section_html(u);
    h += "</body>\n</html>\n";
    return h;
}

} // namespace

void write_batch_summary(const BatchResult& result, const BatchOptions& options)
{
    const fs::path dir(options.out_dir);
    OutputSet outputs; // the summary's three files are put in place together
    write_file_atomically((dir / "summary.json").string(), summary_json(result, options), "--out-dir");
    write_csv(summary_csv(result), (dir / "summary.csv").string(), "--out-dir");
    write_file_atomically((dir / "report.html").string(), report_html(result, options), "--out-dir");
    outputs.commit();
}

} // namespace redline
