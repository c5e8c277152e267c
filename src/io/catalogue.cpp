#include "catalogue.h"

#include "error.h"
#include "keyed_text.h"
#include "text.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace redline {

namespace {

std::string read_text(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string find_dir(const char* sub)
{
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("REDLINE_DATA_DIR"))
        candidates.emplace_back(fs::path(env) / sub);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        candidates.emplace_back(exe.parent_path().parent_path() / "share" / "redline" / sub);
    candidates.emplace_back(fs::path(REDLINE_INSTALL_DATA_DIR) / sub);
    candidates.emplace_back(std::string(std::string(sub) == "layers" ? REDLINE_SOURCE_LAYERS_DIR
                                                                     : REDLINE_SOURCE_STYLES_DIR));
    for (const auto& c : candidates)
        if (fs::is_directory(c, ec))
            return c.string();
    return candidates.back().string();
}

} // namespace

Catalogue::Catalogue()
  : m_layers(find_dir("layers"))
  , m_styles(find_dir("styles"))
{
}

std::vector<std::string> Catalogue::class_table_names() const
{
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(m_layers) / "classes", ec))
        if (entry.path().extension() == ".txt")
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

bool Catalogue::has_class_table(const std::string& name) const
{
    std::error_code ec;
    return !name.empty() && name.find('/') == std::string::npos &&
           fs::is_regular_file(fs::path(m_layers) / "classes" / (name + ".txt"), ec);
}

ClassTable Catalogue::class_table(const std::string& name, const std::string& option) const
{
    if (!has_class_table(name)) {
        std::string known;
        for (const auto& n : class_table_names())
            known += (known.empty() ? "" : ", ") + n;
        throw InputError(option + ": no class table '" + name + "' in " + m_layers + "/classes; known tables: " +
                         (known.empty() ? "(none: is REDLINE_DATA_DIR right?)" : known));
    }
    const fs::path path = fs::path(m_layers) / "classes" / (name + ".txt");
    return ClassTable::parse(read_text(path), path.string());
}

Catalogue::Schema Catalogue::schema(const std::string& role) const
{
    Schema s;
    const fs::path path = fs::path(m_layers) / "schemas" / (role + ".txt");
    for (const KeyedLine& kv : parse_keyed_lines(read_text(path), path.string(), "'id: FIELD, FIELD, ...'")) {
        const std::vector<std::string> fields = list_items(kv.value);
        if (kv.key == "id")
            s.id = fields;
        else if (kv.key == "name")
            s.name = fields;
        else if (kv.key == "area")
            s.area = fields;
        else if (kv.key == "code")
            s.code = fields;
        else
            throw InputError(kv.where + ": unknown key '" + kv.key + "' (known: id, name, area, code)");
    }
    return s;
}

std::string Catalogue::text(const std::string& subdir, const std::string& name, const std::string& option) const
{
    std::error_code ec;
    const fs::path dir = fs::path(m_layers) / subdir;
    const fs::path path = dir / (name + ".txt");
    if (name.empty() || name.find('/') != std::string::npos || !fs::is_regular_file(path, ec)) {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.path().extension() == ".txt")
                names.push_back(entry.path().stem().string());
        std::sort(names.begin(), names.end());
        std::string known;
        for (const auto& n : names)
            known += (known.empty() ? "" : ", ") + n;
        throw InputError(option + ": no '" + name + "' in " + dir.string() + "; known: " +
                         (known.empty() ? "(none: is REDLINE_DATA_DIR right?)" : known));
    }
    return read_text(path);
}

std::string Catalogue::style(const std::string& name) const
{
    std::error_code ec;
    const fs::path path = fs::path(m_styles) / (name + ".qml");
    if (!fs::is_regular_file(path, ec))
        return "";
    return read_text(path);
}

} // namespace redline
