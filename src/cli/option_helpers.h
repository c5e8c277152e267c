#pragma once

#include "error.h"
#include "relative_path.h"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace redline::cli {

namespace po = boost::program_options;

/// Parses command-line arguments (and, with --config FILE, an INI file using the same long
/// option names) into @p vm. Unknown options and malformed values become InputError messages
/// that name the option. Relative paths in a config file, for the options named in
/// @p path_options, are taken relative to the file's folder, so a job file can travel with its data.
void parse_options(const std::vector<std::string>& args, const po::options_description& visible,
                   const po::positional_options_description* positional, po::variables_map& vm,
                   const std::vector<std::string>& path_options = {});

/// Runs @p convert (turning parsed options into a job's options); when it rejects a value and the
/// options came partly from --config FILE, the message says so.
template<typename Convert>
auto options_naming_config(const po::variables_map& vm, Convert convert) -> decltype(convert())
{
    try {
        return convert();
    } catch (const Error& e) {
        if (!vm.count("config"))
            throw;
        throw InputError(std::string(e.what()) + " (options from the command line or --config " +
                         vm["config"].as<std::string>() + ")");
    }
}

/// The value of a string option, or "" when absent.
std::string get(const po::variables_map& vm, const std::string& name);

/// All values of a repeatable option (empty when absent).
std::vector<std::string> get_all(const po::variables_map& vm, const std::string& name);

/// @p s padded with spaces to @p width terminal columns (CJK characters take two).
std::string pad(const std::string& s, int width);

/// True when stderr is a terminal (progress then redraws one line).
bool stderr_is_terminal();

/// @brief Progress on stderr: one redrawn line on a terminal, a plain log line per stage (and
/// every 10 %) otherwise; silent when quiet. Returns false once Ctrl-C has been pressed.
class ProgressPrinter
{
public:
    explicit ProgressPrinter(bool quiet);
    ~ProgressPrinter();
    bool operator()(double fraction, const std::string& stage);

private:
    bool m_quiet;
    bool m_tty;
    std::string m_stage;
    int m_last_tenth = -1;
    bool m_line_open = false;
};

/// Installs a SIGINT/SIGTERM handler that asks running work to stop (ProgressPrinter sees it).
void install_interrupt_handler();
bool interrupted();

} // namespace redline::cli
