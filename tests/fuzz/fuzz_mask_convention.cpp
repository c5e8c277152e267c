// libFuzzer target: mask conventions (layers/masks/*.txt).
#include "error.h"
#include "mask_convention.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const redline::MaskConvention m = redline::MaskConvention::parse(text, "fuzz.txt");
        for (std::int64_t v : { -1, 0, 1, 3, 8, 255, 65535 })
            (void)m.invalid(v);
        (void)m.describe();
    } catch (const redline::InputError&) {
    }
    return 0;
}
