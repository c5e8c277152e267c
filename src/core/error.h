#pragma once

#include <new>
#include <stdexcept>
#include <string>

namespace redline {

/// @brief Base of every error redline reports to its user.
///
/// Messages are complete sentences that name the file, layer, feature id or option concerned and
/// say what to do; the CLI prints them as they are.
class Error : public std::runtime_error
{
public:
    explicit Error(const std::string& message)
      : std::runtime_error(message)
    {
    }
};

/// @brief The user's input (a file, a layer, a feature, an option value) cannot be used as given.
class InputError : public Error
{
public:
    using Error::Error;
};

/// @brief An output could not be written once the work had started: creating, writing, closing or
/// renaming a file (or a folder) failed (disk full, quota, a folder removed or made read-only during
/// the run, an I/O error). Exit status 3.
///
/// What is wrong with an output *option* and found before the work starts (its folder does not
/// exist or cannot be written, it names a folder or an input, a wrong extension) is the user's
/// input: an InputError, exit status 2. See failure_class().
class OutputError : public Error
{
public:
    using Error::Error;
};

/// @brief The run was cancelled (by the progress callback, e.g. on Ctrl-C).
class Cancelled : public Error
{
public:
    Cancelled()
      : Error("cancelled")
    {
    }
};

/// @brief The classes of failure, valued as the exit status each gives (README "Exit status").
enum class FailureClass : int
{
    input = 2,         ///< bad input: an InputError or any other Error but OutputError
    output = 3,        ///< an output could not be written: OutputError
    out_of_memory = 4, ///< std::bad_alloc
    internal = 5,      ///< any other exception: a bug
};

/// The class of a failure that ended a run (or a batch unit) with @p e. Cancelled is not a
/// failure: callers catch it first (exit status 130).
inline FailureClass failure_class(const std::exception& e)
{
    if (dynamic_cast<const OutputError*>(&e))
        return FailureClass::output;
    if (dynamic_cast<const Error*>(&e))
        return FailureClass::input; // redline's own messages: they name the input or option at fault
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return FailureClass::out_of_memory;
    return FailureClass::internal;
}

} // namespace redline
