#include "text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace redline {

std::string trim(const std::string& s)
{
    const char* ws = " \t\r\n\f\v";
    const std::size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos)
        return "";
    const std::size_t e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::string to_lower(std::string s)
{
    for (char& c : s)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return s;
}

std::vector<std::string> split(const std::string& s, char separator)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = s.find(separator, start);
        parts.push_back(trim(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start)));
        if (pos == std::string::npos)
            break;
        start = pos + 1;
    }
    return parts;
}

bool is_utf8(const std::string& s)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        std::size_t len;
        unsigned int cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // Overlong encodings, surrogates and values past U+10FFFF are not UTF-8.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

int decimals_written(const std::string& number)
{
    const std::string t = trim(number);
    const std::size_t e = t.find_first_of("eE");
    const std::string mantissa = t.substr(0, e);
    const std::size_t dot = mantissa.find('.');
    int decimals = dot == std::string::npos ? 0 : int(mantissa.size() - dot - 1);
    if (e != std::string::npos)
        decimals -= std::atoi(t.c_str() + e + 1);
    return decimals < 0 ? 0 : decimals;
}

std::string fixed(double value, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string s(buf);
    // "-0.00" reads as a sign error in a report.
    bool all_zero = true;
    for (char c : s)
        if (c != '-' && c != '0' && c != '.')
            all_zero = false;
    if (all_zero && !s.empty() && s[0] == '-')
        s.erase(0, 1);
    return s;
}

std::string list_names(const std::vector<std::string>& names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 30; ++i)
        out += (i ? ", " : "") + names[i];
    if (names.size() > 30)
        out += ", ...";
    return out.empty() ? "(none)" : out;
}

} // namespace redline
