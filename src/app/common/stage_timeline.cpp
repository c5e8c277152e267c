#include "common/stage_timeline.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <vector>

namespace redline {

namespace {

struct Entry
{
    std::string stage;
    int thread;
    double start, end, cpu;
};

std::mutex g_mutex;
std::vector<Entry> g_entries;
std::map<std::pair<std::string, int>, std::pair<double, int>> g_totals; // (stage, thread) -> (seconds, count)
std::map<std::thread::id, int> g_threads;

int thread_number() // under g_mutex: 0 for the first thread seen (the main thread), then 1, 2 ...
{
    const auto it = g_threads.emplace(std::this_thread::get_id(), int(g_threads.size())).first;
    return it->second;
}

/// Seconds the process has been running: now on CLOCK_BOOTTIME less its start time from
/// /proc/self/stat (field 22, in clock ticks since boot: a 10 ms resolution).
double seconds_since_exec()
{
    std::ifstream stat("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const std::size_t paren = text.rfind(')'); // the command name may hold spaces
    if (paren == std::string::npos) return 0.0;
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22) {
            timespec now{};
            clock_gettime(CLOCK_BOOTTIME, &now);
            const double started = std::strtod(field.c_str(), nullptr) / double(sysconf(_SC_CLK_TCK));
            return std::max(0.0, double(now.tv_sec) + 1e-9 * double(now.tv_nsec) - started);
        }
    return 0.0;
}

/// CPU time of the calling thread, in seconds.
double thread_cpu_seconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

} // namespace

StageTimeline::StageTimeline()
{
    const char* v = std::getenv("REDLINE_TIMELINE");
    m_enabled = v && *v && std::strcmp(v, "0") != 0;
    const auto now = std::chrono::steady_clock::now();
    m_origin = now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(m_enabled ? seconds_since_exec() : 0.0));
}

StageTimeline& StageTimeline::instance()
{
    static StageTimeline timeline;
    return timeline;
}

double StageTimeline::now() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_origin).count();
}

void StageTimeline::add(const std::string& stage, double start, double end, double cpu)
{
    if (!m_enabled) return;
    std::lock_guard<std::mutex> lock(g_mutex);
    g_entries.push_back(Entry{ stage, thread_number(), start, end, cpu });
}

void StageTimeline::add_total(const std::string& stage, double seconds)
{
    if (!m_enabled) return;
    std::lock_guard<std::mutex> lock(g_mutex);
    auto& t = g_totals[{ stage, thread_number() }];
    t.first += seconds;
    ++t.second;
}

std::string StageTimeline::report() const
{
    std::lock_guard<std::mutex> lock(g_mutex);
    std::vector<Entry> entries = g_entries;
    std::stable_sort(
      entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.start < b.start; });
    std::string out = "timeline (s since the process started: start, end, wall, the thread's CPU time; thread 0 is the main thread):\n";
    char line[256];
    for (const Entry& e : entries) {
        std::snprintf(line,
                      sizeof line,
                      "  %7.3f %7.3f %7.3f %7.3f  t%d  %s\n",
                      e.start,
                      e.end,
                      e.end - e.start,
                      e.cpu,
                      e.thread,
                      e.stage.c_str());
        out += line;
    }
    if (!g_totals.empty()) out += "summed over the windows each thread read:\n";
    for (const auto& kv : g_totals) {
        std::snprintf(line,
                      sizeof line,
                      "  %7.3f s  t%d  %s (%d)\n",
                      kv.second.first,
                      kv.first.second,
                      kv.first.first.c_str(),
                      kv.second.second);
        out += line;
    }
    std::snprintf(line, sizeof line, "  %7.3f s  until this report\n", now());
    return out + line;
}

TimedStage::TimedStage(const char* name)
  : m_name(name)
{
    const StageTimeline& t = StageTimeline::instance();
    if (t.enabled()) {
        m_start = t.now();
        m_cpu_start = thread_cpu_seconds();
    }
}

TimedStage::~TimedStage()
{
    StageTimeline& t = StageTimeline::instance();
    if (t.enabled()) t.add(m_name, m_start, t.now(), thread_cpu_seconds() - m_cpu_start);
}

} // namespace redline
