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

/// @brief One line of a catalogue text with its '#' comment removed, trimmed, and where it came from.
struct TextLine
{
    std::string body;
    std::string where; ///< "file:line", for messages
};

/// The non-blank lines of a catalogue text (class tables, band presets, schemas), comments removed.
std::vector<TextLine> content_lines(const std::string& text, const std::string& source);

/// Splits a "key: value" line at its first ':' (both sides trimmed). A line without ':' is an
/// InputError "file:line: expected EXPECTED".
KeyedLine keyed_line(const TextLine& line, const std::string& expected = "'key: value'");

/// Reads the "key: value" lines of a catalogue text (band presets, mask conventions, schemas),
/// skipping blank lines and '#' comments. A line without ':' is an InputError naming file:line
/// and what was @p expected.
std::vector<KeyedLine> parse_keyed_lines(const std::string& text, const std::string& source,
                                         const std::string& expected = "'key: value'");

/// Splits a comma-separated value into its trimmed, non-empty items.
std::vector<std::string> list_items(const std::string& value);

/// The number a catalogue value gives; an InputError "WHERE: 'TEXT' is not a number" when it is
/// empty, has more after the number, or is not finite.
double catalogue_number(const std::string& text, const std::string& where);

} // namespace redline
