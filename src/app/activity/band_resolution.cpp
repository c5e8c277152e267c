#include "activity/band_resolution.h"

#include "error.h"

namespace redline {

ResolvedBands resolve_bands(const ImageBandsFile& file, const DateOptions& date, const DateOptions* fallback,
                            const Catalogue& catalogue)
{
    const std::string& option = file.option(); // "--before" or "--after"
    const bool own = !date.sensor.empty() || !date.bands.empty() || !fallback;
    const std::string sensor = own ? date.sensor : fallback->sensor;
    const std::string bands = own ? date.bands : fallback->bands;
    // The options that name this date's bands, for the report and for advice.
    const bool after = option == "--after";
    const std::string sensor_option = after && own ? "--after-sensor" : "--sensor";
    const std::string bands_option = after && own ? "--after-bands" : "--bands";

    ResolvedBands r;
    BandMapping& m = r.mapping;
    bool scale_known = false;
    if (!sensor.empty()) {
        m = BandMapping::parse_preset(catalogue.text("bands", sensor, option + "-sensor"),
                                      catalogue.layers_dir() + "/bands/" + sensor + ".txt");
        r.source = sensor_option + " " + sensor;
        r.scale_source = "preset " + sensor;
        if (!m.parallax.empty()) r.parallax_source = "preset " + sensor;
        scale_known = true;
    }
    if (!bands.empty()) {
        BandMapping explicit_bands = BandMapping::parse(bands, option + "-bands");
        explicit_bands.scale = m.scale;
        explicit_bands.offset = m.offset;
        explicit_bands.preset = m.preset;
        explicit_bands.parallax = m.parallax; // the sensor's, whichever bands are named
        m = explicit_bands;
        r.source = r.source.empty() ? bands_option : bands_option + " with " + r.source;
    }
    if (sensor.empty() && bands.empty()) {
        const std::string names = catalogue.layers_dir() + "/bands/recognition/band_names.txt";
        const BandNameRules rules =
          BandNameRules::parse(catalogue.text("bands/recognition", "band_names", option), names);
        const std::string a = after ? "--after-" : "--";
        const std::string advice = "Say it with " + a + "bands blue=N,green=N,red=N,nir=N[,swir1=N,swir2=N] or " + a +
                                   "sensor PRESET (presets in " + catalogue.layers_dir() + "/bands)";
        const RecognisedBands rec =
          recognise_bands(file.labels(), file.dataset_metadata(), rules, option + " " + file.path(), advice);
        m = rec.mapping;
        r.roles = rec.roles;
        r.unused = rec.unused;
        r.parallax_source = rec.parallax_evidence;
        r.source = rec.evidence + " of " + file.path();
    }

    // Scale and offset: each from the option (this date's, else the before date's), else the
    // preset, else the file.
    // (Plain values, not std::optional: GCC 12 warns of optionals copied through conditionals.)
    const bool scale = date.scale || (fallback && fallback->scale);
    const bool offset = date.offset || (fallback && fallback->offset);
    const double scale_value = date.scale ? *date.scale : (scale ? *fallback->scale : 1.0);
    const double offset_value = date.offset ? *date.offset : (offset ? *fallback->offset : 0.0);
    const std::string preset = scale_known ? "preset " + sensor : "";
    std::string scale_from = scale ? (after && date.scale ? "--after-scale" : "--scale") : preset;
    std::string offset_from = offset ? (after && date.offset ? "--after-offset" : "--offset") : preset;
    if (scale_from.empty() || offset_from.empty()) {
        const ScaleKeys keys = ScaleKeys::parse(catalogue.text("bands/recognition", "reflectance_scale", option),
                                                catalogue.layers_dir() + "/bands/recognition/reflectance_scale.txt");
        const ScaleChoice c = choose_reflectance_scale(file.scale_evidence(m, date.nodata), keys);
        if (scale_from.empty()) {
            m.scale = c.scale;
            scale_from = c.source;
            r.scale_inferred = c.inferred;
        }
        if (offset_from.empty()) {
            m.offset = c.offset;
            // An inference says nothing of an offset: 0, as ever, without a note of its own.
            offset_from = c.inferred ? scale_from : c.source;
        }
    }
    if (scale)
        m.scale = scale_value;
    if (offset)
        m.offset = offset_value;
    r.scale_source = scale_from == offset_from ? scale_from : "scale: " + scale_from + "; offset: " + offset_from;
    return r;
}

} // namespace redline
