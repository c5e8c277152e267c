#include "keyed_text.h"

#include "error.h"
#include "text.h"

#include <sstream>

namespace redline {

std::vector<KeyedLine> parse_keyed_lines(const std::string& text, const std::string& source)
{
    std::vector<KeyedLine> lines;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::size_t hash = line.find('#');
        const std::string body = trim(hash == std::string::npos ? line : line.substr(0, hash));
        if (body.empty())
            continue;
        const std::string where = source + ":" + std::to_string(number);
        const std::size_t colon = body.find(':');
        if (colon == std::string::npos)
            throw InputError(where + ": expected 'key: value'");
        lines.push_back(KeyedLine{ trim(body.substr(0, colon)), trim(body.substr(colon + 1)), where });
    }
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

} // namespace redline
