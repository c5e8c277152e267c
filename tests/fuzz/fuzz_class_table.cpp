// libFuzzer target: class tables of the layer catalogue (layers/classes/*.txt).
#include "class_table.h"
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const redline::ClassTable t = redline::ClassTable::parse(text, "fuzz.txt");
        const redline::ForestCodes codes = redline::forest_codes_of(t);
        for (const auto& e : t.entries())
            (void)t.find(e.code);
        redline::forest_codes_from_list(text.substr(0, 64), &t, "--forest-codes");
        (void)codes;
    } catch (const redline::InputError&) {
        // A clear refusal is the expected outcome for most inputs.
    }
    return 0;
}
