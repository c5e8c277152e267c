#include "exit_status.h"

#include "error.h"

namespace redline::cli {

static_assert(int(FailureClass::input) == exit_bad_input && int(FailureClass::output) == exit_output_failed &&
                int(FailureClass::out_of_memory) == exit_out_of_memory && int(FailureClass::internal) == exit_internal,
              "one table of exit statuses");

FailureReport report_failure(std::exception_ptr e)
{
    try {
        std::rethrow_exception(e);
    } catch (const Cancelled&) {
        return { exit_interrupted,
                 "\nInterrupted: no output was written (finished outputs of earlier runs are intact).\n" };
    } catch (const std::exception& x) {
        const FailureClass c = failure_class(x);
        switch (c) {
        case FailureClass::input:
        case FailureClass::output:
            return { int(c), std::string("\nError: ") + x.what() + "\n" };
        case FailureClass::out_of_memory:
            return { int(c), "\nError: out of memory\n" };
        case FailureClass::internal:
            break;
        }
        return { exit_internal,
                 std::string("\nError: internal failure: ") + x.what() + " (please report it with the command line)\n" };
    } catch (...) {
        return { exit_internal, "\nError: internal failure: an unknown exception (please report it with the command line)\n" };
    }
}

} // namespace redline::cli
