#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace redline {

/// @brief How a class counts towards forest coverage (森林覆盖率).
enum class ForestRole
{
    no,     ///< never forest
    yes,    ///< forest (乔木林地, 竹林地, tree cover)
    masked, ///< forest only inside the mask of specially designated shrubland (国家特别规定灌木林地)
};

/// @brief One class of a land-cover or land-use classification.
struct ClassEntry
{
    std::string code; ///< as written in the data: "10" in a raster, "0301" in a DLBM field
    ForestRole forest = ForestRole::no;
    std::string name_en;
    std::string name_zh;
};

/// @brief A classification read from the layer catalogue (`layers/classes/*.txt`).
///
/// The text format, one class per line, `|`-separated, `#` starting a comment:
///
///     name: esa_worldcover
///     title: ESA WorldCover 10 m (v100 2020, v200 2021)
///     kind: raster
///     source: https://esa-worldcover.org/
///     10 | yes    | Tree cover | 树木覆盖
///     20 | masked | Shrubland  | 灌木地
class ClassTable
{
public:
    /// Parses @p text; @p source names the file in error messages.
    static ClassTable parse(const std::string& text, const std::string& source);

    const std::string& name() const { return m_name; }
    const std::string& title() const { return m_title; }
    const std::string& kind() const { return m_kind; }
    const std::string& source_url() const { return m_source_url; }
    const std::vector<ClassEntry>& entries() const { return m_entries; }

    /// The entry for @p code, or nullptr. Codes compare as written, and numerically when both
    /// are integers (so "10" matches "010" and a numeric DLBM field holding 301 matches "0301").
    const ClassEntry* find(const std::string& code) const;

private:
    std::string m_name, m_title, m_kind, m_source_url;
    std::vector<ClassEntry> m_entries;
};

/// @brief Which codes count as forest: in full, or only inside the shrubland mask.
struct ForestCodes
{
    std::set<std::string> full;
    std::set<std::string> masked;

    bool empty() const { return full.empty() && masked.empty(); }
    bool counts(const std::string& code) const { return full.count(code) || masked.count(code); }
};

/// The forest codes a table declares (forest = yes → full, forest = masked → masked).
ForestCodes forest_codes_of(const ClassTable& table);

/// Forest codes from a user's list ("0301,0302,0305"); codes the table (if any) marks as
/// masked stay masked. Codes missing from the table are an InputError naming @p option.
ForestCodes forest_codes_from_list(const std::string& list, const ClassTable* table, const std::string& option);

/// Codes written the canonical way for comparison with data values: integer codes of a raster
/// table are compared as numbers, so this returns the integer for them.
bool code_as_integer(const std::string& code, long long& value);

} // namespace redline
