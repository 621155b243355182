// keepalived 2.2.7's number readers as the reader reproduces them (lib/parser.c read_int_func,
// read_unsigned_func, read_decimal_unsigned_long_func, check_true_false; non-strict build).
#include <gtest/gtest.h>

#include "harness/kconf/reader_internal.h"

namespace viplab::kconf::internal {
namespace {

TEST(ReaderNumbersTest, ReadInt) {
  NumberRead ok = ReadInt("-20", -253, 253, true);
  EXPECT_TRUE(ok.accepted);
  EXPECT_TRUE(ok.clean);
  EXPECT_EQ(ok.value, -20);
  // Trailing garbage: a complaint, but accepted when ignore_error and in range.
  NumberRead garbage = ReadInt("5x", -253, 253, true);
  EXPECT_TRUE(garbage.accepted);
  EXPECT_FALSE(garbage.clean);
  EXPECT_EQ(garbage.value, 5);
  EXPECT_FALSE(ReadInt("5x", -253, 253, false).accepted);
  // Out of range: refused, the value still stored (vrrp_vscript_weight_handler keeps it).
  NumberRead far = ReadInt("300", -253, 253, true);
  EXPECT_FALSE(far.accepted);
  EXPECT_EQ(far.value, 300);
}

TEST(ReaderNumbersTest, ReadUnsigned) {
  EXPECT_TRUE(ReadUnsigned("255", 1, 255, false).accepted);
  EXPECT_FALSE(ReadUnsigned("256", 1, 255, false).accepted);
  EXPECT_FALSE(ReadUnsigned("0", 1, 255, false).accepted);
  EXPECT_FALSE(ReadUnsigned("-1", 0, 255, true).accepted);
  EXPECT_FALSE(ReadUnsigned("abc", 1, 255, false).accepted);
  NumberRead fraction = ReadUnsigned("2.5", 0, 4294, true);
  EXPECT_TRUE(fraction.accepted);
  EXPECT_FALSE(fraction.clean);
  EXPECT_EQ(fraction.value, 2);
}

TEST(ReaderNumbersTest, ReadDecimal) {
  NumberRead quarter = ReadDecimal("0.25", 10000, 255000000, 6, true);
  EXPECT_TRUE(quarter.accepted);
  EXPECT_TRUE(quarter.clean);
  EXPECT_EQ(quarter.value, 250000);
  EXPECT_EQ(ReadDecimal("3", 0, 1000000000, 6, true).value, 3000000);
  // More than 6 decimals: rounded, with a complaint, still accepted.
  NumberRead fine = ReadDecimal("1.0000005", 0, 1000000000, 6, true);
  EXPECT_TRUE(fine.accepted);
  EXPECT_FALSE(fine.clean);
  EXPECT_EQ(fine.value, 1000001);
  EXPECT_FALSE(ReadDecimal("-1", 0, 1000000000, 6, true).accepted);
  EXPECT_FALSE(ReadDecimal("abc", 10000, 255000000, 6, true).accepted);
  EXPECT_FALSE(ReadDecimal("0", 10000, 255000000, 6, true).accepted);
  EXPECT_FALSE(ReadDecimal("256", 10000, 255000000, 6, true).accepted);
}

TEST(ReaderNumbersTest, TrueFalse) {
  EXPECT_EQ(ReadTrueFalse("yes"), true);
  EXPECT_EQ(ReadTrueFalse("on"), true);
  EXPECT_EQ(ReadTrueFalse("off"), false);
  EXPECT_EQ(ReadTrueFalse("no"), false);
  EXPECT_FALSE(ReadTrueFalse("maybe").has_value());
}

}  // namespace
}  // namespace viplab::kconf::internal
