#pragma once

#include <string>

namespace redline {

/// The current time in UTC as ISO 8601 to the second ("2026-11-23T08:52:07Z"): what plans, shard
/// results and ledger merges record of when they were made.
std::string utc_timestamp();

} // namespace redline
