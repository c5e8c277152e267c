#include "xml_writer.h"

#include "text.h"

#include <cpl_conv.h>
#include <cpl_string.h>

#include <locale>
#include <sstream>

namespace redline {

std::string as_utf8(const std::string& s)
{
    if (is_utf8(s))
        return s;
    char* ascii = CPLForceToASCII(s.c_str(), int(s.size()), '?');
    std::string out = ascii;
    CPLFree(ascii);
    return out;
}

std::string xml_number(double v)
{
    std::string text;
    for (int precision = 15; precision <= 17; ++precision) {
        std::ostringstream s;
        s.imbue(std::locale::classic());
        s.precision(precision);
        s << v;
        text = s.str();
        std::istringstream back(text);
        back.imbue(std::locale::classic());
        double read = 0;
        if (back >> read && read == v)
            break;
    }
    return text;
}

} // namespace redline
