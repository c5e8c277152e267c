#include "utc_timestamp.h"

#include <ctime>

namespace redline {

std::string utc_timestamp()
{
    const std::time_t t = std::time(nullptr);
    std::tm now{};
    gmtime_r(&t, &now);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &now);
    return buf;
}

} // namespace redline
