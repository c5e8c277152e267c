#pragma once

#include <string>
#include <vector>

namespace redline {

/// Registers GDAL's drivers once and sets the process-wide options redline relies on (a bounded
/// block cache, so that memory stays flat whatever the raster size). Safe to call repeatedly.
void gdal_init();

/// @brief Collects the errors and warnings GDAL/OGR/PROJ raise while it is alive.
///
/// GDAL reports problems through CPLError, usually printing them to stderr. Inside this scope
/// they are kept instead, so that the exception redline throws can carry GDAL's own words
/// after the file, layer or feature it was working on.
class CplErrorCapture
{
public:
    CplErrorCapture();
    ~CplErrorCapture();
    CplErrorCapture(const CplErrorCapture&) = delete;
    CplErrorCapture& operator=(const CplErrorCapture&) = delete;

    /// The last error message (empty when none), for appending to our own message.
    std::string last_error() const;
    /// Warnings and errors seen so far.
    const std::vector<std::string>& warnings() const { return m_warnings; }
    const std::vector<std::string>& errors() const { return m_errors; }
    void clear();

private:
    std::vector<std::string> m_errors;
    std::vector<std::string> m_warnings;
};

/// ": <message>" when @p capture holds a GDAL error, "" otherwise.
std::string gdal_says(const CplErrorCapture& capture);

} // namespace redline
