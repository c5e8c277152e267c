#pragma once

#include "class_table.h"

#include <string>
#include <vector>

namespace redline {

/// @brief The layer catalogue (`layers/`) and the styles (`styles/`) redline reads at run time.
///
/// Found, in order, under $REDLINE_DATA_DIR, beside the executable's installation
/// (PREFIX/share/redline) and in the source tree the binary was built from.
class Catalogue
{
public:
    Catalogue();

    const std::string& layers_dir() const { return m_layers; }
    const std::string& styles_dir() const { return m_styles; }

    /// Names of the class tables in layers/classes/.
    std::vector<std::string> class_table_names() const;
    bool has_class_table(const std::string& name) const;
    /// Loads layers/classes/NAME.txt; an unknown name is an InputError listing the known ones.
    ClassTable class_table(const std::string& name, const std::string& option) const;

    /// @brief Field names to try for a layer's id, name, area and class code.
    struct Schema
    {
        std::vector<std::string> id, name, area, code;
    };
    /// layers/schemas/ROLE.txt ("id: XZQDM, BSM, ..." lines); empty when there is none.
    Schema schema(const std::string& role) const;

    /// The text of layers/SUBDIR/NAME.txt (band presets, mask conventions); an unknown name is an
    /// InputError naming @p option and listing the known ones.
    std::string text(const std::string& subdir, const std::string& name, const std::string& option) const;

    /// The text of styles/NAME.qml; empty when missing.
    std::string style(const std::string& name) const;

private:
    std::string m_layers;
    std::string m_styles;
};

} // namespace redline
