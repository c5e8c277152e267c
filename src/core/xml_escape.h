#pragma once

#include <string>

namespace redline {

/// @brief Where escaped text goes in an XML (or HTML) document.
enum class XmlPlace
{
    text,      ///< element content: '"', line breaks and tabs stay as they are
    attribute, ///< an attribute value: '"' and line breaks and tabs become references
    html,      ///< HTML text or a double-quoted attribute value: '"' escaped, every other character
               ///< (line breaks, tabs, control characters) left as it is, as the batch report has it
};

/// @p s with '&', '<', '>' (and in attributes and HTML '"'; in XML attributes '\n', '\r', '\t')
/// escaped; in XML, '\r' is always a reference and other control characters, which XML 1.0
/// cannot hold, are dropped.
std::string xml_escape(const std::string& s, XmlPlace place);

} // namespace redline
