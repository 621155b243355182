// A tiny ConfTree builder for the reader's unit tests, independent of the real parser: one line
// per text line (`line` is the raw text), words split on blanks, "double quotes" make one word,
// a line ending in `{` opens a block, a line `}` closes it. Lines keep their text line numbers;
// the file is "t.conf".
#pragma once

#include <string_view>

#include "harness/kconf/conf_tree.h"

namespace viplab::kconf::testing {

ConfTree BuildTree(std::string_view text);

}  // namespace viplab::kconf::testing
