#pragma once

#include <string>
#include <vector>

namespace redline {

/// Leading and trailing ASCII white space removed.
std::string trim(const std::string& s);

/// ASCII letters lowered; other bytes (UTF-8 included) unchanged.
std::string to_lower(std::string s);

/// Splits on @p separator, trimming each piece; empty pieces are kept.
std::vector<std::string> split(const std::string& s, char separator);

/// True when @p s is well-formed UTF-8.
bool is_utf8(const std::string& s);

/// Number of digits after the decimal point as written ("25.76" → 2, "65" → 0, "1e-3" → 3).
int decimals_written(const std::string& number);

/// Formats @p value with @p decimals fixed decimals ("%.*f"), "-0" normalised to "0".
std::string fixed(double value, int decimals);

/// Names for a message, comma-separated: the first 30, then ", ..."; "(none)" when there are none.
std::string list_names(const std::vector<std::string>& names);

} // namespace redline
