#include "exact_sum.h"

#include <cmath>
#include <stdexcept>

namespace redline {

namespace {
constexpr int max_shift = 126 - 53; // keeps |units| below 2^126 for any single term
}

void ExactSum::add(double value)
{
    if (value == 0.0)
        return;
    if (!std::isfinite(value))
        throw std::overflow_error("ExactSum: a term is not finite");
    // value = mantissa × 2^(exponent − 53) with an integer |mantissa| < 2^53, exactly.
    int exponent = 0;
    const double fraction = std::frexp(value, &exponent);
    const auto mantissa = static_cast<std::int64_t>(std::ldexp(fraction, 53));
    const int shift = exponent - 53 + fraction_bits; // units = mantissa × 2^shift
    if (shift > max_shift)
        throw std::overflow_error("ExactSum: a term is beyond the range (2^86)");
    const std::uint64_t magnitude = static_cast<std::uint64_t>(mantissa < 0 ? -mantissa : mantissa);
    if (shift >= 0) {
        const int128_t units = static_cast<int128_t>(static_cast<uint128_t>(magnitude) << shift);
        m_units += mantissa < 0 ? -units : units;
        return;
    }
    if (shift <= -64)
        return; // below half a unit: rounds to zero
    // Round to nearest, ties away from zero (deterministic; any fixed rule keeps sums order-free).
    const int s = -shift;
    std::uint64_t q = magnitude >> s;
    if ((magnitude >> (s - 1)) & 1u)
        ++q;
    m_units += mantissa < 0 ? -static_cast<int128_t>(q) : static_cast<int128_t>(q);
}

double ExactSum::value() const
{
    // The integer → double conversion rounds once, to nearest; scaling by 2^-40 is exact.
    return std::ldexp(static_cast<double>(m_units), -fraction_bits);
}

std::string ExactSum::to_string() const
{
    if (m_units == 0)
        return "0";
    const bool negative = m_units < 0;
    uint128_t u = negative ? -static_cast<uint128_t>(m_units) : static_cast<uint128_t>(m_units);
    std::string digits;
    while (u) {
        digits.insert(digits.begin(), char('0' + int(u % 10)));
        u /= 10;
    }
    return negative ? "-" + digits : digits;
}

ExactSum ExactSum::from_string(const std::string& text)
{
    ExactSum s;
    std::size_t i = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative)
        ++i;
    if (i >= text.size() || text.size() - i > 38)
        throw std::invalid_argument("not an exact sum: '" + text + "'");
    uint128_t u = 0;
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9')
            throw std::invalid_argument("not an exact sum: '" + text + "'");
        u = u * 10 + unsigned(text[i] - '0');
    }
    s.m_units = negative ? -static_cast<int128_t>(u) : static_cast<int128_t>(u);
    return s;
}

} // namespace redline
