#include "reflectance_scale.h"

#include "error.h"
#include "keyed_text.h"
#include "text.h"

#include <cmath>
#include <cstdlib>

namespace redline {

namespace {

/// The first item of @p items (in @p keys' order) holding a finite number.
std::optional<std::pair<std::string, double>> first_number(const MetadataItems& items,
                                                           const std::vector<std::string>& keys)
{
    for (const std::string& key : keys)
        for (const auto& item : items) {
            if (to_lower(item.first) != to_lower(key))
                continue;
            const std::string v = trim(item.second);
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            if (!v.empty() && *end == '\0' && std::isfinite(x))
                return std::make_pair(item.first + "=" + v, x);
        }
    return std::nullopt;
}

/// Scale and offset from the metadata items @p items, when they hold any.
std::optional<ScaleChoice> from_metadata(const MetadataItems& items, const ScaleKeys& keys, const std::string& whose)
{
    if (const auto q = first_number(items, keys.quantification)) {
        if (!(q->second > 0))
            return std::nullopt;
        ScaleChoice c;
        c.scale = 1.0 / q->second;
        c.source = whose + " " + q->first;
        if (const auto o = first_number(items, keys.quantified_offset)) {
            c.offset = o->second / q->second;
            c.source += ", " + o->first;
        }
        return c;
    }
    const auto s = first_number(items, keys.scale);
    const auto o = first_number(items, keys.offset);
    if (!s && !o)
        return std::nullopt;
    ScaleChoice c;
    if (s)
        c.scale = s->second;
    if (o)
        c.offset = o->second;
    c.source = whose + " " + (s ? s->first : "") + (s && o ? ", " : "") + (o ? o->first : "");
    return c;
}

} // namespace

ScaleKeys ScaleKeys::parse(const std::string& text, const std::string& source)
{
    ScaleKeys k;
    for (const KeyedLine& line : parse_keyed_lines(text, source)) {
        const std::string key = to_lower(line.key);
        if (key == "scale keys")
            k.scale = list_items(line.value);
        else if (key == "offset keys")
            k.offset = list_items(line.value);
        else if (key == "quantification keys")
            k.quantification = list_items(line.value);
        else if (key == "quantified offset keys")
            k.quantified_offset = list_items(line.value);
        else
            throw InputError(line.where + ": unknown key '" + line.key +
                             "' (known: scale keys, offset keys, quantification keys, quantified offset keys)");
    }
    return k;
}

ScaleChoice choose_reflectance_scale(const ScaleEvidence& e, const ScaleKeys& keys)
{
    if (e.band_scale || e.band_offset) {
        ScaleChoice c;
        c.scale = e.band_scale.value_or(1.0);
        c.offset = e.band_offset.value_or(0.0);
        c.source = "the bands' own scale/offset (GDAL)";
        return c;
    }
    if (auto c = from_metadata(e.band_metadata, keys, "band metadata"))
        return *c;
    if (auto c = from_metadata(e.dataset_metadata, keys, "dataset metadata"))
        return *c;
    ScaleChoice c;
    c.inferred = true;
    const std::string p99 = e.p99 ? fixed(*e.p99, e.floating ? 4 : 0) : std::string("unknown");
    if (!e.floating && e.p99 && *e.p99 >= 1000 && *e.p99 <= 20000) {
        c.scale = 0.0001;
        c.source = "assumed reflectance × 10000: the file gives no scale, and its " + e.type +
                   " values (99th percentile " + p99 +
                   ") look like it; if they are another scale or raw counts, give --scale";
    } else if (e.floating && e.p99 && *e.p99 <= 2.0) {
        c.source = "taken as reflectance: the file gives no scale, and its " + e.type + " values (99th percentile " +
                   p99 + ") are within 0-2";
    } else {
        c.source = "used as they are (scale 1): the file gives no scale, and its " + e.type +
                   " values (99th percentile " + p99 +
                   ") look neither like reflectance nor like reflectance × 10000; the indices are ratios and "
                   "unaffected, but give --scale S (reflectance = value × S) if you know it";
    }
    return c;
}

} // namespace redline
