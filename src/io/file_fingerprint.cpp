#include "file_fingerprint.h"

#include "error.h"
#include "gdal_error.h"
#include "parallel_for.h"
#include "sha256.h"

#include <cpl_vsi.h>
#include <gdal_priv.h>

#include <memory>
#include <mutex>

namespace redline {

std::vector<std::string> dataset_files(const std::string& path)
{
    if (path.rfind("PG:", 0) == 0 || path.rfind("pg:", 0) == 0)
        return {};
    gdal_init();
    std::vector<std::string> files;
    {
        CplErrorCapture quiet;
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_READONLY | GDAL_OF_RASTER | GDAL_OF_VECTOR));
        if (ds) {
            char** list = ds->GetFileList();
            for (char** f = list; f && *f; ++f)
                files.emplace_back(*f);
            CSLDestroy(list);
        }
    }
    if (files.empty())
        files.push_back(path);
    return files;
}

FileFingerprint fingerprint_file(const std::string& path, bool hash, const std::string& option)
{
    FileFingerprint f;
    f.path = path;
    VSIStatBufL st;
    if (VSIStatL(path.c_str(), &st) != 0)
        throw InputError(option + " " + path + ": the file cannot be found or read");
    f.bytes = std::uint64_t(st.st_size);
    f.mtime = std::int64_t(st.st_mtime);
    if (!hash)
        return f;
    struct Closer
    {
        void operator()(VSILFILE* fp) const { VSIFCloseL(fp); }
    };
    std::unique_ptr<VSILFILE, Closer> fp(VSIFOpenL(path.c_str(), "rb"));
    if (!fp)
        throw InputError(option + " " + path + ": the file cannot be opened for reading");
    Sha256 sha;
    std::vector<unsigned char> buffer(std::size_t(4) << 20);
    for (;;) {
        const std::size_t n = VSIFReadL(buffer.data(), 1, buffer.size(), fp.get());
        sha.update(buffer.data(), n);
        if (n < buffer.size())
            break;
    }
    f.sha256 = sha.hex_digest();
    return f;
}

std::vector<FileFingerprint> fingerprint_files(const std::vector<FileToFingerprint>& files, int threads,
                                               const std::function<void(const std::string&)>& on_start)
{
    std::vector<FileFingerprint> out(files.size());
    std::mutex report;
    parallel_for(files.size(), threads, [&](std::size_t i) {
        if (on_start) {
            std::lock_guard<std::mutex> lock(report);
            on_start(files[i].path);
        }
        out[i] = fingerprint_file(files[i].path, true, files[i].option);
    });
    return out;
}

} // namespace redline
