#pragma once

#include <string>
#include <vector>

namespace redline {

/// @brief One "key: value" line of a catalogue file, with where it came from.
struct KeyedLine
{
    std::string key;
    std::string value;
    std::string where; ///< "file:line", for messages
};

/// Reads the "key: value" lines of a catalogue text (band presets, mask conventions, schemas),
/// skipping blank lines and '#' comments. A line without ':' is an InputError naming file:line.
std::vector<KeyedLine> parse_keyed_lines(const std::string& text, const std::string& source);

/// Splits a comma-separated value into its trimmed, non-empty items.
std::vector<std::string> list_items(const std::string& value);

} // namespace redline
