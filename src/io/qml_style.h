#pragma once
// A QGIS style (QML file) taken apart for embedding in a project: the root's attributes, and
// its content copied byte for byte.

#include "xml_writer.h"

#include <string>

namespace redline {

/// @brief A QML style taken apart: the root's attributes and the root's content as written.
struct QmlStyle
{
    Attributes root_attributes;
    std::string content; ///< the XML between <qgis ...> and </qgis>, verbatim
};

/// Parses @p qml_text, the style of @p layer; a style that is not well-formed or not a QGIS
/// style is an OutputError (the styles ship with redline: a broken one is not the user's input).
QmlStyle parse_qml_style(const std::string& qml_text, const std::string& layer);

} // namespace redline
