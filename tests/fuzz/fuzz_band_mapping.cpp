// libFuzzer target: --bands values and band presets (layers/bands/*.txt).
#include "band_mapping.h"
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const redline::BandMapping m = redline::BandMapping::parse(text, "--bands");
        (void)m.describe();
        (void)m.max_band();
    } catch (const redline::InputError&) {
    }
    try {
        (void)redline::BandMapping::parse_preset(text, "fuzz.txt");
    } catch (const redline::InputError&) {
    }
    return 0;
}
