#pragma once

#include <string>
#include <vector>

namespace redline {

/// @brief A table of text cells written as CSV through OGR's CSV driver: UTF-8 with a byte-order
/// mark (so that Excel shows Chinese names), quoting only where needed, written atomically.
///
/// Cells are text: callers format numbers (fixed decimals) so that figures read the same in
/// CSV and JSON.
struct CsvTable
{
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

void write_csv(const CsvTable& table, const std::string& path, const std::string& option);

} // namespace redline
