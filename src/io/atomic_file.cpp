#include "atomic_file.h"

#include "error.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace redline {

namespace {

const char* const temp_marker = ".redline-partial-";

/// This machine's name, as it may appear in a file name.
std::string this_host()
{
    char buf[256] = {};
    ::gethostname(buf, sizeof buf - 1);
    std::string host;
    for (const char* c = buf; *c; ++c)
        host += (std::isalnum(static_cast<unsigned char>(*c)) || *c == '-') ? *c : '_';
    return host.empty() ? "host" : host;
}

std::string temp_name_for(const fs::path& final_path)
{
    // .NAME.redline-partial-PID@HOST.EXT: hidden, unique per process and machine (the shards of a
    // cluster run write beside each other on a shared file system), same directory (so the rename
    // is atomic), same extension.
    const std::string stem = final_path.stem().string();
    const std::string ext = final_path.extension().string();
    const fs::path dir = final_path.parent_path();
    const std::string name = "." + stem + temp_marker + std::to_string(::getpid()) + "@" + this_host() + ext;
    return (dir.empty() ? fs::path(name) : dir / name).string();
}

void remove_with_side_files(const std::string& path)
{
    std::error_code ec;
    for (const char* suffix : { "", "-wal", "-shm", "-journal" })
        fs::remove(path + suffix, ec);
}

} // namespace

namespace {

/// What stops @p path from being written as an output, or "" when nothing does.
std::string output_path_problem(const std::string& path, const std::string& option)
{
    const fs::path p(path);
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return option + " " + path + ": the directory " + dir.string() + " does not exist; create it first";
    if (fs::is_directory(p, ec))
        return option + " " + path + ": is a directory; give a file name";
    if (::access(dir.c_str(), W_OK) != 0)
        return option + " " + path + ": cannot write in " + dir.string() + " (" + std::strerror(errno) + ")";
    return {};
}

} // namespace

void check_output_path(const std::string& path, const std::string& option)
{
    // Before the work: an output option that cannot work is the user's input (exit status 2).
    const std::string problem = output_path_problem(path, option);
    if (!problem.empty())
        throw InputError(problem);
}

void check_geopackage_name(const std::string& path, const std::string& option)
{
    std::string ext = fs::path(path).extension().string();
    for (char& c : ext)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".gpkg")
        throw InputError(option + " " + path + ": redline writes a GeoPackage; name it *.gpkg (e.g. " +
                         fs::path(path).replace_extension(".gpkg").string() + ")");
}

AtomicOutput::AtomicOutput(const std::string& final_path, const std::string& option, Join join)
  : m_final(final_path)
  , m_option(option)
  , m_join(join)
{
    // The same checks as check_output_path, which the commands ran before the work; failing now,
    // while writing, the folder was removed or made read-only during the run: an OutputError.
    const std::string problem = output_path_problem(final_path, option);
    if (!problem.empty())
        throw OutputError(problem);
    const fs::path p(final_path);
    m_temp = temp_name_for(p);
    remove_with_side_files(m_temp);
    // A run killed while writing this output left its temporary beside it; the output that
    // replaces it removes it (a file inside a folder put in place whole starts in a fresh folder).
    if (join != Join::alone)
        remove_stale_temporaries(final_path);
}

AtomicOutput::~AtomicOutput()
{
    if (!m_committed)
        remove_with_side_files(m_temp);
}

namespace {

void rename_into_place(const std::string& temp, const std::string& final_path, const std::string& option)
{
    if (std::rename(temp.c_str(), final_path.c_str()) != 0)
        throw OutputError(option + " " + final_path + ": cannot move the finished file into place (" +
                          std::strerror(errno) + ")");
    remove_with_side_files(temp); // -wal/-shm of the temporary name, if SQLite left any
}

// The innermost open set of this thread: units that run side by side (a batch's districts on
// several threads) each put their own outputs in place, and one's failure discards none of another's.
thread_local OutputSet* open_output_set = nullptr;

} // namespace

void AtomicOutput::commit()
{
    if (m_join == Join::output_set) {
        const std::string temp = m_temp, final_path = m_final, option = m_option;
        if (OutputSet::defer([temp, final_path, option] { rename_into_place(temp, final_path, option); },
                             [temp] { remove_with_side_files(temp); })) {
            m_committed = true; // the set owns the temporary file now
            return;
        }
    }
    rename_into_place(m_temp, m_final, m_option);
    m_committed = true;
}

OutputSet::OutputSet()
  : m_outer(open_output_set)
{
    open_output_set = this;
}

OutputSet::~OutputSet()
{
    open_output_set = m_outer;
    for (auto& p : m_pending)
        if (p.discard) p.discard();
}

bool OutputSet::defer(std::function<void()> put_in_place, std::function<void()> discard)
{
    if (!open_output_set)
        return false;
    open_output_set->m_pending.push_back(Pending{ std::move(put_in_place), std::move(discard) });
    return true;
}

void OutputSet::commit()
{
    std::vector<Pending> pending;
    pending.swap(m_pending);
    // Each output is renamed in one step; what is left after a failure is discarded.
    for (std::size_t i = 0; i < pending.size(); ++i) {
        try {
            pending[i].put_in_place();
        } catch (...) {
            for (std::size_t k = i; k < pending.size(); ++k)
                if (pending[k].discard) pending[k].discard();
            throw;
        }
    }
}

void remove_stale_temporaries(const std::string& final_path)
{
    const fs::path p(final_path);
    const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
    const std::string prefix = "." + p.stem().string() + temp_marker;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        // Only files of processes of this machine that no longer run: another run, here or on
        // another machine sharing the folder, may be writing right now.
        const std::string rest = name.substr(prefix.size());
        char* end = nullptr;
        const long pid = std::strtol(rest.c_str(), &end, 10);
        if (end && *end == '@' && std::string(end + 1).compare(0, this_host().size() + 1, this_host() + ".") != 0 &&
            std::string(end + 1) != this_host())
            continue;
        if (pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM))
            continue;
        fs::remove_all(entry.path(), ec); // a folder too (the chips' folder of an activity run)
    }
}

std::string temporary_path_for(const std::string& final_path)
{
    return temp_name_for(fs::path(final_path));
}

void write_file_atomically(const std::string& path, const std::string& content, const std::string& option)
{
    AtomicOutput out(path, option);
    {
        std::ofstream f(out.temp_path(), std::ios::binary | std::ios::trunc);
        if (!f)
            throw OutputError(option + " " + path + ": cannot create " + out.temp_path() + " (" +
                              std::strerror(errno) + ")");
        f << content;
        f.flush();
        if (!f)
            throw OutputError(option + " " + path + ": write failed (" + std::strerror(errno) + "); is the disk full?");
    }
    out.commit();
}

std::string canonical_path(const std::string& path)
{
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    return p.string();
}

} // namespace redline
