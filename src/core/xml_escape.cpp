#include "xml_escape.h"

namespace redline {

std::string xml_escape(const std::string& s, XmlPlace place)
{
    const bool attribute = place == XmlPlace::attribute;
    const bool html = place == XmlPlace::html;
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += attribute || html ? "&quot;" : "\"";
            break;
        // A raw line break or tab in an attribute would be normalised to a space by the
        // parser (XML 1.0, 3.3.3); as a character reference it survives.
        case '\n':
            out += attribute ? "&#xa;" : "\n";
            break;
        case '\r':
            out += html ? "\r" : "&#xd;";
            break;
        case '\t':
            out += attribute ? "&#x9;" : "\t";
            break;
        default:
            // Other control characters cannot appear in XML 1.0 at all.
            if (html || static_cast<unsigned char>(c) >= 0x20)
                out += c;
        }
    }
    return out;
}

} // namespace redline
