#include "report_json.h"
#include "text.h"

#include <cmath>

#include <gtest/gtest.h>

using namespace redline;

TEST(Text, DecimalsWritten)
{
    EXPECT_EQ(decimals_written("25.76"), 2);
    EXPECT_EQ(decimals_written("65"), 0);
    EXPECT_EQ(decimals_written("17.020"), 3);
    EXPECT_EQ(decimals_written("1e-3"), 3);
    EXPECT_EQ(decimals_written("1.5e2"), 0);
}

TEST(Text, Utf8Validation)
{
    EXPECT_TRUE(is_utf8("黔江区 Qianjiang"));
    EXPECT_FALSE(is_utf8("\xc7\xad\xbd\xad")); // 黔江 in GBK
    EXPECT_FALSE(is_utf8("\xc0\xaf"));         // overlong '/'
    EXPECT_FALSE(is_utf8("\xed\xa0\x80"));     // surrogate
}

TEST(Text, FixedNeverPrintsNegativeZero)
{
    EXPECT_EQ(fixed(-0.0000001, 3), "0.000");
    EXPECT_EQ(fixed(25.7649999, 2), "25.76");
}

TEST(JsonWriter, BuildsIndentedJsonWithFixedDecimalsAndEscapes)
{
    JsonWriter j;
    j.begin_object();
    j.field("name", "黔江\"区\"\n");
    j.field("share_pct", 25.76, 3);
    j.field("nan", std::nan(""), 2);
    j.key("list").begin_array().value(1).value(true).end_array();
    j.key("empty").begin_object().end_object();
    j.end_object();
    EXPECT_EQ(j.str(), "{\n  \"name\": \"黔江\\\"区\\\"\\n\",\n  \"share_pct\": 25.760,\n  \"nan\": null,\n"
                       "  \"list\": [\n    1,\n    true\n  ],\n  \"empty\": {}\n}\n");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters)
{
    EXPECT_EQ(json_quote("a\xbd\xad"), "\"a\xEF\xBF\xBD\xEF\xBF\xBD\""); // stray continuation bytes
    EXPECT_EQ(json_quote("\x01"), "\"\\u0001\"");
}

TEST(JsonWriter, MisuseIsCaught)
{
    JsonWriter j;
    j.begin_object();
    EXPECT_THROW(j.value(1), std::logic_error);
    EXPECT_THROW(j.str(), std::logic_error);
}
