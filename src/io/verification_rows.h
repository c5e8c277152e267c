#pragma once
// The reader of the field teams' edited tables (the ledger's export, or the activity CSV or
// GeoPackage), whose verification columns `redline ledger import` brings into the ledger.

#include "ledger_matching.h"

#include <string>
#include <vector>

namespace redline {

/// @brief One row of a field team's edited table.
struct VerificationRow
{
    std::string where; ///< "row 3 (line 4)" in a CSV, "feature FID 3" elsewhere
    std::string ledger_id, patch_id;
    Verification values;
};

/// @brief A field team's edited table (the activity CSV/GeoPackage or the ledger's own export).
struct VerificationInput
{
    std::string label;
    bool has_ledger_id = false, has_patch_id = false;
    std::vector<std::string> columns; ///< the verification columns present
    std::vector<VerificationRow> rows;
};

/// Reads the key columns (ledger_id and/or patch_id) and the verification columns of every row.
/// @param layer empty: the only layer, else ledger_patches, else activity_patches
VerificationInput read_verification_rows(const std::string& path, const std::string& layer, const std::string& option);

} // namespace redline
