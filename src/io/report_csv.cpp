#include "report_csv.h"

#include "atomic_file.h"
#include "error.h"
#include "gdal_error.h"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace redline {

void write_csv(const CsvTable& table, const std::string& path, const std::string& option)
{
    gdal_init();
    CplErrorCapture capture;
    AtomicOutput out(path, option);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("CSV");
    if (!driver)
        throw OutputError(option + " " + path + ": GDAL's CSV driver is missing");
    // The CSV driver makes a folder of any name not ending in .csv: write as *.csv, then rename.
    const std::string written = out.temp_path() + ".csv";
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
    if (VSIRename(written.c_str(), out.temp_path().c_str()) != 0)
        throw OutputError(option + " " + path + ": cannot finish the file" + gdal_says(capture));
    out.commit();
}

} // namespace redline
