#pragma once

#include <string>

namespace redline {

/// @p path as seen from the folder @p base_dir (a job file's folder): a relative local path is
/// joined to it, also inside GDAL's archive handlers (/vsizip/rl.zip/a.shp); absolute paths,
/// connection strings ("PG:dbname=...") and GDAL virtual paths stay as they are.
std::string resolve_relative(const std::string& path, const std::string& base_dir);

} // namespace redline
