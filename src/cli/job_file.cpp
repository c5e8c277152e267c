#include "job_file.h"

#include "error.h"

#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace redline::cli {

JobFile read_job_file(const std::string& path)
{
    JobFile job;
    job.path = path;
    const fs::path p(path);
    job.dir = p.parent_path().empty() ? std::string(".") : p.parent_path().string();
    std::ifstream in(path);
    if (!in)
        throw InputError("--config " + path + ": cannot open the job file");
    po::options_description none;
    po::parsed_options parsed(&none);
    try {
        parsed = po::parse_config_file(in, none, true);
    } catch (const po::error& e) {
        throw InputError("--config " + path + ": " + e.what());
    }
    std::map<std::string, std::size_t> unit_index;
    for (const auto& option : parsed.options) {
        const std::string& full = option.string_key;
        const std::size_t dot = full.rfind('.');
        const std::string section = dot == std::string::npos ? "" : full.substr(0, dot);
        const std::string key = dot == std::string::npos ? full : full.substr(dot + 1);
        const std::string value = option.value.empty() ? "" : option.value.front();
        if (section == "defaults") {
            job.defaults.emplace_back(key, value);
        } else if (section.compare(0, 5, "unit.") == 0 && section.size() > 5) {
            const std::string name = section.substr(5);
            auto it = unit_index.find(name);
            if (it == unit_index.end()) {
                it = unit_index.emplace(name, job.units.size()).first;
                job.units.emplace_back(name, Settings{});
            }
            job.units[it->second].second.emplace_back(key, value);
        } else if (section.empty()) {
            throw InputError("--config " + path + ": key '" + key +
                             "' is outside any section; put it under [defaults] or [unit.NAME]");
        } else {
            throw InputError("--config " + path + ": unknown section [" + section +
                             "]; the sections are [defaults] and [unit.NAME]");
        }
    }
    if (job.units.empty())
        throw InputError("--config " + path + ": the job file has no [unit.NAME] section");
    return job;
}

Settings merged(const Settings& defaults, const Settings& unit)
{
    std::set<std::string> own;
    for (const auto& kv : unit)
        own.insert(kv.first);
    Settings out;
    for (const auto& kv : defaults)
        if (!own.count(kv.first))
            out.push_back(kv);
    out.insert(out.end(), unit.begin(), unit.end());
    return out;
}

} // namespace redline::cli
