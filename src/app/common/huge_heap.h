#pragma once

#include <cstddef>

namespace redline {

/// Grows the calling thread's malloc arena by @p bytes marked for transparent huge pages
/// (madvise), then hands them back to malloc, which keeps them (redline's trim threshold is
/// 256 MB): what the thread allocates next is faulted in 2 MB at a time instead of 4 KB.
///
/// On a virtual machine each first touch of a page is a dear fault: a district run touched
/// ~7,000 pages on the main thread and as many on its workers (their scratch windows). This is
/// what GLIBC_TUNABLES=glibc.malloc.hugetlb=1 does for every arena, a setting only the
/// environment can make. A no-op where transparent huge pages are off; memory is not touched
/// here, so nothing is committed that is not used.
void reserve_huge_heap(std::size_t bytes);

} // namespace redline
