// redline: the command-line shell. The only place that knows argv, stdout and exit codes.
#include "commands.h"
#include "error.h"
#include "exit_status.h"
#include "common/huge_heap.h"
#include "option_helpers.h"

#include <cstdio>
#include <malloc.h>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

const char* const overview = R"(redline: geospatial checks for ecological-protection supervision

Usage: redline COMMAND [OPTIONS]     (redline COMMAND --help for a command's options and examples)

Commands:
  coverage   red-line, protected-area and forest shares of a district and its townships,
             checked against plan targets and published figures, with the reasons for any mismatch
  activity   suspected human activity (quarries, construction, roads, clearing, ponds) inside the
             red line from two-date imagery, as patches for field verification with image chips
  batch      run coverage (and activity) for many districts or townships from a job file, in
             parallel, with a summary table and an HTML report
  ledger     the patch ledger (台账) across campaigns: merge activity patches, import field verdicts, summary
  diff       compare two versions of the red line: area gained, lost, unchanged and changed in type
  plan       split a coverage, activity or batch run into shards for a cluster (Slurm arrays,
             Kubernetes Indexed Jobs, MPI); then run, missing and merge:
  run        run shards of a plan (index from the scheduler's environment, or --shard K)
  missing    the shards of a plan without a result, as sbatch --array= takes them
  merge      the planned command's outputs from its shards' results, exactly as one run's
  classes    list the land-cover / land-use class tables of the layer catalogue
  version    print the version

Exit status: 0 all targets met, 1 a target missed, 2 bad input (a file, layer, feature or option,
  output paths included), 3 an output could not be written, 4 out of memory, 5 internal error
  (a bug: please report it), 130 interrupted.
)";

} // namespace

namespace {

int run_command(int argc, char** argv)
{
    using namespace redline;
    // Window passes allocate and free buffers of a few megabytes over and over (ours and GDAL's
    // blocks); glibc would hand each back to the kernel and fault it in again. Keeping them in the
    // heap measured 20 % faster on change detection. Memory stays bounded by the window sizes.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    // The heap's first 48 MB in 2 MB pages: see reserve_huge_heap.
    redline::reserve_huge_heap(std::size_t(48) << 20);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(overview, stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    cli::install_interrupt_handler();
    try {
        if (command == "coverage")
            return cli::coverage_command(args);
        if (command == "classes")
            return cli::classes_command(args);
        if (command == "activity")
            return cli::activity_command(args);
        if (command == "ledger")
            return cli::ledger_command(args);
        if (command == "batch")
            return cli::batch_command(args);
        if (command == "diff")
            return cli::diff_command(args);
        if (command == "plan")
            return cli::plan_command(args);
        if (command == "run")
            return cli::run_command(args);
        if (command == "missing")
            return cli::missing_command(args);
        if (command == "merge")
            return cli::merge_command(args);
        if (command == "version" || command == "--version") {
            std::printf("redline %s\n", REDLINE_VERSION);
            return 0;
        }
        std::fprintf(stderr, "Error: unknown command '%s'; the commands are coverage, activity, batch, diff, ledger, plan, run, missing, merge, classes, version "
                             "(redline --help)\n", command.c_str());
        return 2;
    } catch (...) {
        // Every failure is caught here, once, and classed (exit_status.h, report_failure):
        //   2  bad input: what the user gave cannot be used: an input or option (whenever it is
        //      found), or an output's path, as the checks before the work find it: a folder that
        //      does not exist or cannot be made or written, a folder where a file is wanted, a
        //      wrong extension, an output naming an input. (InputError, and any other redline
        //      Error but OutputError.)
        //   3  an output could not be written once the work had started: creating, writing,
        //      closing or renaming a file or folder failed (disk full, quota, a folder removed or
        //      made read-only during the run, an I/O error). The inputs were fine; nothing
        //      half-written is left. (OutputError.)
        //   4  out of memory (std::bad_alloc).
        //   5  internal error: any other exception is a bug (a message redline did not word).
        //   130 interrupted (Cancelled).
        // So the same missing folder is 2 when the checks before the work find it and 3 when it
        // vanishes while the run writes. Commands that run many units (batch, run) report each
        // failed unit and exit with the worst class among them (the highest status).
        const cli::FailureReport failure = cli::report_failure(std::current_exception());
        std::fputs(failure.message.c_str(), stderr);
        return failure.status;
    }
}

} // namespace

int main(int argc, char** argv)
{
    const int status = run_command(argc, argv);
    // Every output was written, closed and renamed before the command returned; what is left is
    // the destructors of GDAL's ~115 shared libraries and their caches, which only free memory
    // (~10 ms, 3 % of a district's vector check). Sanitizer builds exit normally, so that their
    // checks at exit still run, and so do builds that define REDLINE_NORMAL_EXIT (test coverage:
    // gcov writes its counts at exit).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(REDLINE_NORMAL_EXIT)
    return status;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
    return status;
#endif
#endif
    std::fflush(nullptr);
    std::_Exit(status);
}
