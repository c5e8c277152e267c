#pragma once

#include <functional>
#include <string>
#include <vector>

namespace redline {

/// @brief An output written under a temporary name beside its final path and renamed over it
/// only when complete, so a reader (or a crash) never sees a half-written file and an existing
/// output is replaced only by a whole new one.
///
/// The temporary name keeps the final extension (GDAL picks drivers by it). If commit() is
/// never called, the destructor removes the temporary file and its SQLite side files.
class AtomicOutput
{
public:
    /// Whether commit() joins the run's OutputSet, when one is open, or renames at once.
    enum class Join
    {
        output_set, ///< an output of the run: renamed with the others (the default)
        alone,      ///< a file inside a folder that is itself put in place as a whole (chips)
    };
    /// @param option the option naming the output, for messages
    AtomicOutput(const std::string& final_path, const std::string& option, Join join = Join::output_set);
    ~AtomicOutput();
    AtomicOutput(const AtomicOutput&) = delete;
    AtomicOutput& operator=(const AtomicOutput&) = delete;

    const std::string& temp_path() const { return m_temp; }
    const std::string& final_path() const { return m_final; }

    /// Renames the temporary file over the final path; while an OutputSet is open, hands the
    /// complete file to it instead, to be renamed with the run's other outputs.
    void commit();

private:
    std::string m_final;
    std::string m_temp;
    std::string m_option;
    Join m_join;
    bool m_committed = false;
};

/// @brief The outputs of one run, put in place together: all of them or none.
///
/// While an OutputSet is open, every AtomicOutput that completes hands its temporary file to it;
/// commit() renames them all, in the order they completed. A set destroyed without commit() (an
/// exception on the way: a later output failed, the run was interrupted) removes them, so a
/// failed run leaves the previous outputs as they were, never a new JSON beside an old
/// GeoPackage. Sets nest: the innermost open one collects. A set collects the outputs completed
/// on the thread that opened it: districts of a batch running side by side each put their own
/// outputs in place, and one's failure discards nothing of another's.
class OutputSet
{
public:
    OutputSet();
    ~OutputSet();
    OutputSet(const OutputSet&) = delete;
    OutputSet& operator=(const OutputSet&) = delete;

    /// Puts every output in place (throws OutputError when one cannot be moved; the rest are
    /// then removed).
    void commit();

    /// Adds to this thread's innermost open set an output that is put in place by @p put_in_place
    /// and, if the set is never committed, thrown away by @p discard (a folder, for example).
    /// Returns false when no set is open: the caller puts it in place itself.
    static bool defer(std::function<void()> put_in_place, std::function<void()> discard);

private:
    struct Pending
    {
        std::function<void()> put_in_place, discard;
    };
    std::vector<Pending> m_pending;
    OutputSet* m_outer = nullptr;
};

/// Checks, before any long work, that @p path can be written as an output: its folder exists and
/// is writable and it is not a folder itself. Throws InputError naming @p option: found before
/// the work, a bad output path is the user's input (exit status 2). AtomicOutput runs the same
/// checks when it starts writing, and throws OutputError then (exit status 3).
void check_output_path(const std::string& path, const std::string& option);

/// A GeoPackage output must be named *.gpkg: QGIS and GDAL go by the extension. Throws InputError.
void check_geopackage_name(const std::string& path, const std::string& option);

/// Removes stale temporary outputs a killed run may have left beside @p final_path: those of
/// processes of this machine that no longer run (files, or folders). Every AtomicOutput does this
/// for its own path when it starts.
void remove_stale_temporaries(const std::string& final_path);

/// The temporary name this process writes @p final_path under (.NAME.redline-partial-PID@HOST.EXT,
/// beside it), for an output that is not a single file (a folder renamed into place whole).
std::string temporary_path_for(const std::string& final_path);

/// Writes @p content to @p path atomically (see AtomicOutput).
void write_file_atomically(const std::string& path, const std::string& content, const std::string& option);

/// Canonical absolute form of a path for comparing an output with the inputs (the path itself
/// when it does not exist yet, with its directory resolved).
std::string canonical_path(const std::string& path);

} // namespace redline
