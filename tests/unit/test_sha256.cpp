// SHA-256 against the FIPS 180-4 / NIST example vectors (what `sha256sum` prints).
#include "sha256.h"

#include <gtest/gtest.h>

#include <string>

using namespace redline;

TEST(Sha256, MatchesTheNistExamples)
{
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesGiveTheSameDigestAsTheWhole)
{
    std::string text;
    for (int i = 0; i < 1000; ++i)
        text += char('a' + i % 26) + std::to_string(i);
    for (std::size_t piece : { 1u, 3u, 55u, 56u, 63u, 64u, 65u, 1000u }) {
        Sha256 h;
        for (std::size_t i = 0; i < text.size(); i += piece)
            h.update(text.data() + i, std::min(piece, text.size() - i));
        EXPECT_EQ(h.hex_digest(), sha256_hex(text)) << "pieces of " << piece;
    }
    // Lengths around the padding boundary (55, 56, 64 bytes) against the one-shot digest's
    // known value for 64 'a's.
    EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
