#pragma once

#include <cstdint>
#include <string>

namespace redline {

__extension__ typedef __int128 int128_t;           // GCC and Clang; __extension__ keeps -Wpedantic quiet
__extension__ typedef unsigned __int128 uint128_t;

/// @brief A sum of doubles that does not depend on the order of its terms.
///
/// Each term is rounded once to a multiple of 2^-40 (≈ 9.1e-13; for areas in m², a square of
/// one micrometre) and added as a 128-bit integer, so additions are exact and associative: the
/// class areas of a raster come out identical to the last bit whether its windows are added by
/// one thread, by several, or in the shards of a cluster run merged later. The range (±2^86, about
/// 7.7e25) is far beyond any area on Earth.
class ExactSum
{
public:
    ExactSum() = default;

    /// Adds @p value (finite; throws std::overflow_error beyond the range).
    void add(double value);
    void add(const ExactSum& other) { m_units += other.m_units; }

    /// The sum, rounded once to the nearest double.
    double value() const;
    bool is_zero() const { return m_units == 0; }

    /// Exact text form (a decimal integer count of 2^-40 units), for partial results on disk.
    std::string to_string() const;
    /// Parses to_string()'s form; throws std::invalid_argument when @p text is not one.
    static ExactSum from_string(const std::string& text);

    bool operator==(const ExactSum& other) const { return m_units == other.m_units; }

    static constexpr int fraction_bits = 40;

private:
    int128_t m_units = 0;
};

} // namespace redline
