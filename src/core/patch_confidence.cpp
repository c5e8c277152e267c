#include "patch_confidence.h"

#include "change_scoring.h"
#include "error.h"
#include "keyed_text.h"
#include "text.h"

#include <cmath>
#include <cstdlib>

namespace redline {

bool patch_feature(const std::string& name, const PatchEvidence& e, double& value)
{
    if (name.rfind("type=", 0) == 0) {
        value = name.substr(5) == change_type_name(e.type) ? 1.0 : 0.0;
        return true;
    }
    // A patch scores at least the hysteresis share of the threshold; the floor keeps ln finite.
    if (name == "log_score")
        value = std::log(std::max(e.score, 1e-3));
    else if (name == "log_cells")
        value = std::log(std::max(e.cells, 1.0));
    else if (name == "strong_share")
        value = e.strong_share;
    else if (name == "ndvi_before")
        value = e.ndvi_before;
    else if (name == "ndvi_after")
        value = e.ndvi_after;
    else if (name == "ndvi_drop")
        value = e.ndvi_before - e.ndvi_after;
    else if (name == "water_before")
        value = e.water_before;
    else if (name == "water_after")
        value = e.water_after;
    else if (name == "bare_before")
        value = e.bare_before;
    else if (name == "bare_after")
        value = e.bare_after;
    else if (name == "bare_rise")
        value = e.bare_after - e.bare_before;
    else
        return false;
    return true;
}

ConfidenceModel ConfidenceModel::parse(const std::string& text, const std::string& source)
{
    ConfidenceModel m;
    bool has_intercept = false;
    const PatchEvidence probe;
    for (const KeyedLine& line : parse_keyed_lines(text, source)) {
        if (line.key == "name") {
            m.m_name = line.value;
        } else if (line.key == "title") {
            continue;
        } else if (line.key == "intercept") {
            m.m_intercept = catalogue_number(line.value, line.where);
            has_intercept = true;
        } else if (line.key == "weight") {
            const std::vector<std::string> parts = split(line.value, ',');
            if (parts.size() != 2)
                throw InputError(line.where + ": expected 'weight: FEATURE, NUMBER'");
            double unused = 0;
            if (!patch_feature(parts[0], probe, unused))
                throw InputError(line.where + ": unknown feature '" + parts[0] +
                                 "' (known: log_score, log_cells, strong_share, ndvi_before, ndvi_after, ndvi_drop, "
                                 "water_before, water_after, bare_before, bare_after, bare_rise, type=NAME)");
            if (parts[0].rfind("type=", 0) == 0) {
                bool known = false;
                for (int t = 0; t < change_type_count; ++t)
                    known = known || parts[0].substr(5) == change_type_name(t);
                if (!known)
                    throw InputError(line.where + ": unknown change type in '" + parts[0] + "'");
            }
            m.m_weights.emplace_back(parts[0], catalogue_number(parts[1], line.where));
        } else if (line.key == "deliver_from") {
            m.m_deliver_from = catalogue_number(line.value, line.where);
            if (m.m_deliver_from < 0 || m.m_deliver_from > 1)
                throw InputError(line.where + ": deliver_from is a confidence between 0 and 1");
        } else {
            throw InputError(line.where + ": unknown key '" + line.key +
                             "' (expected name, title, intercept, weight, deliver_from)");
        }
    }
    if (!has_intercept)
        throw InputError(source + ": no 'intercept:' line; a confidence model needs one");
    return m;
}

double ConfidenceModel::confidence(const PatchEvidence& e) const
{
    double z = m_intercept;
    for (const auto& w : m_weights) {
        double x = 0;
        patch_feature(w.first, e, x);
        z += w.second * x;
    }
    return 1.0 / (1.0 + std::exp(-z));
}

std::string ConfidenceModel::describe() const
{
    std::string s = "1 / (1 + exp(-(" + fixed(m_intercept, 4);
    for (const auto& w : m_weights)
        s += (w.second < 0 ? " - " : " + ") + fixed(std::fabs(w.second), 4) + " " + w.first;
    return s + ")))";
}

} // namespace redline
