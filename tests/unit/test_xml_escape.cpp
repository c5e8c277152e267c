#include "xml_escape.h"

#include <gtest/gtest.h>

using namespace redline;

namespace {

/// The batch report's escaping as it was written before it moved into xml_escape: & < > " only.
std::string old_batch_report_html(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

const std::string tricky = std::string("a&b<c>d\"e'f\ng\rh\ti") + '\x01' + "j 黔江区\x7f";

} // namespace

TEST(XmlEscape, TextKeepsQuotesAndLineBreaks)
{
    EXPECT_EQ(xml_escape(tricky, XmlPlace::text), "a&amp;b&lt;c&gt;d\"e'f\ng&#xd;h\tij 黔江区\x7f");
}

TEST(XmlEscape, AttributeMakesQuotesAndLineBreaksReferences)
{
    EXPECT_EQ(xml_escape(tricky, XmlPlace::attribute), "a&amp;b&lt;c&gt;d&quot;e'f&#xa;g&#xd;h&#x9;ij 黔江区\x7f");
}

TEST(XmlEscape, HtmlIsTheBatchReportsEscapingByteForByte)
{
    EXPECT_EQ(xml_escape(tricky, XmlPlace::html), "a&amp;b&lt;c&gt;d&quot;e'f\ng\rh\ti\x01j 黔江区\x7f");
    std::string every_byte;
    for (int c = 1; c < 256; ++c)
        every_byte += static_cast<char>(c);
    EXPECT_EQ(xml_escape(every_byte, XmlPlace::html), old_batch_report_html(every_byte));
}
