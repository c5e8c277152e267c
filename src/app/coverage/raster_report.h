#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace redline {

/// @brief The land-cover raster as the run used it.
struct RasterReport
{
    std::string path, crs, data_type, cell_area_method, table;
    int band = 1;
    double cell_dx = 0, cell_dy = 0;
    int cols = 0, rows = 0;
    std::optional<std::int32_t> nodata;
    std::size_t windows_read = 0;
    int threads = 1;
};

} // namespace redline
