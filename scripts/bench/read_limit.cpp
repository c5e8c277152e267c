// redline_read_limit: the decode-only read limit of a raster band, for scripts/bench_coverage.sh.
//
//   redline_read_limit RASTER [--threads N] [--band B]
//
// Reads every block of the band once through GDAL (GDALRasterBand::ReadBlock: the driver decodes
// straight into our buffer, no block cache, no type conversion), and counts the values of Byte
// bands in a 256-bin histogram, so that no compiler can drop the read. With N threads each thread
// opens its own dataset (GDAL datasets are not shared between threads) and takes whole rows of
// blocks in turn. Prints the histogram (value: count) as one JSON object; the bench times the
// whole process, like every other row, so GDAL's start-up is in the limit too.
//
// Why a tool of our own: `gdalinfo -hist` computes its histogram through a generic path (a
// floating-point bucket per value) that is several times slower than reading the raster, so a
// ratio to it flatters any program that reads cells.
#include <gdal_priv.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& message)
{
    std::fprintf(stderr, "redline_read_limit: %s\n", message.c_str());
    std::exit(2);
}

struct Counts
{
    std::vector<std::uint64_t> histogram = std::vector<std::uint64_t>(256, 0);
    std::uint64_t cells = 0;
};

/// Reads rows of blocks taken from @p next_row until none is left, into @p out.
void read_rows(const std::string& path, int band_index, std::atomic<int>& next_row, Counts& out)
{
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) fail(path + ": cannot open");
    GDALRasterBand* band = ds->GetRasterBand(band_index);
    if (!band) fail(path + ": no band " + std::to_string(band_index));
    int bx = 0, by = 0;
    band->GetBlockSize(&bx, &by);
    const int nbx = (band->GetXSize() + bx - 1) / bx;
    const int nby = (band->GetYSize() + by - 1) / by;
    const int bytes_per_cell = GDALGetDataTypeSizeBytes(band->GetRasterDataType());
    const bool is_byte = band->GetRasterDataType() == GDT_Byte;
    std::vector<std::uint8_t> block(std::size_t(bx) * std::size_t(by) * std::size_t(bytes_per_cell) + 8);
    // Eight banks of 32-bit counts, one per byte of an 8-byte word: long runs of one value would
    // otherwise make each increment wait for the one before (with four 64-bit banks the
    // histogram cost as much as the decoding). Flushed to 64 bits after each block.
    std::vector<std::uint32_t> banks(8 * 256, 0);
    std::vector<std::uint64_t> totals(256, 0);
    for (int row = next_row++; row < nby; row = next_row++) {
        for (int col = 0; col < nbx; ++col) {
            if (band->ReadBlock(col, row, block.data()) != CE_None)
                fail(path + ": cannot read block " + std::to_string(col) + "," + std::to_string(row));
            // Edge blocks are whole blocks in the file; count only the cells inside the raster.
            int vx = 0, vy = 0;
            band->GetActualBlockSize(col, row, &vx, &vy);
            out.cells += std::uint64_t(vx) * std::uint64_t(vy);
            if (!is_byte) continue;
            for (int y = 0; y < vy; ++y) {
                const std::uint8_t* p = block.data() + std::size_t(y) * std::size_t(bx);
                int x = 0;
                for (; x + 8 <= vx; x += 8) {
                    std::uint64_t w;
                    std::memcpy(&w, p + x, 8);
                    for (int k = 0; k < 8; ++k)
                        ++banks[std::size_t(k) * 256 + ((w >> (8 * k)) & 255)];
                }
                for (; x < vx; ++x)
                    ++banks[p[x]];
            }
            for (std::size_t k = 0; k < 8; ++k)
                for (std::size_t v = 0; v < 256; ++v) {
                    totals[v] += banks[k * 256 + v];
                    banks[k * 256 + v] = 0;
                }
        }
    }
    for (std::size_t v = 0; v < 256; ++v)
        out.histogram[v] += totals[v];
}

} // namespace

int main(int argc, char** argv)
{
    std::string path;
    int threads = 1, band = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--threads" || a == "--band") && i + 1 < argc)
            (a == "--threads" ? threads : band) = std::atoi(argv[++i]);
        else if (a == "-h" || a == "--help") {
            std::puts("usage: redline_read_limit RASTER [--threads N] [--band B]");
            return 0;
        } else if (path.empty() && a.rfind("--", 0) != 0)
            path = a;
        else
            fail("unknown argument " + a);
    }
    if (path.empty() || threads < 1 || band < 1)
        fail("usage: redline_read_limit RASTER [--threads N] [--band B]");
    GDALAllRegister();
    std::atomic<int> next_row{ 0 };
    std::vector<Counts> counts(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&, t] { read_rows(path, band, next_row, counts[std::size_t(t)]); });
    read_rows(path, band, next_row, counts[0]);
    for (auto& t : pool)
        t.join();
    Counts total;
    for (const Counts& c : counts) {
        total.cells += c.cells;
        for (std::size_t v = 0; v < 256; ++v)
            total.histogram[v] += c.histogram[v];
    }
    std::printf(
      "{\"cells\": %llu, \"threads\": %d, \"histogram\": {", (unsigned long long)total.cells, threads);
    const char* sep = "";
    for (std::size_t v = 0; v < 256; ++v)
        if (total.histogram[v]) {
            std::printf("%s\"%zu\": %llu", sep, v, (unsigned long long)total.histogram[v]);
            sep = ", ";
        }
    std::printf("}}\n");
    return 0;
}
