#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace redline {

/// Calls @p work(i) for every i in [0, @p count) on up to @p threads threads (the calling thread
/// among them), each thread taking the next index as it finishes one, so uneven items balance.
/// @p work must only write what belongs to its index. The first exception, in index order, is
/// rethrown after all threads stopped.
template<typename Work>
void parallel_for(std::size_t count, int threads, Work work)
{
    std::vector<std::exception_ptr> errors(count);
    std::atomic<std::size_t> next{ 0 };
    auto run = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            try {
                work(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const std::size_t used = std::min<std::size_t>(count, std::size_t(std::max(1, threads)));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < used; ++t)
        pool.emplace_back(run);
    run();
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace redline
