#include "band_recognition.h"

#include "cloud_parallax.h"

#include "error.h"
#include "keyed_text.h"
#include "text.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace redline {

namespace {

constexpr int other_role = 6;

int role_index(const std::string& name)
{
    const auto& names = band_role_names();
    for (std::size_t k = 0; k < names.size(); ++k)
        if (name == names[k])
            return int(k);
    return -1;
}

BandNameRules::Aliases aliases_of(const KeyedLine& line)
{
    BandNameRules::Aliases out;
    for (const std::string& item : list_items(line.value)) {
        std::vector<std::string> words = name_words(item);
        if (words.empty())
            throw InputError(line.where + ": '" + item + "' has no letters or digits to match");
        out.push_back(std::move(words));
    }
    return out;
}

bool equal_keys(const std::string& a, const std::string& b)
{
    return to_lower(a) == to_lower(b);
}

/// True when @p alias occurs as consecutive words of @p words.
bool contains(const std::vector<std::string>& words, const std::vector<std::string>& alias)
{
    if (alias.empty() || alias.size() > words.size())
        return false;
    return std::search(words.begin(), words.end(), alias.begin(), alias.end()) != words.end();
}

bool mentions(const std::vector<std::string>& words, const BandNameRules::Aliases& any)
{
    for (const auto& a : any)
        if (contains(words, a))
            return true;
    return false;
}

/// How a band's role was found.
struct Verdict
{
    int role = -1;      ///< 0-5, other_role, or -1: not recognised
    int tier = 0;       ///< 0 the role itself, 1 a fallback, 2 colour interpretation
    std::string how;    ///< for the report: "description, words", "wavelength 0.842 µm" ...
    std::string kind;   ///< "band descriptions", "band metadata", "wavelengths in the band metadata", ...
};

/// The best match of @p scheme among @p texts (what the band is called, with where it was read).
Verdict match_scheme(const BandNameRules::Scheme& scheme,
                     const std::vector<std::pair<std::string, std::string>>& texts)
{
    Verdict best;
    std::size_t best_length = 0;
    bool ambiguous = false;
    for (const auto& text : texts) {
        const std::vector<std::string> words = name_words(text.second);
        auto consider = [&](int role, int tier, const BandNameRules::Aliases& aliases) {
            for (const auto& alias : aliases) {
                if (!contains(words, alias))
                    continue;
                if (alias.size() > best_length) {
                    best_length = alias.size();
                    best.role = role;
                    best.tier = tier;
                    best.how = text.first + " '" + text.second + "', " + scheme.name;
                    best.kind = text.first == "description" ? "band descriptions" : "band metadata";
                    ambiguous = false;
                } else if (alias.size() == best_length && (role != best.role || tier != best.tier)) {
                    ambiguous = true;
                }
            }
        };
        for (int r = 0; r < 6; ++r) {
            consider(r, 0, scheme.roles[std::size_t(r)]);
            consider(r, 1, scheme.fallback[std::size_t(r)]);
        }
        consider(other_role, 0, scheme.other);
    }
    return ambiguous ? Verdict{} : best;
}

/// The band's central wavelength in µm, when its metadata gives one.
std::optional<double> wavelength_um(const BandLabel& band, const BandNameRules& rules, std::string& said)
{
    for (const std::string& key : rules.wavelength_keys)
        for (const auto& item : band.metadata) {
            if (!equal_keys(item.first, key))
                continue;
            const char* begin = item.second.c_str();
            char* end = nullptr;
            const double v = std::strtod(begin, &end);
            if (end == begin || !(v > 0))
                continue;
            const std::string lower_key = to_lower(key);
            std::vector<std::string> unit_words = name_words(std::string(end));
            if (unit_words.empty())
                for (const std::string& uk : rules.wavelength_unit_keys)
                    for (const auto& u : band.metadata)
                        if (equal_keys(u.first, uk) && unit_words.empty())
                            unit_words = name_words(u.second);
            const bool says_nm = std::count(unit_words.begin(), unit_words.end(), "nm") ||
                                 std::count(unit_words.begin(), unit_words.end(), "nanometers") ||
                                 std::count(unit_words.begin(), unit_words.end(), "nanometres") ||
                                 (lower_key.size() > 3 && lower_key.substr(lower_key.size() - 3) == "_nm");
            const bool says_um = std::count(unit_words.begin(), unit_words.end(), "um") ||
                                 std::count(unit_words.begin(), unit_words.end(), "micrometers") ||
                                 std::count(unit_words.begin(), unit_words.end(), "micrometres") ||
                                 std::count(unit_words.begin(), unit_words.end(), "microns") ||
                                 (lower_key.size() > 3 && lower_key.substr(lower_key.size() - 3) == "_um") ||
                                 item.second.find("\xC2\xB5m") != std::string::npos; // µm
            double um = 0;
            if (says_nm && !says_um)
                um = v / 1000.0;
            else if (says_um && !says_nm)
                um = v;
            else if (v > 100)
                um = v / 1000.0; // no optical band of interest is 100 µm or more: nm
            else if (v < 5)
                um = v; // nor 5 nm: µm
            else
                continue;
            said = item.first + " " + item.second;
            return um;
        }
    return std::nullopt;
}

std::string quoted_name(const BandLabel& b, const BandNameRules& rules)
{
    const std::string n = b.shown_name(rules.name_keys);
    return n.empty() ? "(no name)" : "'" + n + "'";
}

} // namespace

const std::array<const char*, 6>& band_role_names()
{
    static const std::array<const char*, 6> names{ "blue", "green", "red", "nir", "swir1", "swir2" };
    return names;
}

std::vector<std::string> name_words(const std::string& text)
{
    std::vector<std::string> words;
    std::string word;
    for (char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 128 && std::isalnum(c)) {
            word += char(std::tolower(c));
        } else if (!word.empty()) {
            words.push_back(word);
            word.clear();
        }
    }
    if (!word.empty())
        words.push_back(word);
    return words;
}

std::string BandLabel::shown_name(const std::vector<std::string>& name_keys) const
{
    if (!trim(description).empty())
        return trim(description);
    for (const std::string& key : name_keys)
        for (const auto& item : metadata)
            if (equal_keys(item.first, key) && !trim(item.second).empty())
                return trim(item.second);
    return "";
}

BandNameRules BandNameRules::parse(const std::string& text, const std::string& source)
{
    BandNameRules rules;
    rules.source = source;
    for (const KeyedLine& line : parse_keyed_lines(text, source)) {
        const std::string key = to_lower(line.key);
        if (key == "name keys") {
            rules.name_keys = list_items(line.value);
        } else if (key == "wavelength keys") {
            rules.wavelength_keys = list_items(line.value);
        } else if (key == "wavelength units keys") {
            rules.wavelength_unit_keys = list_items(line.value);
        } else if (key.rfind("wavelength ", 0) == 0 || key.rfind("fallback wavelength ", 0) == 0) {
            const bool fallback = key.rfind("fallback ", 0) == 0;
            const std::string role = trim(key.substr(key.find("wavelength ") + 11));
            const int r = role_index(role);
            const std::size_t dash = line.value.find('-');
            char* end1 = nullptr;
            char* end2 = nullptr;
            const std::string lo = dash == std::string::npos ? "" : trim(line.value.substr(0, dash));
            const std::string hi = dash == std::string::npos ? "" : trim(line.value.substr(dash + 1));
            const double a = std::strtod(lo.c_str(), &end1), b = std::strtod(hi.c_str(), &end2);
            if (r < 0 || lo.empty() || hi.empty() || *end1 || *end2 || !(a > 0) || !(b > a))
                throw InputError(line.where + ": expected 'wavelength ROLE: LOW-HIGH' in µm with ROLE one of blue, "
                                              "green, red, nir, swir1, swir2");
            rules.wavelengths[std::size_t(r)].push_back(Range{ a, b, fallback });
        } else if (key.rfind("parallax ", 0) == 0) {
            const std::string direction = trim(key.substr(9));
            if (!known_parallax_direction(direction))
                throw InputError(line.where + ": expected 'parallax north: WORDS' (the direction in which a "
                                              "sensor's later bands see clouds displaced)");
            rules.parallax.emplace_back(direction, aliases_of(line));
        } else if (key == "scheme") {
            Scheme s;
            s.name = line.value;
            rules.schemes.push_back(s);
        } else {
            if (rules.schemes.empty())
                throw InputError(line.where + ": '" + line.key + "' before any 'scheme:' line");
            Scheme& s = rules.schemes.back();
            const bool fallback = key.rfind("fallback ", 0) == 0;
            const int r = role_index(fallback ? trim(key.substr(9)) : key);
            if (key == "title")
                s.title = line.value;
            else if (key == "when")
                s.when = aliases_of(line);
            else if (key == "unless")
                s.unless = aliases_of(line);
            else if (key == "other")
                s.other = aliases_of(line);
            else if (r >= 0)
                (fallback ? s.fallback : s.roles)[std::size_t(r)] = aliases_of(line);
            else
                throw InputError(line.where + ": unknown key '" + line.key +
                                 "' (known: scheme, title, when, unless, blue, green, red, nir, swir1, swir2, "
                                 "fallback ROLE, other, name keys, wavelength keys, wavelength units keys, "
                                 "wavelength ROLE, fallback wavelength ROLE, parallax DIRECTION)");
        }
    }
    if (rules.schemes.empty())
        throw InputError(source + ": no 'scheme:' of band names");
    return rules;
}

RecognisedBands recognise_bands(const std::vector<BandLabel>& bands, const MetadataItems& dataset_metadata,
                                const BandNameRules& rules, const std::string& what, const std::string& advice)
{
    // The words of the dataset's metadata values decide which schemes apply.
    std::vector<std::string> context;
    for (const auto& item : dataset_metadata)
        for (std::string& w : name_words(item.second))
            context.push_back(std::move(w));
    std::vector<const BandNameRules::Scheme*> schemes;
    for (const auto& s : rules.schemes) {
        if (!s.when.empty() && !mentions(context, s.when))
            continue;
        if (mentions(context, s.unless))
            continue;
        schemes.push_back(&s);
    }

    std::vector<Verdict> verdicts(bands.size());
    for (std::size_t b = 0; b < bands.size(); ++b) {
        Verdict& v = verdicts[b];
        std::string said;
        if (const auto um = wavelength_um(bands[b], rules, said)) {
            v.role = other_role;
            v.kind = "wavelengths in the band metadata";
            v.how = "wavelength " + said;
            for (int tier = 0; tier < 2 && v.role == other_role; ++tier)
                for (int r = 0; r < 6; ++r)
                    for (const auto& range : rules.wavelengths[std::size_t(r)])
                        if (range.fallback == (tier == 1) && *um >= range.lo && *um < range.hi) {
                            v.role = r;
                            v.tier = tier;
                        }
            continue;
        }
        std::vector<std::pair<std::string, std::string>> texts;
        if (!trim(bands[b].description).empty())
            texts.emplace_back("description", bands[b].description);
        for (const std::string& key : rules.name_keys)
            for (const auto& item : bands[b].metadata)
                if (equal_keys(item.first, key) && !trim(item.second).empty())
                    texts.emplace_back(item.first, item.second);
        for (const auto* s : schemes) {
            const Verdict m = match_scheme(*s, texts);
            if (m.role >= 0) {
                v = m;
                break;
            }
        }
    }
    // The colour interpretation of a real RGB triple, for bands nothing else names.
    {
        const char* colours[3] = { "blue", "green", "red" };
        std::array<int, 3> count{}, at{};
        for (std::size_t b = 0; b < bands.size(); ++b)
            for (int c = 0; c < 3; ++c)
                if (to_lower(bands[b].color) == colours[c]) {
                    ++count[std::size_t(c)];
                    at[std::size_t(c)] = int(b);
                }
        if (count[0] == 1 && count[1] == 1 && count[2] == 1)
            for (int c = 0; c < 3; ++c) {
                Verdict& v = verdicts[std::size_t(at[std::size_t(c)])];
                if (v.role < 0)
                    v = Verdict{ c, 2, std::string("colour interpretation ") + bands[std::size_t(at[std::size_t(c)])].color,
                                 "colour interpretation" };
            }
    }

    auto listing = [&] {
        std::string s;
        const std::size_t shown = std::min<std::size_t>(bands.size(), 24);
        for (std::size_t b = 0; b < shown; ++b) {
            s += (b ? ", " : "") + std::to_string(b + 1) + " " + quoted_name(bands[b], rules);
            if (verdicts[b].role >= 0 && verdicts[b].role < other_role)
                s += std::string(" (") + band_role_names()[std::size_t(verdicts[b].role)] +
                     (verdicts[b].tier == 1 ? ", fallback" : "") + ")";
        }
        if (bands.size() > shown)
            s += " and " + std::to_string(bands.size() - shown) + " more";
        return s;
    };
    auto refuse = [&](const std::string& why) {
        throw InputError(what + ": cannot tell which band is which from the file (" + why + "). Its " +
                         std::to_string(bands.size()) + " band" + (bands.size() == 1 ? " is" : "s are") + ": " +
                         listing() + " (the names redline recognises are in " + rules.source + "). " + advice);
    };

    RecognisedBands out;
    std::array<int, 6> chosen{ 0, 0, 0, 0, 0, 0 }; // band number, 0: none
    std::vector<std::string> kinds;
    for (int r = 0; r < 6; ++r) {
        for (int tier = 0; tier < 3 && !chosen[std::size_t(r)]; ++tier) {
            std::vector<std::size_t> at;
            for (std::size_t b = 0; b < bands.size(); ++b)
                if (verdicts[b].role == r && verdicts[b].tier == tier)
                    at.push_back(b);
            if (at.size() > 1) {
                std::string which;
                for (std::size_t i = 0; i < at.size(); ++i)
                    which += (i ? (i + 1 == at.size() ? " and " : ", ") : "") + std::to_string(at[i] + 1) + " " +
                             quoted_name(bands[at[i]], rules);
                refuse(std::string("bands ") + which + " are all " + band_role_names()[std::size_t(r)]);
            }
            if (at.size() == 1) {
                const std::size_t b = at.front();
                chosen[std::size_t(r)] = int(b + 1);
                out.roles.push_back(std::string(band_role_names()[std::size_t(r)]) + " = band " + std::to_string(b + 1) +
                                    " " + quoted_name(bands[b], rules) + " (" + verdicts[b].how + ")");
                if (std::find(kinds.begin(), kinds.end(), verdicts[b].kind) == kinds.end())
                    kinds.push_back(verdicts[b].kind);
            }
        }
    }
    std::string missing;
    for (int r = 0; r < 4; ++r)
        if (!chosen[std::size_t(r)])
            missing += std::string(missing.empty() ? "" : ", ") + band_role_names()[std::size_t(r)];
    if (!missing.empty())
        refuse("no band is recognisably " + missing);
    BandMapping& m = out.mapping;
    m.blue = chosen[0];
    m.green = chosen[1];
    m.red = chosen[2];
    m.nir = chosen[3];
    if (chosen[4])
        m.swir1 = chosen[4];
    if (chosen[5])
        m.swir2 = chosen[5];
    for (std::size_t b = 0; b < bands.size(); ++b) {
        if (std::find(chosen.begin(), chosen.end(), int(b + 1)) != chosen.end())
            continue;
        std::string line = "band " + std::to_string(b + 1) + " " + quoted_name(bands[b], rules);
        if (verdicts[b].role == other_role)
            line += " (recognised, not used: " + verdicts[b].how + ")";
        else if (verdicts[b].role >= 0)
            line += std::string(" (also ") + band_role_names()[std::size_t(verdicts[b].role)] + ", not used)";
        out.unused.push_back(line);
    }
    for (std::size_t i = 0; i < kinds.size(); ++i)
        out.evidence += (i ? (i + 1 == kinds.size() ? " and " : ", ") : "") + kinds[i];
    // The sensor, where the file says it: its later bands' parallax tells clouds from the ground.
    for (const auto& sensor : rules.parallax)
        for (const auto& alias : sensor.second)
            if (out.parallax_evidence.empty() && contains(context, alias)) {
                std::string said;
                for (const auto& w : alias)
                    said += (said.empty() ? "" : " ") + w;
                m.parallax = sensor.first;
                out.parallax_evidence = "the dataset metadata mentions '" + said + "'";
            }
    return out;
}

} // namespace redline
