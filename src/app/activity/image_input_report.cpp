#include "activity/image_input_report.h"

#include "report_json.h"
#include "text.h"

#include <cmath>
#include <cstdio>

namespace redline {

namespace {

void write_date(JsonWriter& j, const ResolvedBands& d, const std::optional<AcquisitionDate>& acquired)
{
    j.begin_object();
    if (acquired) {
        j.field("acquired", acquired->date.iso());
        j.field("acquired_from", "dataset metadata " + acquired->key);
    } else {
        j.key("acquired").null();
        j.field("acquired_from", std::string("not found in the dataset metadata"));
    }
    j.field("bands", d.mapping.describe());
    j.field("bands_from", d.source);
    j.key("recognised").begin_array();
    for (const auto& s : d.roles)
        j.value(s);
    j.end_array();
    j.key("not_used").begin_array();
    for (const auto& s : d.unused)
        j.value(s);
    j.end_array();
    j.key("scale").exact(d.mapping.scale);
    j.key("offset").exact(d.mapping.offset);
    j.field("scale_from", d.scale_source);
    j.field("scale_assumed", d.scale_inferred);
    j.field("cloud_parallax", d.mapping.parallax.empty() ? std::string("not tested: sensor not known to have band "
                                                                       "parallax")
                                                         : d.mapping.parallax + " (" + d.parallax_source + ")");
    j.end_object();
}

std::string scale_text(const BandMapping& m)
{
    char buf[96];
    std::snprintf(buf, sizeof buf, "value × %g%s%g", m.scale, m.offset < 0 ? " − " : " + ", std::abs(m.offset));
    return buf;
}

} // namespace

void write_image_input(JsonWriter& j, const ImageInputReport& r)
{
    j.begin_object();
    j.key("before");
    write_date(j, r.before, r.before_acquired);
    j.key("after");
    write_date(j, r.after, r.after_acquired);
    if (const auto gap = season_gap(r))
        j.field("season_gap_days", *gap, 1);
    else
        j.key("season_gap_days").null();
    j.key("resampling").begin_object();
    j.field("after_to_before_cell_ratio", r.resampling.cell_ratio, 4);
    j.field("bands", r.resampling.bands);
    j.field("masks", r.resampling.masks);
    j.field("why", r.resampling.why);
    j.end_object();
    j.key("misregistration");
    write_misregistration(j, r.misregistration, false);
    j.end_object();
}

std::optional<double> season_gap(const ImageInputReport& r)
{
    if (!r.before_acquired || !r.after_acquired) return std::nullopt;
    return season_gap_days(r.before_acquired->date, r.after_acquired->date);
}

std::vector<std::string> image_input_summary(const ImageInputReport& r)
{
    std::vector<std::string> lines;
    for (const auto* d : { &r.before, &r.after }) {
        const char* which = d == &r.before ? "Before" : "After";
        lines.push_back(std::string(which) + " bands " + d->mapping.describe() + " from " + d->source +
                        "; reflectance = " + scale_text(d->mapping) + " (" + d->scale_source + ").");
    }
    if (r.resampling.bands != "none")
        lines.push_back("After image resampled onto the before grid: " + r.resampling.bands + " (" + r.resampling.why +
                        ").");
    if (r.before_acquired || r.after_acquired) {
        auto date = [](const std::optional<AcquisitionDate>& d) { return d ? d->date.iso() : std::string("unknown"); };
        std::string line = "Dates: before " + date(r.before_acquired) + ", after " + date(r.after_acquired);
        if (const auto gap = season_gap(r)) line += ", " + fixed(*gap, 0) + " days apart in the season";
        lines.push_back(line + ".");
    }
    lines.push_back(misregistration_summary(r.misregistration));
    return lines;
}

} // namespace redline
