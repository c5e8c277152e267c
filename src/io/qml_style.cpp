#include "qml_style.h"

#include "error.h"
#include "gdal_error.h"

#include <cpl_minixml.h>
#include <cpl_string.h>

#include <memory>

namespace redline {

namespace {

/// @brief Releases a tree from CPLParseXMLString.
struct XmlTreeDeleter
{
    void operator()(CPLXMLNode* node) const { CPLDestroyXMLNode(node); }
};
using XmlTree = std::unique_ptr<CPLXMLNode, XmlTreeDeleter>;

/// Index just past the '>' closing the tag that starts at @p at, skipping quoted values (an
/// attribute may hold a '>').
std::size_t end_of_tag(const std::string& s, std::size_t at)
{
    char quote = 0;
    for (std::size_t i = at; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i + 1;
        }
    }
    return std::string::npos;
}

} // namespace

QmlStyle parse_qml_style(const std::string& qml_text, const std::string& layer)
{
    const std::string where = "QGIS project: the style of layer " + layer;
    std::string qml = qml_text;
    if (qml.compare(0, 3, "\xEF\xBB\xBF") == 0)
        qml.erase(0, 3);

    // GDAL's parser checks that the style is well-formed and unescapes the root's attributes;
    // the content itself is copied as QGIS wrote it, byte for byte, so nothing in it (entity
    // references, line breaks inside attributes, CDATA) can be altered by a re-serialisation.
    CplErrorCapture capture;
    XmlTree tree(CPLParseXMLString(qml.c_str()));
    if (!tree)
        throw OutputError(where + " is not well-formed XML" + gdal_says(capture));
    const CPLXMLNode* root = tree.get();
    while (root && !(root->eType == CXT_Element && EQUAL(root->pszValue, "qgis")))
        root = root->psNext;
    if (!root)
        throw OutputError(where + " is not a QGIS style: its root element is not <qgis>");

    QmlStyle style;
    for (const CPLXMLNode* a = root->psChild; a; a = a->psNext) {
        if (a->eType != CXT_Attribute)
            continue;
        const std::string name = a->pszValue;
        // version and styleCategories describe the QML file, not the layer.
        if (name == "version" || name == "styleCategories")
            continue;
        const char* text = a->psChild && a->psChild->pszValue ? a->psChild->pszValue : "";
        style.root_attributes.emplace_back(name, text);
    }

    // Find the root's start tag: skip the XML declaration, the DOCTYPE and comments.
    std::size_t at = 0;
    for (;;) {
        at = qml.find('<', at);
        if (at == std::string::npos)
            throw OutputError(where + ": no <qgis> element");
        if (qml.compare(at, 4, "<!--") == 0) {
            const std::size_t end = qml.find("-->", at);
            at = end == std::string::npos ? end : end + 3;
        } else if (qml.compare(at, 2, "<?") == 0) {
            const std::size_t end = qml.find("?>", at);
            at = end == std::string::npos ? end : end + 2;
        } else if (qml.compare(at, 2, "<!") == 0) {
            at = end_of_tag(qml, at);
        } else {
            break;
        }
        if (at == std::string::npos)
            throw OutputError(where + " is truncated");
    }
    const std::size_t content_begin = end_of_tag(qml, at);
    if (content_begin == std::string::npos)
        throw OutputError(where + " is truncated");
    if (qml[content_begin - 2] == '/') // <qgis .../>: a style with nothing in it
        return style;
    const std::size_t content_end = qml.rfind("</qgis");
    if (content_end == std::string::npos || content_end < content_begin)
        throw OutputError(where + ": no </qgis>");
    style.content = qml.substr(content_begin, content_end - content_begin);
    // Drop the line break after the start tag and the indentation before the end tag.
    const std::size_t first = style.content.find_first_not_of("\r\n");
    style.content.erase(0, first == std::string::npos ? style.content.size() : first);
    const std::size_t last = style.content.find_last_not_of(" \t");
    style.content.erase(last == std::string::npos ? 0 : last + 1);
    return style;
}

} // namespace redline
