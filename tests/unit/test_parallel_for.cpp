// The thread-pool loop and the GEOS contexts lent to its threads.
#include "geos_context.h"
#include "parallel_for.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

using namespace redline;

TEST(ParallelFor, EveryIndexRunsOnceAndStatesAreMadeOnTheCallingThread)
{
    const std::size_t count = 1000;
    std::vector<int> visits(count, 0);
    std::vector<std::thread::id> made_on;
    std::set<std::size_t> thread_numbers;
    struct State
    {
        std::size_t thread;
        std::size_t items = 0;
    };
    std::vector<std::size_t> items_per_state(4, 0);
    parallel_for_with_state(
      count,
      4,
      [&](std::size_t t) {
          made_on.push_back(std::this_thread::get_id());
          thread_numbers.insert(t);
          return std::make_unique<State>(State{ t });
      },
      [&](std::unique_ptr<State>& s, std::size_t i) {
          ++visits[i];
          ++s->items;
          items_per_state[s->thread] = s->items; // each state belongs to one thread
      });
    for (std::size_t i = 0; i < count; ++i)
        ASSERT_EQ(visits[i], 1) << "index " << i;
    EXPECT_EQ(thread_numbers, (std::set<std::size_t>{ 0, 1, 2, 3 }));
    for (const auto& id : made_on)
        EXPECT_EQ(id, std::this_thread::get_id());
    std::size_t total = 0;
    for (std::size_t n : items_per_state)
        total += n;
    EXPECT_EQ(total, count);
}

TEST(ParallelFor, NoMoreThreadsThanItemsAndOneForNone)
{
    std::size_t states = 0;
    parallel_for_with_state(
      3, 8, [&](std::size_t) { return ++states; }, [](std::size_t&, std::size_t) {});
    EXPECT_EQ(states, 3u);
    states = 0;
    parallel_for_with_state(
      0, 8, [&](std::size_t) { return ++states; }, [](std::size_t&, std::size_t) { FAIL(); });
    EXPECT_EQ(states, 1u);
}

TEST(ParallelFor, TheFirstErrorInIndexOrderIsRethrown)
{
    for (int threads : { 1, 2, 4 }) {
        try {
            parallel_for(100, threads, [](std::size_t i) {
                if (i == 70 || i == 30) throw std::runtime_error(std::to_string(i));
            });
            FAIL() << "no exception with " << threads << " threads";
        } catch (const std::runtime_error& e) {
            EXPECT_STREQ(e.what(), "30");
        }
    }
}

TEST(GeosLease, LeasesAreExclusiveAndGeometriesOutliveThem)
{
    GeomPtr made_on_lease;
    GEOSContextHandle_t first = nullptr;
    {
        const GeosLease a;
        const GeosLease b;
        EXPECT_NE(a.context().handle(), b.context().handle());
        first = a.context().handle();
        made_on_lease = from_rings(
          a.context(), Rings{ { Ring{ { { 0, 0 }, { 2, 0 }, { 2, 1 }, { 0, 1 }, { 0, 0 } }, false } } });
    }
    // Returned contexts are lent again, and the geometry made with one is still whole.
    const GeosLease again;
    const GeosLease again2;
    EXPECT_TRUE(again.context().handle() == first || again2.context().handle() == first);
    const GeosContext other;
    double area = 0;
    ASSERT_EQ(GEOSArea_r(other.handle(), made_on_lease.get(), &area), 1);
    EXPECT_EQ(area, 2.0);
}

TEST(GeosLease, ThreadsWorkOnTheirOwnContexts)
{
    std::vector<GeomPtr> made(64);
    parallel_for_with_state(
      made.size(),
      4,
      [](std::size_t) { return std::make_unique<GeosLease>(); },
      [&](std::unique_ptr<GeosLease>& lease, std::size_t i) {
          const double s = double(i + 1);
          made[i] =
            from_rings(lease->context(),
                       Rings{ { Ring{ { { 0, 0 }, { s, 0 }, { s, s }, { 0, s }, { 0, 0 } }, false } } });
      });
    const GeosContext ctx;
    for (std::size_t i = 0; i < made.size(); ++i) {
        double area = 0;
        ASSERT_EQ(GEOSArea_r(ctx.handle(), made[i].get(), &area), 1);
        EXPECT_EQ(area, double((i + 1) * (i + 1)));
    }
}
