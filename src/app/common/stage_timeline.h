#pragma once

#include <chrono>
#include <string>

namespace redline {

/// @brief When each stage of a run started and ended, on which thread: what `REDLINE_TIMELINE=1`
/// prints after a run (see README: Performance), to see where a run's time goes and which stages
/// overlap.
///
/// Each stage's CPU time on its thread is given beside its wall time: a stage whose CPU time
/// falls well short of its wall time waited (on a lock, the disk, the other core's work).
/// Times are seconds since the process started (its start time from /proc/self/stat, so the
/// dynamic linker's work before main() shows as the gap before the first stage). Recording costs
/// a clock read per stage and nothing when the variable is unset; stages that repeat (one per
/// raster window) are added up per thread instead of listed one by one.
class StageTimeline
{
public:
    /// The process's timeline; enabled when the environment has REDLINE_TIMELINE set (not "0").
    static StageTimeline& instance();

    bool enabled() const { return m_enabled; }
    /// Seconds since the process started.
    double now() const;
    /// A stage that ran from @p start to @p end (seconds since the process started) and used
    /// @p cpu seconds of its thread's CPU time.
    void add(const std::string& stage, double start, double end, double cpu);
    /// Time spent in a repeated stage (summed per thread and stage).
    void add_total(const std::string& stage, double seconds);
    /// The timeline as text, one stage a line in order of start, then the totals.
    std::string report() const;

private:
    StageTimeline();
    bool m_enabled = false;
    std::chrono::steady_clock::time_point m_origin; ///< the process's start on the steady clock
};

/// @brief Records one stage, from construction to destruction, when the timeline is enabled.
class TimedStage
{
public:
    explicit TimedStage(const char* name);
    ~TimedStage();
    TimedStage(const TimedStage&) = delete;
    TimedStage& operator=(const TimedStage&) = delete;

private:
    const char* m_name;
    double m_start = 0;
    double m_cpu_start = 0;
};

} // namespace redline
