#include "class_table.h"
#include "error.h"

#include <gtest/gtest.h>

using namespace redline;

namespace {
const char* const table_text = R"(# a comment
name: demo
title: Demo classes
kind: vector
source: test
0301 | yes    | Arbor forest land | 乔木林地
0302 | yes    | Bamboo forest land | 竹林地   # trailing comment
0305 | masked | Shrub land | 灌木林地
0307 | no     | Other forest land
)";
}

TEST(ClassTable, ParsesHeaderEntriesAndRoles)
{
    const ClassTable t = ClassTable::parse(table_text, "demo.txt");
    EXPECT_EQ(t.name(), "demo");
    EXPECT_EQ(t.kind(), "vector");
    ASSERT_EQ(t.entries().size(), 4u);
    EXPECT_EQ(t.entries()[0].name_zh, "乔木林地");
    EXPECT_EQ(t.entries()[2].forest, ForestRole::masked);
    EXPECT_EQ(t.entries()[3].name_zh, "");
    const ForestCodes codes = forest_codes_of(t);
    EXPECT_EQ(codes.full, (std::set<std::string>{ "0301", "0302" }));
    EXPECT_EQ(codes.masked, (std::set<std::string>{ "0305" }));
}

TEST(ClassTable, FindsCodesAsWrittenAndAsNumbers)
{
    const ClassTable t = ClassTable::parse(table_text, "demo.txt");
    ASSERT_NE(t.find("0301"), nullptr);
    ASSERT_NE(t.find("301"), nullptr); // a numeric DLBM field
    EXPECT_EQ(t.find("301")->code, "0301");
    EXPECT_EQ(t.find("0399"), nullptr);
}

TEST(ClassTable, ErrorsNameTheFileAndLine)
{
    try {
        ClassTable::parse("name: x\n10 | perhaps | Trees\n", "bad.txt");
        FAIL() << "expected an error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("perhaps"), std::string::npos);
    }
    EXPECT_THROW(ClassTable::parse("10 | yes | Trees\n", "noname.txt"), InputError);
    EXPECT_THROW(ClassTable::parse("name: x\n10 | yes | A\n10 | no | B\n", "dup.txt"), InputError);
    EXPECT_THROW(ClassTable::parse("name: x\ncolour: red\n10 | yes | A\n", "key.txt"), InputError);
}

TEST(ClassTable, UserListsKeepTheTablesMaskRole)
{
    const ClassTable t = ClassTable::parse(table_text, "demo.txt");
    const ForestCodes codes = forest_codes_from_list("0301,0302,0305", &t, "--forest-codes");
    EXPECT_EQ(codes.full, (std::set<std::string>{ "0301", "0302" }));
    EXPECT_EQ(codes.masked, (std::set<std::string>{ "0305" }));
    EXPECT_THROW(forest_codes_from_list("0301,9999", &t, "--forest-codes"), InputError);
    EXPECT_THROW(forest_codes_from_list("0301,,0302", &t, "--forest-codes"), InputError);
    const ForestCodes free = forest_codes_from_list("10,20", nullptr, "--forest-classes");
    EXPECT_EQ(free.full, (std::set<std::string>{ "10", "20" }));
}
