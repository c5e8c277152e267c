#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redline {

/// @brief Builds indented JSON text with numbers at a fixed number of decimals.
///
/// Fixed decimals make reports readable (25.701234, not 25.701234000000003) and byte-identical
/// from run to run; text is checked for UTF-8 and escaped. Misuse (a value where a key is due)
/// is a programming error and throws std::logic_error.
class JsonWriter
{
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(const std::string& k);

    JsonWriter& value(const std::string& s);
    JsonWriter& value(const char* s) { return value(std::string(s)); }
    JsonWriter& value(double v, int decimals); ///< NaN and infinities become null
    JsonWriter& value(std::int64_t v);
    /// A double with 17 significant digits: read back (strtod) to the same bits, for the
    /// intermediate files of a sharded run. NaN and infinities become null.
    JsonWriter& exact(double v);
    /// A complete JSON value written elsewhere (an object's text), inserted as it is.
    JsonWriter& raw(const std::string& json);
    JsonWriter& value(int v) { return value(std::int64_t(v)); }
    JsonWriter& value(std::size_t v) { return value(std::int64_t(v)); }
    JsonWriter& value(bool b);
    JsonWriter& null();

    /// key + value in one call
    template<typename T>
    JsonWriter& field(const std::string& k, const T& v)
    {
        key(k);
        return value(v);
    }
    JsonWriter& field(const std::string& k, double v, int decimals)
    {
        key(k);
        return value(v, decimals);
    }

    /// The finished document (with a final newline).
    std::string str() const;

private:
    void before_value();
    void newline();
    std::string m_out;
    struct Level
    {
        bool object;
        bool empty;
    };
    std::vector<Level> m_stack;
    bool m_after_key = false;
};

/// JSON string literal of @p s (quoted, escaped; invalid UTF-8 bytes become U+FFFD).
std::string json_quote(const std::string& s);

} // namespace redline
