// libFuzzer target: option values users type: --target/--verify figures, areas with units, and
// the text helpers behind them.
#include "area_unit.h"
#include "error.h"
#include "figure_check.h"
#include "keyed_text.h"
#include "text.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const redline::FigureCheck c = redline::FigureCheck::parse(text, redline::FigureCheck::Kind::verify, "--verify");
        (void)redline::evaluate(c, 25.0);
        (void)c.tolerance();
    } catch (const redline::InputError&) {
    }
    try {
        (void)redline::parse_area_figure(text, "--reported-area");
    } catch (const redline::InputError&) {
    }
    try {
        (void)redline::parse_keyed_lines(text, "fuzz.txt");
    } catch (const redline::InputError&) {
    }
    (void)redline::decimals_written(text);
    (void)redline::is_utf8(text);
    (void)redline::split(text, ',');
    return 0;
}
