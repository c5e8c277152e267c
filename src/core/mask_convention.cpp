#include "mask_convention.h"

#include "error.h"
#include "keyed_text.h"

#include <cstdlib>

namespace redline {

MaskConvention MaskConvention::parse(const std::string& text, const std::string& source)
{
    MaskConvention m;
    std::string kind, invalid;
    std::string invalid_where = source;
    for (const KeyedLine& line : parse_keyed_lines(text, source)) {
        if (line.key == "name")
            m.m_name = line.value;
        else if (line.key == "title")
            continue;
        else if (line.key == "kind")
            kind = line.value;
        else if (line.key == "invalid") {
            invalid = line.value;
            invalid_where = line.where;
        } else
            throw InputError(line.where + ": unknown key '" + line.key + "' (known: name, title, kind, invalid)");
    }
    auto numbers = [&](long lo, long hi) {
        std::set<std::int64_t> out;
        for (const std::string& item : list_items(invalid)) {
            char* end = nullptr;
            const long v = std::strtol(item.c_str(), &end, 10);
            if (*end != '\0' || v < lo || v > hi)
                throw InputError(invalid_where + ": '" + item + "' is not a value between " + std::to_string(lo) +
                                 " and " + std::to_string(hi));
            out.insert(v);
        }
        if (out.empty())
            throw InputError(invalid_where + ": list the invalid values");
        return out;
    };
    if (kind == "values") {
        m.m_kind = Kind::values;
        m.m_values = numbers(-2147483648L, 2147483647L);
    } else if (kind == "bits") {
        m.m_kind = Kind::bits;
        for (std::int64_t bit : numbers(0, 63))
            m.m_bits |= std::uint64_t(1) << bit;
    } else if (kind == "nonzero") {
        m.m_kind = Kind::nonzero;
    } else if (kind == "zero") {
        m.m_kind = Kind::zero;
    } else {
        throw InputError(source + ": kind must be values, bits, nonzero or zero (not '" + kind + "')");
    }
    return m;
}

std::string MaskConvention::describe() const
{
    std::string s = m_name + ": ";
    switch (m_kind) {
        case Kind::values: {
            s += "invalid values";
            for (auto v : m_values)
                s += " " + std::to_string(v);
            break;
        }
        case Kind::bits: {
            s += "invalid bits";
            for (int b = 0; b < 64; ++b)
                if (m_bits & (std::uint64_t(1) << b))
                    s += " " + std::to_string(b);
            break;
        }
        case Kind::nonzero:
            s += "0 clear, anything else invalid";
            break;
        case Kind::zero:
            s += "0 invalid, anything else valid";
            break;
    }
    return s;
}

} // namespace redline
