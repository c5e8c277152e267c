#pragma once

#include "ledger/ledger_job.h"

#include <string>

namespace redline {

/// Writes the ledger's summary where @p options say (--csv, --json), each file atomically.
void write_ledger_summary(const LedgerSummary& summary, const LedgerSummaryOptions& options);
/// The summary as JSON text: campaigns, their red-line polygons' tallies and the verdicts.
std::string ledger_summary_json(const LedgerSummary& summary);

} // namespace redline
