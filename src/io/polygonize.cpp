#include "polygonize.h"

#include "error.h"
#include "gdal_error.h"

#include <cpl_string.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>

namespace redline {

struct LabelRaster::Impl
{
    GDALDatasetUniquePtr dataset;
    GDALRasterBand* band = nullptr;
};

LabelRaster::LabelRaster(const std::string& work_dir, const Grid& grid, int row0, int rows)
  : m_grid(grid)
  , m_row0(row0)
  , m_impl(std::make_unique<Impl>())
{
    if (rows < 0)
        rows = grid.rows() - row0;
    gdal_init();
    CplErrorCapture capture;
    static std::atomic<int> serial{ 0 };
    m_path = work_dir + "/labels-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".tif";
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    CPLStringList options;
    options.SetNameValue("COMPRESS", "DEFLATE");
    options.SetNameValue("BIGTIFF", "IF_SAFER");
    options.SetNameValue("TILED", "NO");
    options.SetNameValue("BLOCKYSIZE", "16");
    m_impl->dataset.reset(gtiff->Create(m_path.c_str(), grid.cols(), std::max(1, rows), 1, GDT_Int32, options.List()));
    if (!m_impl->dataset)
        throw OutputError("cannot create the temporary label raster " + m_path + gdal_says(capture));
    // Cell units: GDALPolygonize then traces exact integer corners, placed on the grid afterwards.
    double gt[6] = { 0, 1, 0, 0, 0, 1 };
    m_impl->dataset->SetGeoTransform(gt);
    m_impl->band = m_impl->dataset->GetRasterBand(1);
    m_impl->band->SetNoDataValue(0);
}

LabelRaster::~LabelRaster()
{
    m_impl->dataset.reset();
    VSIUnlink(m_path.c_str());
}

void LabelRaster::write_row(int row, const std::vector<std::int32_t>& labels)
{
    CplErrorCapture capture;
    if (m_impl->band->RasterIO(GF_Write, 0, row - m_row0, int(labels.size()), 1, const_cast<std::int32_t*>(labels.data()),
                               int(labels.size()), 1, GDT_Int32, 0, 0, nullptr) != CE_None)
        throw OutputError("cannot write the temporary label raster " + m_path + " (is the disk full?)" +
                          gdal_says(capture));
    // A strip whose last row is written goes to the file now: dirty strips left in GDAL's block
    // cache would crowd out the image blocks the readers still need.
    int block_cols = 0, block_rows = 0;
    m_impl->band->GetBlockSize(&block_cols, &block_rows);
    const int local = row - m_row0;
    if (block_rows > 0 && (local + 1) % block_rows == 0 &&
        m_impl->band->FlushBlock(0, local / block_rows, TRUE) != CE_None)
        throw OutputError("cannot write the temporary label raster " + m_path + " (is the disk full?)" +
                          gdal_says(capture));
}

std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>> LabelRaster::polygonize()
{
    CplErrorCapture capture;
    m_impl->dataset->FlushCache();
    GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("Memory");
    GDALDatasetUniquePtr vectors(memory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* layer = vectors->CreateLayer("patches", nullptr, wkbPolygon, nullptr);
    OGRFieldDefn field("label", OFTInteger);
    layer->CreateField(&field);
    CPLStringList options;
    options.SetNameValue("8CONNECTED", "8");
    // The band is its own mask: label 0 (no patch) is not polygonised.
    if (GDALPolygonize(GDALRasterBand::ToHandle(m_impl->band), GDALRasterBand::ToHandle(m_impl->band->GetMaskBand()),
                       OGRLayer::ToHandle(layer), 0, options.List(), nullptr, nullptr) != CE_None)
        throw Error("polygonising the change patches failed" + gdal_says(capture));
    std::map<std::int32_t, std::vector<std::unique_ptr<OGRGeometry>>> out;
    auto place = [&](OGRLinearRing* ring) {
        for (int i = 0; ring && i < ring->getNumPoints(); ++i)
            ring->setPoint(i, m_grid.x_of(ring->getX(i)), m_grid.y_of(ring->getY(i) + m_row0));
    };
    layer->ResetReading();
    for (auto& f : *layer) {
        const std::int32_t label = f->GetFieldAsInteger(0);
        OGRGeometry* g = f->StealGeometry();
        if (!g)
            continue;
        if (auto* polygon = dynamic_cast<OGRPolygon*>(g)) {
            place(polygon->getExteriorRing());
            for (int r = 0; r < polygon->getNumInteriorRings(); ++r)
                place(polygon->getInteriorRing(r));
        }
        out[label].emplace_back(g);
    }
    return out;
}

} // namespace redline
