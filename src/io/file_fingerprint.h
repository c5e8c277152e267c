#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace redline {

/// @brief What a plan records of one input file, to tell later whether it changed.
struct FileFingerprint
{
    std::string path;
    std::uint64_t bytes = 0;
    std::int64_t mtime = 0; ///< seconds since the epoch
    std::string sha256;     ///< of the content; empty when not hashed
};

/// The files a dataset consists of, as GDAL lists them (a Shapefile's .shp, .shx, .dbf, .prj and
/// .cpg; a raster with its .aux.xml or .ovr), or @p path alone when GDAL cannot open it; empty for
/// connection strings (PG:...), which have no files. Works on GDAL virtual paths (/vsis3/...).
std::vector<std::string> dataset_files(const std::string& path);

/// Size and modification time (VSIStatL), and with @p hash the SHA-256 of the content read through
/// GDAL's virtual file system. Throws InputError naming @p option when the file cannot be read.
FileFingerprint fingerprint_file(const std::string& path, bool hash, const std::string& option);

/// One file to fingerprint, with the option it came from (for messages).
struct FileToFingerprint
{
    std::string path;
    std::string option;
};

/// fingerprint_file() of each of @p files (hashed), on up to @p threads threads: a plan over a
/// mosaic of many image files would otherwise hash hundreds of gigabytes on one core. The results
/// are in the order of @p files; @p on_start (may be empty) is called, one call at a time, as each
/// file is started. The first error (in file order) is rethrown after all threads stopped.
std::vector<FileFingerprint> fingerprint_files(const std::vector<FileToFingerprint>& files, int threads,
                                               const std::function<void(const std::string&)>& on_start);

} // namespace redline
