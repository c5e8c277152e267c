#pragma once

#include <string>
#include <utility>
#include <vector>

namespace redline {

/// @brief What a suspected patch's cells add up to, as the confidence model reads it.
struct PatchEvidence
{
    double score = 0;        ///< mean change score over the patch (1 = at the threshold)
    double cells = 0;        ///< cells in the patch
    double strong_share = 0; ///< share of cells at or above the threshold
    double ndvi_before = 0, ndvi_after = 0, water_before = 0, water_after = 0, bare_before = 0, bare_after = 0;
    int type = 0; ///< ChangeType
};

/// @brief How likely a suspected patch is real: a logistic model of the patch's evidence,
/// P = 1 / (1 + exp(−(intercept + Σ weight × feature))), fitted on scored patches (real imagery
/// with change labels and planted changes; see docs/activity.md for the data and the reliability
/// it reached).
///
/// Read from the layer catalogue (`layers/models/activity_confidence.txt`):
///
///     name: activity_confidence
///     intercept: -1.5
///     weight: log_score, 1.2
///     weight: type=vegetation_change, -0.8
///     deliver_from: 0.2
///
/// Features: `log_score` (ln of the mean score), `log_cells` (ln of the cell count),
/// `strong_share`, `ndvi_before`, `ndvi_after`, `ndvi_drop`, `water_before`, `water_after`,
/// `bare_before`, `bare_after`, `bare_rise`, and `type=NAME` (1 for patches of that change type).
class ConfidenceModel
{
public:
    static ConfidenceModel parse(const std::string& text, const std::string& source);

    /// The probability that a patch with this evidence is real, in [0, 1].
    double confidence(const PatchEvidence& e) const;
    /// Patches at or above this confidence are delivered when the user does not say otherwise.
    double deliver_from() const { return m_deliver_from; }
    const std::string& name() const { return m_name; }
    /// "1 / (1 + exp(-(-1.5 + 1.2 log_score + ...)))"
    std::string describe() const;

private:
    std::string m_name;
    double m_intercept = 0;
    std::vector<std::pair<std::string, double>> m_weights;
    double m_deliver_from = 0;
};

/// The value of the named feature for @p e; false when the name is unknown.
bool patch_feature(const std::string& name, const PatchEvidence& e, double& value);

} // namespace redline
