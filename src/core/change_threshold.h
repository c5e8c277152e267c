#pragma once

#include <optional>
#include <string>
#include <vector>

namespace redline {

/// @brief Median and robust spread (1.4826 × median absolute deviation) of a sample.
struct RobustStats
{
    double median = 0;
    double sigma = 1;
};

/// Robust statistics of @p values, which are overwritten (reordered, then replaced by deviations).
RobustStats robust_stats(std::vector<float>& values);

/// Kittler–Illingworth minimum-error threshold of a histogram (bin i covers [lo + i·w, lo + (i+1)·w)):
/// the T minimising 1 + 2(P₁ ln σ₁ + P₂ ln σ₂) − 2(P₁ ln P₁ + P₂ ln P₂) for the two classes either
/// side of T, searched between @p search_lo and @p search_hi. nullopt when no interior minimum exists.
std::optional<double> kittler_illingworth(const std::vector<double>& histogram, double lo, double width,
                                          double search_lo, double search_hi);

/// @brief The threshold of one change score, in robust standard deviations above the median.
struct ChangeThreshold
{
    double z = 5;       ///< pixels with (score − median)/sigma ≥ z are changed
    std::string method; ///< "kittler-illingworth", "robust 5 sigma" or "user"
};

/// Chooses the threshold of a change score from its standardised values inside the red line
/// (@p z: (score − median) / robust sigma, the unchanged majority setting the baseline): the
/// Kittler–Illingworth threshold, kept within [4, 8] robust sigmas (a histogram without a change
/// class has no honest minimum, and so few changed pixels that the minimum is off is the usual
/// case inside a red line); 5 sigmas when there is none. A user's @p user_z overrides it.
ChangeThreshold choose_threshold(const std::vector<float>& z, std::optional<double> user_z);

} // namespace redline
