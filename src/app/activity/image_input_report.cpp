#include "activity/image_input_report.h"

#include "report_json.h"
#include "text.h"

#include <cmath>
#include <cstdio>

namespace redline {

namespace {

void write_date(JsonWriter& j, const ResolvedBands& d)
{
    j.begin_object();
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
    write_date(j, r.before);
    j.key("after");
    write_date(j, r.after);
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
    lines.push_back(misregistration_summary(r.misregistration));
    return lines;
}

} // namespace redline
