#include "option_helpers.h"

#include "error.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace redline::cli {

namespace {
std::atomic<bool> g_interrupted{ false };

void on_signal(int)
{
    g_interrupted = true;
}
} // namespace

void install_interrupt_handler()
{
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

bool interrupted()
{
    return g_interrupted;
}

void parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                   const po::positional_options_description* positional, po::variables_map& vm,
                   const std::vector<std::string>& path_options)
{
    try {
        po::command_line_parser parser(args);
        parser.options(visible);
        if (positional)
            parser.positional(*positional);
        po::store(parser.run(), vm);
        if (vm.count("config")) {
            const std::string path = vm["config"].as<std::string>();
            std::ifstream file(path, std::ios::binary);
            if (!file)
                throw InputError("--config " + path + ": cannot open the file");
            std::ostringstream raw;
            raw << file.rdbuf();
            std::string text = raw.str();
            // Windows editors save UTF-8 with a byte-order mark, or UTF-16.
            if (text.compare(0, 3, "\xEF\xBB\xBF") == 0)
                text.erase(0, 3);
            if (text.compare(0, 2, "\xFF\xFE") == 0 || text.compare(0, 2, "\xFE\xFF") == 0)
                throw InputError("--config " + path + ": the file is UTF-16; save it as UTF-8");
            std::istringstream in(text);
            // Values given on the command line win: po::store keeps the first value stored.
            const std::size_t slash = path.rfind('/');
            const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
            try {
                po::parsed_options parsed = po::parse_config_file(in, visible, false);
                for (auto& option : parsed.options)
                    if (std::find(path_options.begin(), path_options.end(), option.string_key) != path_options.end())
                        for (auto& value : option.value)
                            value = resolve_relative(value, dir);
                po::store(parsed, vm);
            } catch (const po::unknown_option& e) {
                throw InputError("--config " + path + ": unknown key '" + e.get_option_name() +
                                 "'; keys are the long option names without '--' (see --help)");
            } catch (const po::error& e) {
                throw InputError("--config " + path + ": " + e.what());
            }
        }
        po::notify(vm);
    } catch (const po::unknown_option& e) {
        throw InputError("unknown option " + e.get_option_name() + "; see --help for the options");
    } catch (const po::invalid_option_value& e) {
        throw InputError(std::string(e.what()) + "; see --help");
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + "; see --help");
    }
}

std::string get(const po::variables_map& vm, const std::string& name)
{
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

std::vector<std::string> get_all(const po::variables_map& vm, const std::string& name)
{
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>();
}

std::string pad(const std::string& s, int width)
{
    int columns = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        columns += len == 3 ? 2 : 1; // U+0800..U+FFFF: CJK and full-width forms in practice
        i += len;
    }
    return s + std::string(std::size_t(std::max(0, width - columns)), ' ');
}

bool stderr_is_terminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

ProgressPrinter::ProgressPrinter(bool quiet)
  : m_quiet(quiet)
  , m_tty(stderr_is_terminal())
{
}

ProgressPrinter::~ProgressPrinter()
{
    if (m_line_open)
        std::fputc('\n', stderr);
}

bool ProgressPrinter::operator()(double fraction, const std::string& stage)
{
    if (interrupted())
        return false;
    if (m_quiet)
        return true;
    const int percent = int(fraction * 100.0 + 0.5);
    if (m_tty) {
        std::fprintf(stderr, "\r[%3d%%] %-60s", percent, stage.c_str());
        std::fflush(stderr);
        m_line_open = true;
    } else {
        const int tenth = int(fraction * 10.0);
        if (stage != m_stage || tenth != m_last_tenth) {
            std::fprintf(stderr, "[%3d%%] %s\n", percent, stage.c_str());
            m_last_tenth = tenth;
        }
    }
    m_stage = stage;
    return true;
}

} // namespace redline::cli
