#include "gdal_error.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <mutex>

namespace redline {

void gdal_init()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // GDAL's block cache defaults to 5 % of RAM. redline reads every block once, window by
        // window, so a small cache (a few windows' worth) keeps memory flat in raster size and
        // spares the page faults of filling a large one (measured: 16 MB is 15 % faster than 64 MB
        // on a 42 Mpix raster). A user who sets GDAL_CACHEMAX keeps their value.
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr))
            CPLSetConfigOption("GDAL_CACHEMAX", "16");
        // GDAL loads SpatiaLite into every SQLite and GeoPackage connection it opens, for
        // SpatiaLite's SQL functions, and SpatiaLite opens PROJ's database of its own each time
        // (perf: 6 ms a GeoPackage, a tenth of a district run's work on one thread). redline
        // reads and writes GeoPackages through OGR's own functions and runs no SpatiaLite SQL; a
        // user whose --where calls SpatiaLite functions sets SPATIALITE_LOAD=YES.
        if (!CPLGetConfigOption("SPATIALITE_LOAD", nullptr))
            CPLSetConfigOption("SPATIALITE_LOAD", "NO");
        GDALAllRegister();
    });
}

CplErrorCapture::CplErrorCapture()
{
    CPLPushErrorHandlerEx(
      [](CPLErr error_class, CPLErrorNum number, const char* message) {
          auto* self = static_cast<CplErrorCapture*>(CPLGetErrorHandlerUserData());
          (void)number;
          if (!self)
              return;
          const std::string text = message ? message : "";
          if (error_class == CE_Failure || error_class == CE_Fatal)
              self->m_errors.push_back(text);
          else if (error_class == CE_Warning)
              self->m_warnings.push_back(text);
      },
      this);
    CPLErrorReset();
}

CplErrorCapture::~CplErrorCapture()
{
    CPLPopErrorHandler();
}

std::string CplErrorCapture::last_error() const
{
    if (!m_errors.empty())
        return m_errors.back();
    const char* msg = CPLGetLastErrorMsg();
    return msg ? msg : "";
}

void CplErrorCapture::clear()
{
    m_errors.clear();
    m_warnings.clear();
    CPLErrorReset();
}

std::string gdal_says(const CplErrorCapture& capture)
{
    const std::string e = capture.last_error();
    return e.empty() ? std::string() : " (GDAL: " + e + ")";
}

} // namespace redline
