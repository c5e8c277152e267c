// libFuzzer target: option files (--config) of `redline coverage`, through Boost.Program_options
// and our own value parsing, exactly as the CLI reads them.
#include "commands.h"
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace po = boost::program_options;
    static const po::options_description options = redline::cli::coverage_option_descriptions();
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        po::variables_map vm;
        po::store(po::parse_config_file(in, options, false), vm);
        po::notify(vm);
        (void)redline::cli::coverage_options_from(vm);
    } catch (const po::error&) {
    } catch (const redline::InputError&) {
    }
    return 0;
}
