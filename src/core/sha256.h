#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace redline {

/// @brief SHA-256 (FIPS 180-4), fed in pieces: the content hash a plan records for each input,
/// the same digest `sha256sum` prints, so a user can check a file by hand.
class Sha256
{
public:
    Sha256();
    void update(const void* data, std::size_t size);
    /// The digest as 64 lowercase hex digits; the object must not be updated afterwards.
    std::string hex_digest();

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_length = 0; ///< bytes hashed so far
};

/// SHA-256 of a string, as hex.
std::string sha256_hex(const std::string& data);

} // namespace redline
