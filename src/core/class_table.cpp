#include "class_table.h"

#include "keyed_text.h"

#include "error.h"
#include "text.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace redline {

bool code_as_integer(const std::string& code, long long& value)
{
    const std::string t = trim(code);
    if (t.empty())
        return false;
    char* end = nullptr;
    errno = 0;
    value = std::strtoll(t.c_str(), &end, 10);
    return errno == 0 && end && *end == '\0';
}

ClassTable ClassTable::parse(const std::string& text, const std::string& source)
{
    ClassTable table;
    for (const TextLine& line : content_lines(text, source)) {
        const std::string& body = line.body;
        const std::string& where = line.where;
        if (body.find('|') == std::string::npos) {
            const KeyedLine kv = keyed_line(line, "'key: value' or 'code | forest | name_en | name_zh'");
            const std::string& key = kv.key;
            const std::string& value = kv.value;
            if (key == "name")
                table.m_name = value;
            else if (key == "title")
                table.m_title = value;
            else if (key == "kind")
                table.m_kind = value;
            else if (key == "source")
                table.m_source_url = value;
            else
                throw InputError(where + ": unknown key '" + key + "' (known: name, title, kind, source)");
            continue;
        }
        const std::vector<std::string> f = split(body, '|');
        if (f.size() < 3 || f.size() > 4)
            throw InputError(where + ": expected 'code | forest | name_en | name_zh'");
        ClassEntry e;
        e.code = f[0];
        if (e.code.empty())
            throw InputError(where + ": empty class code");
        if (f[1] == "yes")
            e.forest = ForestRole::yes;
        else if (f[1] == "no")
            e.forest = ForestRole::no;
        else if (f[1] == "masked")
            e.forest = ForestRole::masked;
        else
            throw InputError(where + ": forest must be yes, no or masked, not '" + f[1] + "'");
        e.name_en = f[2];
        e.name_zh = f.size() > 3 ? f[3] : "";
        if (table.find(e.code))
            throw InputError(where + ": class code " + e.code + " is listed twice");
        table.m_entries.push_back(e);
    }
    if (table.m_name.empty())
        throw InputError(source + ": the table has no 'name:' line");
    if (table.m_entries.empty())
        throw InputError(source + ": the table lists no classes");
    return table;
}

const ClassEntry* ClassTable::find(const std::string& code) const
{
    long long wanted = 0;
    const bool wanted_int = code_as_integer(code, wanted);
    for (const auto& e : m_entries) {
        if (e.code == code)
            return &e;
        long long have = 0;
        if (wanted_int && code_as_integer(e.code, have) && have == wanted)
            return &e;
    }
    return nullptr;
}

ForestCodes forest_codes_of(const ClassTable& table)
{
    ForestCodes codes;
    for (const auto& e : table.entries()) {
        if (e.forest == ForestRole::yes)
            codes.full.insert(e.code);
        else if (e.forest == ForestRole::masked)
            codes.masked.insert(e.code);
    }
    return codes;
}

ForestCodes forest_codes_from_list(const std::string& list, const ClassTable* table, const std::string& option)
{
    ForestCodes codes;
    for (const std::string& code : split(list, ',')) {
        if (code.empty())
            throw InputError(option + " '" + list + "': empty code in the list");
        if (!table) {
            codes.full.insert(code);
            continue;
        }
        const ClassEntry* e = table->find(code);
        if (!e)
            throw InputError(option + ": code " + code + " is not in the class table '" + table->name() +
                             "'; run 'redline classes " + table->name() + "' to list its codes");
        if (e->forest == ForestRole::masked)
            codes.masked.insert(e->code);
        else
            codes.full.insert(e->code);
    }
    return codes;
}

} // namespace redline
