// The exit status and message main() gives each kind of exception (README "Exit status").
#include "exit_status.h"

#include "error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <new>
#include <stdexcept>
#include <system_error>

using namespace redline;
using redline::cli::report_failure;

namespace {

template <typename E>
cli::FailureReport report(E e)
{
    return report_failure(std::make_exception_ptr(e));
}

} // namespace

TEST(ExitStatus, BadInputIsTwo)
{
    const auto r = report(InputError("--boundary d.gpkg: no such file"));
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.message, "\nError: --boundary d.gpkg: no such file\n");
    // A redline Error that is neither InputError nor OutputError (e.g. GEOS failing on a geometry)
    // names what the user gave: bad input, as before.
    EXPECT_EQ(report(Error("geometry operation 'union' failed: TopologyException")).status, 2);
}

TEST(ExitStatus, OutputFailureIsThree)
{
    const auto r = report(OutputError("--json r.json: write failed (No space left on device); is the disk full?"));
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(r.message, "\nError: --json r.json: write failed (No space left on device); is the disk full?\n");
}

TEST(ExitStatus, OutOfMemoryIsFour)
{
    const auto r = report(std::bad_alloc());
    EXPECT_EQ(r.status, 4);
    EXPECT_EQ(r.message, "\nError: out of memory\n");
    EXPECT_EQ(report(std::bad_array_new_length()).status, 4); // a std::bad_alloc too
}

TEST(ExitStatus, AnyOtherExceptionIsAnInternalErrorFive)
{
    const auto r = report(std::logic_error("JsonWriter: unbalanced end_object"));
    EXPECT_EQ(r.status, 5);
    EXPECT_EQ(r.message, "\nError: internal failure: JsonWriter: unbalanced end_object (please report it with the "
                         "command line)\n");
    EXPECT_EQ(report(std::invalid_argument("fft: size 3 is not a power of two")).status, 5);
    EXPECT_EQ(report(std::filesystem::filesystem_error("relative", std::make_error_code(std::errc::io_error))).status,
              5);
    EXPECT_EQ(report_failure(std::make_exception_ptr(42)).status, 5); // not even a std::exception
}

TEST(ExitStatus, InterruptedIs130)
{
    const auto r = report(Cancelled());
    EXPECT_EQ(r.status, 130);
    EXPECT_EQ(r.message, "\nInterrupted: no output was written (finished outputs of earlier runs are intact).\n");
}

TEST(ExitStatus, FailureClassesAreTheStatuses)
{
    EXPECT_EQ(failure_class(InputError("x")), FailureClass::input);
    EXPECT_EQ(failure_class(OutputError("x")), FailureClass::output);
    EXPECT_EQ(failure_class(std::bad_alloc()), FailureClass::out_of_memory);
    EXPECT_EQ(failure_class(std::runtime_error("x")), FailureClass::internal);
    EXPECT_EQ(int(FailureClass::input), cli::exit_bad_input);
    EXPECT_EQ(int(FailureClass::output), cli::exit_output_failed);
    EXPECT_EQ(int(FailureClass::out_of_memory), cli::exit_out_of_memory);
    EXPECT_EQ(int(FailureClass::internal), cli::exit_internal);
}
