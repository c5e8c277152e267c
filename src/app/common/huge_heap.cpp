#include "common/huge_heap.h"

#include <cstdint>
#include <cstdlib>
#include <sys/mman.h>

namespace redline {

void reserve_huge_heap(std::size_t bytes)
{
    void* heap = std::malloc(bytes);
    if (!heap) return;
    const std::uintptr_t huge = std::uintptr_t(2) << 20;
    const std::uintptr_t begin = (std::uintptr_t(heap) + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (std::uintptr_t(heap) + bytes) & ~(huge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    std::free(heap);
}

} // namespace redline
