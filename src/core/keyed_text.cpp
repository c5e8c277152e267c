#include "keyed_text.h"

#include "error.h"
#include "text.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace redline {

std::vector<TextLine> content_lines(const std::string& text, const std::string& source)
{
    std::vector<TextLine> lines;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::size_t hash = line.find('#');
        std::string body = trim(hash == std::string::npos ? line : line.substr(0, hash));
        if (!body.empty())
            lines.push_back(TextLine{ std::move(body), source + ":" + std::to_string(number) });
    }
    return lines;
}

KeyedLine keyed_line(const TextLine& line, const std::string& expected)
{
    const std::size_t colon = line.body.find(':');
    if (colon == std::string::npos)
        throw InputError(line.where + ": expected " + expected);
    return KeyedLine{ trim(line.body.substr(0, colon)), trim(line.body.substr(colon + 1)), line.where };
}

std::vector<KeyedLine> parse_keyed_lines(const std::string& text, const std::string& source,
                                         const std::string& expected)
{
    std::vector<KeyedLine> lines;
    for (const TextLine& line : content_lines(text, source))
        lines.push_back(keyed_line(line, expected));
    return lines;
}

std::vector<std::string> list_items(const std::string& value)
{
    std::vector<std::string> items;
    for (const auto& item : split(value, ','))
        if (!item.empty())
            items.push_back(item);
    return items;
}

double catalogue_number(const std::string& text, const std::string& where)
{
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || !end || *end != '\0' || !std::isfinite(v))
        throw InputError(where + ": '" + text + "' is not a number");
    return v;
}

} // namespace redline
