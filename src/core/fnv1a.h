#pragma once

#include <cstdint>
#include <string>

namespace redline {

/// FNV-1a, 64 bits, of @p text's bytes: a fast, stable hash for ids and fingerprints that must be
/// the same from run to run and machine to machine (not for security).
inline std::uint64_t fnv1a64(const std::string& text)
{
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

} // namespace redline
