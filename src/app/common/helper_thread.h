#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace redline {

/// @brief A second thread that runs the jobs posted to it one after another, in the order they
/// were posted, while the posting thread goes on.
///
/// The thread starts with the first job. Going out of scope, it lets the job it is running end,
/// drops those not started and joins: a job must therefore end by itself (or be told to by the
/// owner first), and must not throw (keep an error for the posting thread instead).
class HelperThread
{
public:
    HelperThread() = default;
    ~HelperThread();
    HelperThread(const HelperThread&) = delete;
    HelperThread& operator=(const HelperThread&) = delete;

    void post(std::function<void()> job);

private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace redline
