#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace redline {

/// @brief How a quality/cloud mask raster marks the pixels to leave out.
///
/// Read from `layers/masks/NAME.txt`: `kind: values` with `invalid: 0, 1, 3, 8, 9, 10` (e.g.
/// Sentinel-2 SCL), `kind: bits` with the bit numbers that make a pixel invalid (Landsat
/// QA_PIXEL), `kind: nonzero` (0 clear) or `kind: zero` (0 invalid).
class MaskConvention
{
public:
    static MaskConvention parse(const std::string& text, const std::string& source);

    bool invalid(std::int64_t value) const
    {
        switch (m_kind) {
            case Kind::values:
                return m_values.count(value) > 0;
            case Kind::bits:
                return (std::uint64_t(value) & m_bits) != 0;
            case Kind::nonzero:
                return value != 0;
            case Kind::zero:
                return value == 0;
        }
        return false;
    }
    const std::string& name() const { return m_name; }
    std::string describe() const;

private:
    enum class Kind
    {
        values,
        bits,
        nonzero,
        zero
    };
    Kind m_kind = Kind::values;
    std::string m_name;
    std::set<std::int64_t> m_values;
    std::uint64_t m_bits = 0;
};

} // namespace redline
