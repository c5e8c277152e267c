#include "class_runs.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace redline {

void add_class_runs(const std::uint8_t* values, int begin, int end, const LinearAreas& areas, double* const sums[8])
{
    if (begin >= end)
        return;
    // Consecutive runs go to different banks, so that a run does not wait for the addition of
    // the one before to the same class (often the next but one).
    unsigned bank = 0;
    int run_start = begin;
    std::uint8_t value = values[begin];
    auto close_run = [&](int at) { // the run [run_start, at) ends; the next starts at `at`
        sums[bank++ & 7][value] += areas.run(run_start, at - run_start);
        run_start = at;
        value = values[at];
    };
    int c = begin + 1;
#if defined(__SSE2__)
    for (; c + 16 <= end; c += 16) {
        const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + c));
        const __m128i left = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + c - 1));
        for (unsigned changes = ~unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(here, left))) & 0xffffu; changes != 0;
             changes &= changes - 1)
            close_run(c + __builtin_ctz(changes));
    }
#endif
    for (; c < end; ++c)
        if (values[c] != value)
            close_run(c);
    sums[bank & 7][value] += areas.run(run_start, end - run_start);
}

bool long_runs(const std::uint8_t* values, int begin, int end)
{
    if (end - begin < 32)
        return false;
    long changes = 0;
    int c = begin + 1;
#if defined(__SSE2__)
    // Changes counted in byte lanes (a change adds 1: the comparison gives −1 where equal),
    // gathered every 255 blocks, before a lane could overflow.
    const __m128i zero = _mm_setzero_si128();
    while (c + 16 <= end) {
        __m128i lanes = zero;
        for (int blocks = 0; blocks < 255 && c + 16 <= end; ++blocks, c += 16) {
            const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + c));
            const __m128i left = _mm_loadu_si128(reinterpret_cast<const __m128i*>(values + c - 1));
            lanes = _mm_add_epi8(lanes, _mm_add_epi8(_mm_cmpeq_epi8(here, left), _mm_set1_epi8(1)));
        }
        const __m128i sums = _mm_sad_epu8(lanes, zero);
        changes += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums));
    }
#endif
    for (; c < end; ++c)
        changes += values[c] != values[c - 1];
    return 16 * (changes + 1) <= long(end - begin);
}

} // namespace redline
