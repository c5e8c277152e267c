#include "chip_writer.h"

#include "atomic_file.h"
#include "error.h"
#include "gdal_error.h"

#include <gdal_priv.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace redline {

namespace {

struct Stretch
{
    float lo = 0, hi = 1;
    std::uint8_t apply(float v) const
    {
        const float t = (v - lo) / (hi - lo);
        return std::uint8_t(std::lround(255.0f * std::min(1.0f, std::max(0.0f, t))));
    }
};

Stretch stretch_of(const std::vector<float>& band, const std::vector<std::uint8_t>& valid)
{
    std::vector<float> v;
    for (std::size_t i = 0; i < band.size(); ++i)
        if (valid[i])
            v.push_back(band[i]);
    Stretch s;
    if (v.size() < 2)
        return s;
    // The two order statistics only (no full sort): the same values, in linear time.
    const auto lo = v.begin() + std::ptrdiff_t(0.02 * double(v.size() - 1));
    const auto hi = v.begin() + std::ptrdiff_t(0.98 * double(v.size() - 1));
    std::nth_element(v.begin(), hi, v.end());
    s.hi = *hi;
    std::nth_element(v.begin(), lo, hi);
    s.lo = *lo;
    if (!(s.hi > s.lo))
        s.hi = s.lo + 1e-3f;
    return s;
}

/// One chip: before | gap | after, scaled by @p zoom, RGB, outline in yellow.
void write_png(const ChipImages& c, const std::array<int, 3>& band_index, const std::string& path)
{
    const Window& w = c.before->window;
    std::array<Stretch, 3> stretch;
    for (int k = 0; k < 3; ++k)
        stretch[std::size_t(k)] = stretch_of(c.before->bands[std::size_t(band_index[std::size_t(k)])], c.before->valid);
    const int longest = std::max(1, std::max(w.cols, w.rows));
    const int zoom = std::max(1, (240 + longest - 1) / longest);
    const int gap = 4;
    const int width = (2 * w.cols) * zoom + gap, height = w.rows * zoom;
    std::array<std::vector<std::uint8_t>, 3> rgb;
    for (auto& ch : rgb)
        ch.assign(std::size_t(width) * std::size_t(height), 255);

    auto outline = [&](int r, int col) {
        if (!c.inside[std::size_t(r) * w.cols + col])
            return false;
        const int dr[4] = { -1, 1, 0, 0 }, dc[4] = { 0, 0, -1, 1 };
        for (int k = 0; k < 4; ++k) {
            const int rr = r + dr[k], cc = col + dc[k];
            if (rr < 0 || cc < 0 || rr >= w.rows || cc >= w.cols || !c.inside[std::size_t(rr) * w.cols + cc])
                return true;
        }
        return false;
    };
    for (int side = 0; side < 2; ++side) {
        const BandWindow& img = side == 0 ? *c.before : *c.after;
        const int x0 = side * (w.cols * zoom + gap);
        for (int r = 0; r < w.rows; ++r)
            for (int col = 0; col < w.cols; ++col) {
                const std::size_t i = std::size_t(r) * w.cols + col;
                std::array<std::uint8_t, 3> px{ 0, 0, 0 };
                if (img.valid[i])
                    for (int k = 0; k < 3; ++k)
                        px[std::size_t(k)] =
                          stretch[std::size_t(k)].apply(img.bands[std::size_t(band_index[std::size_t(k)])][i]);
                if (outline(r, col))
                    px = { 255, 230, 0 };
                for (int zr = 0; zr < zoom; ++zr)
                    for (int zc = 0; zc < zoom; ++zc) {
                        const std::size_t o = std::size_t(r * zoom + zr) * width + std::size_t(x0 + col * zoom + zc);
                        for (int k = 0; k < 3; ++k)
                            rgb[std::size_t(k)][o] = px[std::size_t(k)];
                    }
            }
    }

    CplErrorCapture capture;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
    GDALDatasetUniquePtr ds(mem->Create("", width, height, 3, GDT_Byte, nullptr));
    for (int k = 0; k < 3; ++k)
        if (ds->GetRasterBand(k + 1)->RasterIO(GF_Write, 0, 0, width, height, rgb[std::size_t(k)].data(), width, height,
                                               GDT_Byte, 0, 0, nullptr) != CE_None)
            throw OutputError("chip " + path + ": cannot compose the image" + gdal_says(capture));
    AtomicOutput out(path, "chip", AtomicOutput::Join::alone); // the chips' folder is put in place whole
    // zlib level 1 instead of GDAL's default 6: measured on 200 chips of the 25 Mpix bench, the
    // encoding takes 27 % less CPU (1.17 s instead of 1.61 s) for files 4 % larger; encoding is
    // most of a chip's time.
    const char* const options[] = { "ZLEVEL=1", nullptr };
    GDALDatasetUniquePtr written(png->CreateCopy(out.temp_path().c_str(), ds.get(), FALSE, const_cast<char**>(options),
                                                 nullptr, nullptr));
    if (!written)
        throw OutputError("chip " + path + ": cannot write the PNG" + gdal_says(capture));
    written.reset();
    VSIUnlink((out.temp_path() + ".aux.xml").c_str());
    out.commit();
}

} // namespace

void write_chips(const ChipImages& images, const std::string& path_true, const std::string& path_false)
{
    // Band slots of BandWindow: 0 blue, 1 green, 2 red, 3 nir.
    write_png(images, { 2, 1, 0 }, path_true);
    write_png(images, { 3, 2, 1 }, path_false);
}

} // namespace redline
