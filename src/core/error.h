#pragma once

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

/// @brief An output could not be written.
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

} // namespace redline
