#include "report_json.h"

#include "text.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace redline {

std::string json_quote(const std::string& raw)
{
    std::string s = raw;
    if (!is_utf8(s)) {
        // Replace each byte that does not start a valid sequence; reports must stay parseable.
        std::string fixed_text;
        for (std::size_t i = 0; i < raw.size();) {
            std::size_t len = 1;
            const unsigned char c = static_cast<unsigned char>(raw[i]);
            if (c >= 0xF0)
                len = 4;
            else if (c >= 0xE0)
                len = 3;
            else if (c >= 0xC0)
                len = 2;
            const std::string piece = raw.substr(i, len);
            if (c < 0x80 || (piece.size() == len && is_utf8(piece))) {
                fixed_text += piece;
                i += len;
            } else {
                fixed_text += "\xEF\xBF\xBD";
                ++i;
            }
        }
        s = fixed_text;
    }
    std::string out = "\"";
    for (const char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

void JsonWriter::newline()
{
    m_out += '\n';
    m_out.append(m_stack.size() * 2, ' ');
}

void JsonWriter::before_value()
{
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (m_stack.empty()) {
        if (!m_out.empty())
            throw std::logic_error("JsonWriter: more than one top-level value");
        return;
    }
    Level& top = m_stack.back();
    if (top.object)
        throw std::logic_error("JsonWriter: value without a key inside an object");
    if (!top.empty)
        m_out += ',';
    top.empty = false;
    newline();
}

JsonWriter& JsonWriter::key(const std::string& k)
{
    if (m_stack.empty() || !m_stack.back().object || m_after_key)
        throw std::logic_error("JsonWriter: key outside an object");
    Level& top = m_stack.back();
    if (!top.empty)
        m_out += ',';
    top.empty = false;
    newline();
    m_out += json_quote(k) + ": ";
    m_after_key = true;
    return *this;
}

JsonWriter& JsonWriter::begin_object()
{
    before_value();
    m_out += '{';
    m_stack.push_back(Level{ true, true });
    return *this;
}

JsonWriter& JsonWriter::end_object()
{
    if (m_stack.empty() || !m_stack.back().object || m_after_key)
        throw std::logic_error("JsonWriter: unbalanced end_object");
    const bool empty = m_stack.back().empty;
    m_stack.pop_back();
    if (!empty)
        newline();
    m_out += '}';
    return *this;
}

JsonWriter& JsonWriter::begin_array()
{
    before_value();
    m_out += '[';
    m_stack.push_back(Level{ false, true });
    return *this;
}

JsonWriter& JsonWriter::end_array()
{
    if (m_stack.empty() || m_stack.back().object)
        throw std::logic_error("JsonWriter: unbalanced end_array");
    const bool empty = m_stack.back().empty;
    m_stack.pop_back();
    if (!empty)
        newline();
    m_out += ']';
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& s)
{
    before_value();
    m_out += json_quote(s);
    return *this;
}

JsonWriter& JsonWriter::value(double v, int decimals)
{
    before_value();
    m_out += std::isfinite(v) ? fixed(v, decimals) : "null";
    return *this;
}

JsonWriter& JsonWriter::exact(double v)
{
    before_value();
    if (!std::isfinite(v)) {
        m_out += "null";
        return *this;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    m_out += buf;
    return *this;
}

JsonWriter& JsonWriter::raw(const std::string& json)
{
    before_value();
    std::size_t end = json.size();
    while (end > 0 && (json[end - 1] == '\n' || json[end - 1] == ' '))
        --end;
    m_out.append(json, 0, end);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v)
{
    before_value();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(bool b)
{
    before_value();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    before_value();
    m_out += "null";
    return *this;
}

std::string JsonWriter::str() const
{
    if (!m_stack.empty())
        throw std::logic_error("JsonWriter: document not finished");
    return m_out + "\n";
}

} // namespace redline
