#include "band_mapping.h"

#include "cloud_parallax.h"

#include "error.h"
#include "keyed_text.h"
#include "text.h"

#include <algorithm>
#include <cstdlib>

namespace redline {

int BandMapping::max_band() const
{
    int m = std::max({ blue, green, red, nir });
    if (swir1)
        m = std::max(m, *swir1);
    if (swir2)
        m = std::max(m, *swir2);
    return m;
}

std::string BandMapping::describe() const
{
    std::string s = "blue=" + std::to_string(blue) + ",green=" + std::to_string(green) + ",red=" + std::to_string(red) +
                    ",nir=" + std::to_string(nir);
    if (swir1)
        s += ",swir1=" + std::to_string(*swir1);
    if (swir2)
        s += ",swir2=" + std::to_string(*swir2);
    return s;
}

BandMapping BandMapping::parse(const std::string& text, const std::string& option)
{
    BandMapping m;
    for (const std::string& item : list_items(text)) {
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos)
            throw InputError(option + " '" + text + "': write NAME=BAND pairs, e.g. blue=1,green=2,red=3,nir=4,swir1=5");
        const std::string name = to_lower(trim(item.substr(0, eq)));
        const std::string number = trim(item.substr(eq + 1));
        char* end = nullptr;
        const long band = std::strtol(number.c_str(), &end, 10);
        if (number.empty() || *end != '\0' || band < 1 || band > 10000)
            throw InputError(option + " '" + text + "': band '" + number + "' of " + name +
                             " is not a band number (bands count from 1)");
        if (name == "blue")
            m.blue = int(band);
        else if (name == "green")
            m.green = int(band);
        else if (name == "red")
            m.red = int(band);
        else if (name == "nir")
            m.nir = int(band);
        else if (name == "swir1" || name == "swir")
            m.swir1 = int(band);
        else if (name == "swir2")
            m.swir2 = int(band);
        else if (name != "coastal" && name != "rededge1" && name != "rededge2" && name != "rededge3" &&
                 name != "nir2" && name != "pan" && name != "purple" && name != "yellow")
            throw InputError(option + " '" + text + "': unknown band name '" + name +
                             "'; the names are blue, green, red, nir, swir1, swir2");
    }
    for (const auto& required : { std::make_pair("blue", m.blue), std::make_pair("green", m.green),
                                  std::make_pair("red", m.red), std::make_pair("nir", m.nir) })
        if (required.second == 0)
            throw InputError(option + " '" + text + "': the " + required.first +
                             " band is missing (blue, green, red and nir are required; swir1 is optional)");
    // One band in two roles makes every index that compares them zero: surely a typo.
    const std::pair<const char*, int> roles[] = { { "blue", m.blue },        { "green", m.green },
                                                  { "red", m.red },          { "nir", m.nir },
                                                  { "swir1", m.swir1.value_or(0) }, { "swir2", m.swir2.value_or(0) } };
    for (std::size_t i = 0; i < 6; ++i)
        for (std::size_t j = i + 1; j < 6; ++j)
            if (roles[i].second && roles[i].second == roles[j].second)
                throw InputError(option + " '" + text + "': " + roles[i].first + " and " + roles[j].first +
                                 " are both band " + std::to_string(roles[i].second) + "; each role needs its own band");
    return m;
}

BandMapping BandMapping::parse_preset(const std::string& text, const std::string& source)
{
    BandMapping m;
    std::string name, bands;
    bool have_scale = false;
    for (const KeyedLine& line : parse_keyed_lines(text, source)) {
        if (line.key == "name")
            name = line.value;
        else if (line.key == "title")
            continue;
        else if (line.key == "bands")
            bands = line.value;
        else if (line.key == "parallax") {
            if (!known_parallax_direction(line.value))
                throw InputError(line.where + ": parallax must be 'north' (the direction in which the later "
                                              "bands see clouds displaced), not '" + line.value + "'");
            m.parallax = line.value;
        }
        else if (line.key == "scale" || line.key == "offset") {
            char* end = nullptr;
            const double v = std::strtod(line.value.c_str(), &end);
            if (line.value.empty() || *end != '\0')
                throw InputError(line.where + ": " + line.key + " must be a number");
            (line.key == "scale" ? m.scale : m.offset) = v;
            have_scale = have_scale || line.key == "scale";
        } else
            throw InputError(line.where + ": unknown key '" + line.key + "' (known: name, title, scale, offset, bands, parallax)");
    }
    if (bands.empty())
        throw InputError(source + ": the preset has no 'bands:' line");
    BandMapping parsed = parse(bands, source);
    parsed.scale = have_scale ? m.scale : 1.0;
    parsed.offset = m.offset;
    parsed.preset = name;
    parsed.parallax = m.parallax;
    return parsed;
}

} // namespace redline
