#include "batch/unit_fingerprint.h"

#include "coverage/coverage_job.h"
#include "fnv1a.h"
#include "relative_path.h"
#include "text.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace redline {

const std::vector<std::string>& job_path_options()
{
    static const std::vector<std::string> paths = [] {
        std::vector<std::string> names = coverage_input_options();
        for (const char* activity_only : { "before", "after", "before-mask", "after-mask" })
            names.push_back(activity_only); // activity's redline and zones are coverage's too
        return names;
    }();
    return paths;
}

std::string unit_fingerprint(const Settings& settings, const std::string& job_dir)
{
    std::string text;
    for (const auto& kv : settings) {
        text += kv.first + "=" + kv.second + "\n";
        if (std::find(job_path_options().begin(), job_path_options().end(), kv.first) == job_path_options().end())
            continue;
        std::string path = resolve_relative(kv.second, job_dir);
        const std::size_t bar = path.find('|');
        if (bar != std::string::npos)
            path = path.substr(0, bar);
        std::vector<std::string> files{ path };
        const std::string lower = to_lower(path);
        if (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".shp") == 0)
            for (const char* ext : { ".dbf", ".shx", ".prj", ".cpg" })
                files.push_back(path.substr(0, path.size() - 4) + ext);
        for (const auto& f : files) {
            struct stat st
            {};
            if (::stat(f.c_str(), &st) == 0)
                text += f + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                        std::to_string(st.st_mtim.tv_nsec) + "\n";
            else
                text += f + " missing\n";
        }
    }
    const std::uint64_t h = fnv1a64(text);
    char hex[32];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return std::string("redline ") + REDLINE_VERSION + " " + hex;
}

} // namespace redline
