#include "report_csv.h"

#include "atomic_file.h"
#include "error.h"
#include "gdal_error.h"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <string>

namespace redline {

void write_csv(const CsvTable& table, const std::string& path, const std::string& option)
{
    gdal_init();
    CplErrorCapture capture;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("CSV");
    if (!driver)
        throw OutputError(option + " " + path + ": GDAL's CSV driver is missing");
    // GDAL's CSV driver does not report a failed write (a full disk left a truncated file and no
    // error): it writes in memory, and the bytes go to disk through write_file_atomically, which
    // checks every write. The driver makes a folder of any name not ending in .csv: *.csv it is.
    static std::atomic<unsigned long> serial{ 0 };
    const std::string written = "/vsimem/redline-report-" + std::to_string(++serial) + ".csv";
    struct Remove
    {
        std::string path;
        ~Remove() { VSIUnlink(path.c_str()); }
    } cleanup{ written };
    {
        GDALDatasetUniquePtr ds(driver->Create(written.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds)
            throw OutputError(option + " " + path + ": cannot create the file" + gdal_says(capture));
        CPLStringList lco;
        lco.SetNameValue("WRITE_BOM", "YES");
        lco.SetNameValue("STRING_QUOTING", "IF_NEEDED");
        OGRLayer* layer = ds->CreateLayer("report", nullptr, wkbNone, lco.List());
        if (!layer)
            throw OutputError(option + " " + path + ": cannot create the table" + gdal_says(capture));
        for (const auto& c : table.columns) {
            OGRFieldDefn field(c.c_str(), OFTString);
            if (layer->CreateField(&field) != OGRERR_NONE)
                throw OutputError(option + " " + path + ": cannot add column " + c + gdal_says(capture));
        }
        for (const auto& row : table.rows) {
            OGRFeature feature(layer->GetLayerDefn());
            for (std::size_t i = 0; i < row.size() && i < table.columns.size(); ++i)
                feature.SetField(int(i), row[i].c_str());
            if (layer->CreateFeature(&feature) != OGRERR_NONE)
                throw OutputError(option + " " + path + ": write failed" + gdal_says(capture));
        }
        ds->FlushCache();
    }
    vsi_l_offset size = 0;
    const GByte* bytes = VSIGetMemFileBuffer(written.c_str(), &size, FALSE);
    if (!bytes)
        throw OutputError(option + " " + path + ": cannot finish the file" + gdal_says(capture));
    write_file_atomically(path, std::string(reinterpret_cast<const char*>(bytes), std::size_t(size)), option);
}

} // namespace redline
