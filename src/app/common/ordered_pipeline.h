#pragma once

#include "error.h"

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace redline {

/// Runs @p count work items on @p threads threads and hands their results to @p consume in item
/// order, one at a time.
///
/// Each thread gets its own worker from @p make_worker(thread index) — GDAL datasets and PROJ
/// objects are not shared between threads — and calls it as `Result worker(std::size_t item)`.
/// Results that finish early wait (at most @p pending_per_thread per thread; a thread that runs too
/// far ahead waits too), so memory stays bounded and the consumer sees items in order: sums come out the same
/// whatever the thread count, and order-dependent consumers (row-by-row labelling) just work.
/// @p consume may return false to cancel (e.g. on Ctrl-C): Cancelled is thrown. The first
/// exception of any thread is rethrown here after all threads stopped.
///
/// With @p owner (item → thread index in [0, threads)), each thread takes only its own items, in
/// order: tiles of an image can then stay with the thread whose GDAL block cache already holds the
/// blocks around them, instead of being decompressed once per thread.
template<typename Result, typename MakeWorker, typename Consume>
void run_ordered(std::size_t count, int threads, MakeWorker make_worker, Consume consume, int pending_per_thread = 4,
                 std::function<int(std::size_t, int)> owner = nullptr)
{
    threads = int(std::max<std::size_t>(1, std::min<std::size_t>(count, std::size_t(std::max(1, threads)))));
    const std::size_t max_pending = std::size_t(std::max(1, pending_per_thread) * threads);
    std::mutex mutex;
    std::condition_variable cv;
    std::map<std::size_t, Result> pending;
    std::size_t next_item = 0, next_to_consume = 0;
    std::vector<std::size_t> next_own(std::size_t(threads), 0);
    bool stop = false, cancelled = false;
    std::exception_ptr failure;

    auto run = [&](int t) {
        try {
            auto worker = make_worker(t);
            while (true) {
                std::size_t item;
                {
                    std::unique_lock<std::mutex> lock(mutex);
                    if (owner) {
                        std::size_t& own = next_own[std::size_t(t)];
                        while (own < count && owner(own, threads) != t)
                            ++own;
                        cv.wait(lock, [&] { return stop || own >= count || own < next_to_consume + max_pending; });
                        if (stop || own >= count)
                            return;
                        item = own++;
                    } else {
                        cv.wait(lock,
                                [&] { return stop || next_item >= count || next_item < next_to_consume + max_pending; });
                        if (stop || next_item >= count)
                            return;
                        item = next_item++;
                    }
                }
                Result result = worker(item);
                std::lock_guard<std::mutex> lock(mutex);
                if (stop)
                    return;
                pending.emplace(item, std::move(result));
                while (!stop && !pending.empty() && pending.begin()->first == next_to_consume) {
                    if (!consume(next_to_consume, std::move(pending.begin()->second))) {
                        stop = cancelled = true;
                    }
                    pending.erase(pending.begin());
                    ++next_to_consume;
                }
                cv.notify_all();
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
            cv.notify_all();
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(run, t);
    run(0);
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (cancelled)
        throw Cancelled();
}

} // namespace redline
