#pragma once
// Indented XML appended to a string, every attribute value and text escaped and made valid
// UTF-8: what the QGIS project writer builds its document with.

#include "xml_escape.h"

#include <string>
#include <utility>
#include <vector>

namespace redline {

using Attributes = std::vector<std::pair<std::string, std::string>>;

/// Text that is valid UTF-8: titles may come from user data, and one bad byte would make
/// QGIS reject the whole project.
std::string as_utf8(const std::string& s);

/// Numbers the way QGIS reads them whatever the process locale: '.' decimals, the shortest
/// form that reads back as the same double (567000, not 567000.00000000000).
std::string xml_number(double v);

/// @brief Appends indented XML to a string; escapes every attribute value and text.
class XmlWriter
{
public:
    void open(const std::string& tag, const Attributes& attributes = {})
    {
        start_tag(tag, attributes);
        m_out += ">\n";
        m_open.push_back(tag);
    }
    void close()
    {
        indent(m_open.size() - 1);
        m_out += "</" + m_open.back() + ">\n";
        m_open.pop_back();
    }
    void empty(const std::string& tag, const Attributes& attributes = {})
    {
        start_tag(tag, attributes);
        m_out += "/>\n";
    }
    void text(const std::string& tag, const std::string& value, const Attributes& attributes = {})
    {
        if (value.empty()) {
            empty(tag, attributes);
            return;
        }
        start_tag(tag, attributes);
        m_out += ">" + xml_escape(as_utf8(value), XmlPlace::text) + "</" + tag + ">\n";
    }
    /// Already well-formed XML (checked by the caller), copied as it is.
    void verbatim(const std::string& xml)
    {
        m_out += xml;
        if (!xml.empty() && xml.back() != '\n')
            m_out += '\n';
    }
    void raw(const std::string& s) { m_out += s; }
    const std::string& str() const { return m_out; }

private:
    void indent(std::size_t depth) { m_out.append(2 * depth, ' '); }
    void start_tag(const std::string& tag, const Attributes& attributes)
    {
        indent(m_open.size());
        m_out += "<" + tag;
        for (const auto& [name, value] : attributes)
            m_out += " " + name + "=\"" + xml_escape(as_utf8(value), XmlPlace::attribute) + "\"";
    }

    std::string m_out;
    std::vector<std::string> m_open;
};

} // namespace redline
