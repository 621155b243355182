// Golden-file comparison for golden_test (golden_check.h).
#include "tests/harness/golden_check.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace viplab::testing {

namespace {

const std::filesystem::path kGoldenRoot =
    std::filesystem::path(VIPLAB_SOURCE_DIR) / "tests/harness/golden";

// The lines of `text`, each with its '\n' (the last one without, when the text does not end
// with one), so a missing final newline is a difference too.
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start + 1));  // keeps the '\n'
    start = end + 1;
  }
  return lines;
}

std::string Quote(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  // Long lines (the HTML's inline script): the first 300 characters are enough to find it.
  if (out.size() > 300) out = out.substr(0, 300) + "...";
  return "`" + out + "`";
}

}  // namespace

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string FirstDifference(const std::string& expected, const std::string& actual) {
  if (expected == actual) return "";
  const auto want = Lines(expected);
  const auto got = Lines(actual);
  for (size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const std::string_view w = i < want.size() ? want[i] : std::string_view();
    const std::string_view g = i < got.size() ? got[i] : std::string_view();
    if (w == g) continue;
    return fmt::format("line {}: expected {}, got {} ({} vs {} lines)", i + 1,
                       i < want.size() ? Quote(w) : "end of file",
                       i < got.size() ? Quote(g) : "end of file", want.size(), got.size());
  }
  return "differs";  // not reached: equal lines make equal texts
}

bool UpdatingGoldens() {
  const char* value = std::getenv("VIPLAB_UPDATE_GOLDEN");
  return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
}

GoldenFolder::GoldenFolder(const std::filesystem::path& folder) : path_(kGoldenRoot / folder) {}

void GoldenFolder::Check(const std::string& name, const std::string& actual) {
  const std::filesystem::path file = path_ / name;
  produced_.insert(file.lexically_normal());
  if (UpdatingGoldens()) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << actual;
    out.close();
    ASSERT_TRUE(out) << "could not write " << file;
    return;
  }
  if (!std::filesystem::exists(file)) {
    ADD_FAILURE() << file.string() << ": missing golden file (regenerate with "
                  << "VIPLAB_UPDATE_GOLDEN=1, then review the diff)";
    return;
  }
  const std::string difference = FirstDifference(ReadBytes(file), actual);
  EXPECT_EQ(difference, "") << file.string() << ": " << difference
                            << "\n(if the change is intended, regenerate with "
                               "VIPLAB_UPDATE_GOLDEN=1 and review the diff)";
}

void GoldenFolder::Finish() {
  if (!std::filesystem::exists(path_)) return;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path_)) {
    if (!entry.is_regular_file()) continue;
    const auto file = entry.path().lexically_normal();
    if (produced_.count(file) != 0) continue;
    if (UpdatingGoldens()) {
      std::filesystem::remove(file);
    } else {
      ADD_FAILURE() << file.string() << ": stale golden file, no longer produced";
    }
  }
}

}  // namespace viplab::testing
