#pragma once

#include <string>

namespace redline {

/// @brief Where escaped text goes in an XML (or HTML) document.
enum class XmlPlace
{
    text,      ///< element content: '"', line breaks and tabs stay as they are
    attribute, ///< an attribute value: '"' and line breaks and tabs become references
};

/// @p s with '&', '<', '>' (and in attributes '"', '\n', '\r', '\t') escaped; other control
/// characters, which XML 1.0 cannot hold, are dropped.
std::string xml_escape(const std::string& s, XmlPlace place);

} // namespace redline
