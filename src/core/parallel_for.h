#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace redline {

/// parallel_for (below) for work that needs things of its own on each thread: its own GEOS
/// context, its own copies of the geometries it reads (GEOS fills some caches lazily, so even
/// reading one geometry from two threads is unsafe). @p make_state(t) makes thread t's state on
/// the calling thread before any work starts (t = 0 is the calling thread); @p work(state, i)
/// then runs with the state of the thread that took index i.
template<typename MakeState, typename Work>
void parallel_for_with_state(std::size_t count, int threads, MakeState make_state, Work work)
{
    const std::size_t used = std::max<std::size_t>(1, std::min<std::size_t>(count, std::size_t(std::max(1, threads))));
    using State = decltype(make_state(std::size_t(0)));
    std::vector<State> states;
    states.reserve(used);
    for (std::size_t t = 0; t < used; ++t)
        states.push_back(make_state(t));
    std::vector<std::exception_ptr> errors(count);
    std::atomic<std::size_t> next{ 0 };
    auto run = [&](State& state) {
        for (std::size_t i = next++; i < count; i = next++) {
            try {
                work(state, i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < used; ++t)
        pool.emplace_back(run, std::ref(states[t]));
    run(states[0]);
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

/// Calls @p work(i) for every i in [0, @p count) on up to @p threads threads (the calling thread
/// among them), each thread taking the next index as it finishes one, so uneven items balance.
/// @p work must only write what belongs to its index. The first exception, in index order, is
/// rethrown after all threads stopped.
template<typename Work>
void parallel_for(std::size_t count, int threads, Work work)
{
    parallel_for_with_state(count, threads, [](std::size_t) { return 0; }, [&](int&, std::size_t i) { work(i); });
}

} // namespace redline
