// Golden files for golden_test: each test renders its outputs into one folder under
// tests/harness/golden/ and compares them byte for byte with the reviewed files there.
//
// GoldenFolder::Check(name, text) compares `text` with <folder>/<name>; a mismatch fails the test
// naming the file, the first differing line (1-based) and both versions of that line. Finish()
// fails on files in the folder that no check produced (stale goldens), so a renamed or dropped
// output shows up too. With VIPLAB_UPDATE_GOLDEN=1 in the environment, Check writes the files
// instead and Finish deletes stale ones: review the diff (git diff tests/harness/golden) before
// committing it.
#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace viplab::testing {

// The whole content of `path` as bytes; empty when it cannot be read.
std::string ReadBytes(const std::filesystem::path& path);

// "" when equal; otherwise "line N: expected `...`, got `...`" for the first differing line
// (including a missing final newline or extra lines at the end).
std::string FirstDifference(const std::string& expected, const std::string& actual);

// True when VIPLAB_UPDATE_GOLDEN is set (to anything but "" or "0").
bool UpdatingGoldens();

class GoldenFolder {
 public:
  // `folder` is relative to tests/harness/golden/ in the source tree.
  explicit GoldenFolder(const std::filesystem::path& folder);
  // Compares (or, when updating, writes) <folder>/<name>; `name` may contain '/'.
  void Check(const std::string& name, const std::string& actual);
  // Checks that every regular file in the folder was produced by Check (deletes the others when
  // updating).
  void Finish();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::set<std::filesystem::path> produced_;
};

}  // namespace viplab::testing
