#include "relative_path.h"

namespace redline {

std::string resolve_relative(const std::string& path, const std::string& base_dir)
{
    if (path.empty() || base_dir.empty())
        return path;
    // GDAL's archive handlers wrap a local path, which may be relative: /vsizip/rl.zip/a.shp.
    for (const char* prefix : { "/vsizip/", "/vsitar/", "/vsigzip/", "/vsi7z/", "/vsirar/" }) {
        const std::string p(prefix);
        if (path.compare(0, p.size(), p) == 0 && path.size() > p.size() && path[p.size()] != '/' &&
            path[p.size()] != '{')
            return p + resolve_relative(path.substr(p.size()), base_dir);
    }
    if (path[0] == '/')
        return path;
    // Connection strings and GDAL virtual paths ("PG:dbname=...", "GPKG:...") are not files.
    const std::size_t colon = path.find(':');
    if (colon != std::string::npos && colon > 1 && path.find('/') > colon)
        return path;
    return base_dir + "/" + path;
}

} // namespace redline
