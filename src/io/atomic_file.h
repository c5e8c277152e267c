#pragma once

#include <string>

namespace redline {

/// @brief An output written under a temporary name beside its final path and renamed over it
/// only when complete, so a reader (or a crash) never sees a half-written file and an existing
/// output is replaced only by a whole new one.
///
/// The temporary name keeps the final extension (GDAL picks drivers by it). If commit() is
/// never called, the destructor removes the temporary file and its SQLite side files.
class AtomicOutput
{
public:
    /// @param option the option naming the output, for messages
    AtomicOutput(const std::string& final_path, const std::string& option);
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    const std::string& temp_path() const { return m_temp; }
    const std::string& final_path() const { return m_final; }

    /// Renames the temporary file over the final path.
    void commit();

private:
    std::string m_final;
    std::string m_temp;
    std::string m_option;
    bool m_committed = false;
};

/// Checks, before any long work, that @p path can be written as an output: its folder exists and
/// is writable and it is not a folder itself. Throws InputError naming @p option: found before
/// the work, a bad output path is the user's input (exit status 2). AtomicOutput runs the same
/// checks when it starts writing, and throws OutputError then (exit status 3).
void check_output_path(const std::string& path, const std::string& option);

/// A GeoPackage output must be named *.gpkg: QGIS and GDAL go by the extension. Throws InputError.
void check_geopackage_name(const std::string& path, const std::string& option);

/// Removes stale temporary outputs a killed run may have left beside @p final_path.
void remove_stale_temporaries(const std::string& final_path);

/// Writes @p content to @p path atomically (see AtomicOutput).
void write_file_atomically(const std::string& path, const std::string& content, const std::string& option);

/// Canonical absolute form of a path for comparing an output with the inputs (the path itself
/// when it does not exist yet, with its directory resolved).
std::string canonical_path(const std::string& path);

} // namespace redline
